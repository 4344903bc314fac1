package io.baran.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests to a server on 127.0.0.1 reached through a name only the test's resolver knows. */
class PinnedHttpTest {

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<String> lookups = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " Host="
                    + exchange.getRequestHeaders().getFirst("Host") + " X-Test="
                    + exchange.getRequestHeaders().getFirst("X-Test") + " body=" + body);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/missing") ? 404 : 204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private EgressPolicy policy() {
        return EgressPolicy.defaults().allowing(List.of("127.0.0.1")).withResolver(host -> {
            lookups.add(host);
            if (!host.equals("standby.example")) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByAddress(new byte[] {127, 0, 0, 1})};
        });
    }

    @Test
    void connectsToTheAddressThePolicyReturnedAndSendsTheNameAsHost() throws Exception {
        URI url = URI.create("http://standby.example:" + server.getAddress().getPort() + "/healthz?deep=1");
        Destination to = policy().resolve(url);
        assertEquals(204, new PinnedHttp().send("GET", url, to, Map.of("X-Test", "yes"), null, Duration.ofSeconds(5)));
        assertEquals(
                List.of("GET /healthz?deep=1 Host=standby.example:"
                        + server.getAddress().getPort() + " X-Test=yes body="),
                seen);
        assertEquals(List.of("standby.example"), lookups);
    }

    /**
     * A server that answers with interim (1xx) answers without end, or drips its headers a byte at a time, does not hold
     * the caller past its timeout (each read alone within it was: the caller waited without bound).
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aServerThatStallsItsAnswerDoesNotHoldTheCallerPastTheTimeout() throws Exception {
        for (String stall : List.of("interim", "drip", "tls")) {
            try (java.net.ServerSocket stalling = new java.net.ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
                Thread serving = new Thread(() -> {
                    try (java.net.Socket client = stalling.accept()) {
                        var out = client.getOutputStream();
                        if (stall.equals("drip")) {
                            out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
                        }
                        if (stall.equals("tls")) {
                            // The header of a TLS handshake record (a ServerHello), then its body a byte at a time.
                            out.write(new byte[] {0x16, 0x03, 0x03, 0x10, 0x00});
                        }
                        for (int i = 0; i < 400; i++) {
                            out.write((stall.equals("interim") ? "HTTP/1.1 100 Continue\r\n\r\n" : "a")
                                    .getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                            sent.incrementAndGet();
                            Thread.sleep(50);
                        }
                    } catch (Exception closed) {
                        // the caller gave up and closed the connection
                    }
                });
                serving.setDaemon(true);
                serving.start();
                URI url = URI.create((stall.equals("tls") ? "https" : "http") + "://127.0.0.1:"
                        + stalling.getLocalPort() + "/healthz");

                java.io.IOException failure = org.junit.jupiter.api.Assertions.assertThrows(
                        java.io.IOException.class,
                        () -> new PinnedHttp()
                                .send("GET", url, policy().resolve(url), Map.of(), null, Duration.ofSeconds(1)),
                        stall);
                org.junit.jupiter.api.Assertions.assertTrue(
                        failure.getMessage().contains("interim (1xx) answers")
                                || failure instanceof java.net.SocketTimeoutException,
                        stall + ": " + failure.getMessage());
                serving.join(25_000);
                org.junit.jupiter.api.Assertions.assertTrue(
                        sent.get() < 400, stall + ": the caller stopped listening before the server stopped stalling");
            }
        }
    }

    @Test
    void postsABodyAndReportsTheStatus() throws Exception {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/missing");
        int status = new PinnedHttp()
                .send(
                        "POST",
                        url,
                        policy().resolve(url),
                        Map.of("Content-Type", "application/json"),
                        "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
                        Duration.ofSeconds(5));
        assertEquals(404, status);
        assertEquals(
                List.of("POST /missing Host=127.0.0.1:" + server.getAddress().getPort()
                        + " X-Test=null body={\"text\":\"hi\"}"),
                seen);
        assertEquals(List.of(), lookups);
    }
}
