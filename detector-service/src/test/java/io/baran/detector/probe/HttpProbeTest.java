package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.baran.detector.config.TargetDefinition;
import io.baran.testinfra.Ports;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP exchanges between the probe and a JDK HTTP server on 127.0.0.1. */
class HttpProbeTest {

    private static final Duration AT_MOST = Duration.ofSeconds(10);

    private final Vertx vertx = Vertx.vertx();
    private final NetClient client = vertx.getDelegate().createNetClient(new NetClientOptions());
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final AtomicReference<String> query = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final java.util.List<Integer> peers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService serverThreads = Executors.newFixedThreadPool(4);
    private HttpServer server;
    private int port;

    @BeforeEach
    void serve() throws IOException {
        port = Ports.free();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(serverThreads);
        server.createContext("/ok", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            query.set(exchange.getRequestURI().getRawQuery());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/peer", exchange -> {
            peers.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/unavailable", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/ok");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/stuck", exchange -> {
            try {
                release.await(AT_MOST.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        client.close();
        vertx.closeAndAwait();
    }

    @Test
    void passesOnTheExpectedStatus() {
        ProbeResult result = probe("http://127.0.0.1:" + port + "/ok", 200, Duration.ofSeconds(2));
        assertTrue(result.passed());
        assertEquals("HTTP 200", result.detail());
    }

    @Test
    void failsOnAnyOtherStatus() {
        ProbeResult result = probe("http://127.0.0.1:" + port + "/unavailable", 200, Duration.ofSeconds(2));
        assertFalse(result.passed());
        assertEquals("HTTP 503, expected 200", result.detail());
        assertTrue(
                probe("http://127.0.0.1:" + port + "/unavailable", 503, Duration.ofSeconds(2))
                        .passed(),
                "the expected status is configurable");
    }

    @Test
    void doesNotFollowRedirects() {
        assertEquals(
                "HTTP 302, expected 200",
                probe("http://127.0.0.1:" + port + "/moved", 200, Duration.ofSeconds(2))
                        .detail());
    }

    @Test
    void failsWhenTheAnswerIsLate() {
        ProbeResult result = probe("http://127.0.0.1:" + port + "/stuck", 200, Duration.ofMillis(300));
        assertFalse(result.passed());
        assertEquals("no answer within 300ms", result.detail());
    }

    @Test
    void failsWhenNothingListens() {
        server.stop(0);
        ProbeResult result = probe("http://127.0.0.1:" + port + "/ok", 200, Duration.ofSeconds(2));
        assertFalse(result.passed());
        assertTrue(result.detail().contains("Connection refused"), result.detail());
    }

    @Test
    void sendsTheUrlsCredentialsAsBasicAuthenticationAndNowhereElse() {
        ProbeResult result = probe("http://probe:pa%3Ass@127.0.0.1:" + port + "/ok", 200, Duration.ofSeconds(2));
        assertTrue(result.passed());
        assertEquals(
                "Basic " + Base64.getEncoder().encodeToString("probe:pa:ss".getBytes(StandardCharsets.UTF_8)),
                authorization.get());
    }

    /** A health URL that authenticates by its query: the token goes in the request, and nowhere it is shown. */
    @Test
    void sendsTheQueryAsWrittenAndShowsItsValuesNowhere() {
        String url = "http://127.0.0.1:" + port + "/ok?token=s3cret-t0ken&deep";
        ProbeResult result = probe(url, 200, Duration.ofSeconds(2));
        assertTrue(result.passed(), result.detail());
        assertEquals("token=s3cret-t0ken&deep", query.get());
        assertTrue(!result.detail().contains("s3cret"), result.detail());
        TargetDefinition target = new TargetDefinition(
                "t", "local/test", ProbeUrl.parse(url), Duration.ofSeconds(1), Duration.ofSeconds(1), 3, 3, 200);
        assertEquals(
                "http://127.0.0.1:" + port + "/ok?token=***&deep",
                target.endpoint().shown());
    }

    @Test
    void sendsNoAuthorizationWithoutCredentials() {
        probe("http://127.0.0.1:" + port + "/ok", 200, Duration.ofSeconds(2));
        assertEquals(null, authorization.get());
    }

    private ProbeResult probe(String url, int expectStatus, Duration timeout) {
        TargetDefinition target = new TargetDefinition(
                "t", "local/test", ProbeUrl.parse(url), Duration.ofSeconds(1), timeout, 3, 3, expectStatus);
        HttpProbe probe = new HttpProbe(
                client,
                target,
                "baran-detector/test",
                vertx.getDelegate(),
                io.baran.detector.config.TargetDefinitions.ALWAYS_REFUSED);
        try {
            return probe.run().await().atMost(AT_MOST);
        } finally {
            probe.close();
        }
    }

    /** Probes reuse their host's connection, and still connect anew every {@link HttpProbe#FRESH_CONNECTION_EVERY} probes. */
    @Test
    void probesReuseAConnectionAndConnectAnewEveryFewProbes() {
        int count = HttpProbe.FRESH_CONNECTION_EVERY * 2 + 1;
        try (Probes probes = new Probes(vertx, "test")) {
            Probe probe = probes.create(new TargetDefinition(
                    "t",
                    "local/test",
                    ProbeUrl.parse("http://127.0.0.1:" + port + "/peer"),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    3,
                    3,
                    200));
            for (int i = 0; i < count; i++) {
                ProbeResult result = probe.run().await().atMost(AT_MOST);
                assertTrue(result.passed(), result.detail());
            }
        }
        assertEquals(count, peers.size());
        // Connections are told apart by their client port: one for the first probes, a new one after each closing
        // probe.
        assertEquals(3, new java.util.LinkedHashSet<>(peers).size(), "client ports seen: " + peers);
        assertEquals(
                java.util.Collections.nCopies(HttpProbe.FRESH_CONNECTION_EVERY, peers.get(0)),
                peers.subList(0, HttpProbe.FRESH_CONNECTION_EVERY));
    }
}
