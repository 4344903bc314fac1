package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.Targets;
import io.baran.detector.config.TargetSpec;
import io.vertx.mutiny.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The probe's own HTTP/1.1 exchange against a server on 127.0.0.1 that answers byte for byte what each case
 * writes: how answers are read (chunked, until the connection closes, interim answers, malformed ones), and when a
 * kept connection is used, dropped, or replaced.
 */
class HttpConnectionTest {

    private static final Duration AT_MOST = Duration.ofSeconds(10);
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final Vertx vertx = Vertx.vertx();
    private final Probes probes = new Probes(vertx, "test");
    private ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        probes.close();
        vertx.closeAndAwait();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void keepsOneConnectionAndSendsTheRequestPreparedForTheTarget() throws Exception {
        server = new ScriptedServer((connection, request, out) -> out.write(bytes(OK)));
        Probe probe = probe("http://probe:s3cret@127.0.0.1:" + server.port() + "/health?deep=1", null, "1s");
        for (int i = 0; i < 3; i++) {
            ProbeResult result = probe.run().await().atMost(AT_MOST);
            assertTrue(result.passed(), result.detail());
        }
        assertEquals(List.of(0, 0, 0), server.connectionOfEachRequest());
        String head = server.requests().get(0);
        assertTrue(head.startsWith("GET /health?deep=1 HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n"), head);
        assertTrue(head.contains("\r\nUser-Agent: baran-detector/test\r\n"), head);
        assertTrue(head.contains("\r\nAuthorization: Basic cHJvYmU6czNjcmV0\r\n"), head);
        assertFalse(head.contains("Connection: close"), head);
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedWithoutAFailure() throws Exception {
        // Answers, then closes the connection as an idle timeout would, before the next probe comes.
        server = new ScriptedServer((connection, request, out) -> {
            out.write(bytes(OK));
            out.flush();
            throw new SocketException("closed after answering");
        });
        Probe probe = probe("http://127.0.0.1:" + server.port() + "/", null, "1s");
        assertTrue(probe.run().await().atMost(AT_MOST).passed());
        server.awaitClosed(1);
        ProbeResult second = probe.run().await().atMost(AT_MOST);
        assertTrue(second.passed(), second.detail());
        assertEquals(List.of(0, 1), server.connectionOfEachRequest());
    }

    @Test
    void aKeptConnectionClosedWithoutAnAnswerIsTriedOnceMoreOnANewOne() throws Exception {
        // The first connection answers once, then takes the next request and closes without answering it.
        server = new ScriptedServer((connection, request, out) -> {
            if (connection == 0 && request == 1) {
                throw new SocketException("closed without answering");
            }
            out.write(bytes(OK));
        });
        Probe probe = probe("http://127.0.0.1:" + server.port() + "/", null, "1s");
        assertTrue(probe.run().await().atMost(AT_MOST).passed());
        ProbeResult second = probe.run().await().atMost(AT_MOST);
        assertTrue(second.passed(), second.detail());
        assertEquals(List.of(0, 0, 1), server.connectionOfEachRequest());
    }

    @Test
    void aNewConnectionClosedWithoutAnAnswerFailsTheProbe() throws Exception {
        server = new ScriptedServer((connection, request, out) -> {
            throw new SocketException("closed without answering");
        });
        ProbeResult result = probe("http://127.0.0.1:" + server.port() + "/", null, "1s")
                .run()
                .await()
                .atMost(AT_MOST);
        assertFalse(result.passed());
        assertEquals("IOException: connection closed before the answer was complete", result.detail());
        assertEquals(List.of(0), server.connectionOfEachRequest(), "a new connection's request is not sent again");
    }

    @Test
    void readsAChunkedBody() throws Exception {
        server = new ScriptedServer(
                (connection, request, out) -> out.write(
                        bytes(
                                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{\"db\":\"\r\n9\r\nprimary\"}\r\n0\r\n\r\n")));
        assertTrue(probe("http://127.0.0.1:" + server.port() + "/", "\"db\":\"primary\"", "1s")
                .run()
                .await()
                .atMost(AT_MOST)
                .passed());
        assertEquals(
                "HTTP 200, body does not match /standby/",
                probe("http://127.0.0.1:" + server.port() + "/", "standby", "1s")
                        .run()
                        .await()
                        .atMost(AT_MOST)
                        .detail());
    }

    @Test
    void readsABodyThatEndsWithTheConnection() throws Exception {
        server = new ScriptedServer((connection, request, out) -> {
            out.write(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nstatus: ready"));
            out.flush();
            throw new SocketException("the body ends here");
        });
        Probe probe = probe("http://127.0.0.1:" + server.port() + "/", "ready", "1s");
        for (int i = 0; i < 2; i++) {
            ProbeResult result = probe.run().await().atMost(AT_MOST);
            assertTrue(result.passed(), result.detail());
        }
        assertEquals(List.of(0, 1), server.connectionOfEachRequest());
    }

    @Test
    void aBodyIsSearchedUpToItsLimit() throws Exception {
        String filler = "x".repeat(HttpProbe.MAX_BODY);
        server = new ScriptedServer((connection, request, out) -> out.write(
                bytes("HTTP/1.1 200 OK\r\nContent-Length: " + (filler.length() + 5) + "\r\n\r\n" + filler + "ready")));
        ProbeResult result = probe("http://127.0.0.1:" + server.port() + "/", "ready", "1s")
                .run()
                .await()
                .atMost(AT_MOST);
        assertEquals("HTTP 200, body does not match /ready/", result.detail());
        assertTrue(probe("http://127.0.0.1:" + server.port() + "/", "x{100}", "1s")
                .run()
                .await()
                .atMost(AT_MOST)
                .passed());
    }

    @Test
    void anInterimAnswerIsSkippedForTheFinalOne() throws Exception {
        server = new ScriptedServer((connection, request, out) ->
                out.write(bytes("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")));
        assertEquals(
                "HTTP 503, expected 200",
                probe("http://127.0.0.1:" + server.port() + "/", null, "1s")
                        .run()
                        .await()
                        .atMost(AT_MOST)
                        .detail());
    }

    @Test
    void aMalformedAnswerFailsTheProbeAndDropsTheConnection() throws Exception {
        AtomicInteger served = new AtomicInteger();
        server = new ScriptedServer((connection, request, out) ->
                out.write(bytes(served.getAndIncrement() == 0 ? "SSH-2.0-OpenSSH_9.6\r\n\r\n" : OK)));
        Probe probe = probe("http://127.0.0.1:" + server.port() + "/", null, "1s");
        ProbeResult result = probe.run().await().atMost(AT_MOST);
        assertFalse(result.passed());
        assertTrue(result.detail().startsWith("IOException: malformed HTTP answer: "), result.detail());
        assertTrue(probe.run().await().atMost(AT_MOST).passed());
        assertEquals(List.of(0, 1), server.connectionOfEachRequest());
    }

    @Test
    void anHttp10AnswerEndsItsConnection() throws Exception {
        server = new ScriptedServer(
                (connection, request, out) -> out.write(bytes("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")));
        Probe probe = probe("http://127.0.0.1:" + server.port() + "/", null, "1s");
        for (int i = 0; i < 2; i++) {
            assertTrue(probe.run().await().atMost(AT_MOST).passed());
        }
        assertEquals(List.of(0, 1), server.connectionOfEachRequest());
    }

    @Test
    void aLateAnswerIsNotTakenForTheNextProbes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server = new ScriptedServer((connection, request, out) -> {
            if (connection == 0) {
                await(release);
                out.write(bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"));
            } else {
                out.write(bytes(OK));
            }
        });
        Probe probe = probes.create(Targets.define(
                "web",
                new TargetSpec(
                        "http://127.0.0.1:" + server.port() + "/",
                        "local/web",
                        "1s",
                        "300ms",
                        3,
                        3,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null)));
        assertEquals(
                "no answer within 300ms", probe.run().await().atMost(AT_MOST).detail());
        release.countDown();
        for (int i = 0; i < 3; i++) {
            assertEquals("HTTP 200", probe.run().await().atMost(AT_MOST).detail());
        }
        server.awaitClosed(1);
        assertEquals(List.of(0, 1, 1, 1), server.connectionOfEachRequest());
    }

    @Test
    void aTargetProbedLessOftenThanTheKeepAliveConnectsForEveryProbe() throws Exception {
        server = new ScriptedServer((connection, request, out) -> out.write(bytes(OK)));
        Probe probe = probe("http://127.0.0.1:" + server.port() + "/", null, "30s");
        for (int i = 0; i < 2; i++) {
            assertTrue(probe.run().await().atMost(AT_MOST).passed());
        }
        assertEquals(List.of(0, 1), server.connectionOfEachRequest());
        assertTrue(
                server.requests().get(0).contains("\r\nConnection: close\r\n"),
                server.requests().get(0));
    }

    @Test
    void aStoppedProbeClosesItsConnection() throws Exception {
        server = new ScriptedServer((connection, request, out) -> out.write(bytes(OK)));
        Probe probe = probe("http://127.0.0.1:" + server.port() + "/", null, "1s");
        assertTrue(probe.run().await().atMost(AT_MOST).passed());
        probe.close();
        server.awaitClosed(1);
        assertFalse(probe.run().await().atMost(AT_MOST).passed(), "a stopped probe does not connect again");
        assertEquals(List.of(0), server.connectionOfEachRequest());
    }

    private Probe probe(String url, String bodyMatch, String interval) {
        return probes.create(Targets.define(
                "web",
                new TargetSpec(
                        url,
                        "local/web",
                        interval,
                        "5s",
                        3,
                        3,
                        null,
                        bodyMatch,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(AT_MOST.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the server writes for one request; throwing closes the connection. */
    interface Answer {
        void write(int connection, int request, OutputStream out) throws IOException;
    }

    /** A server on 127.0.0.1 that reads each request's head and answers with what the case wrote, one thread per connection. */
    static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Answer answer;
        private final List<Integer> connectionOfEachRequest = new CopyOnWriteArrayList<>();
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final AtomicInteger closed = new AtomicInteger();
        private final Thread acceptor;

        ScriptedServer(Answer answer) throws IOException {
            this.answer = answer;
            acceptor = new Thread(this::accept, "scripted-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        List<Integer> connectionOfEachRequest() {
            return List.copyOf(connectionOfEachRequest);
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        /** Waits (bounded) until at least this many connections have ended. */
        void awaitClosed(int count) throws InterruptedException {
            long until = System.nanoTime() + AT_MOST.toNanos();
            while (closed.get() < count && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertTrue(closed.get() >= count, "connections ended: " + closed.get() + ", expected " + count);
        }

        private void accept() {
            for (int connection = 0; !socket.isClosed(); connection++) {
                try {
                    Socket client = socket.accept();
                    accepted.add(client);
                    int index = connection;
                    Thread serving = new Thread(() -> serve(index, client), "scripted-connection-" + index);
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException closing) {
                    return;
                }
            }
        }

        private void serve(int connection, Socket client) {
            try (client;
                    InputStream in = client.getInputStream();
                    OutputStream out = client.getOutputStream()) {
                client.setSoTimeout((int) AT_MOST.toMillis());
                for (int request = 0; ; request++) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    connectionOfEachRequest.add(connection);
                    requests.add(head);
                    answer.write(connection, request, out);
                    out.flush();
                }
            } catch (IOException ended) {
                // The case closed the connection, or the client did.
            } finally {
                closed.incrementAndGet();
            }
        }

        /** The request's head up to the blank line, or null when the client closed the connection first. */
        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < end.length) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
