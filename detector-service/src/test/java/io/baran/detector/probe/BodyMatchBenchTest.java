package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.net.httpserver.HttpServer;
import io.baran.detector.Targets;
import io.baran.detector.config.TargetSpec;
import io.vertx.mutiny.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Benchmark note, not a timing assertion: {@code (a+)+$} against {@code aaaa...b} backtracks exponentially in
 * java.util.regex (30 a's take seconds, 60 would outlive the detector); body-match patterns are compiled with RE2/J,
 * which is linear in the body, so even the largest body a probe reads is judged in milliseconds. The times are
 * printed; the test asserts only the verdicts (the class-level timeout is a hang guard, far above the times seen).
 */
@Timeout(60)
class BodyMatchBenchTest {

    private static final String PATHOLOGICAL = "(a+)+$";

    @Test
    void aPathologicalPatternIsMatchedInLinearTime() {
        String body = "a".repeat(HttpProbe.MAX_BODY - 1) + "b";
        var pattern = Targets.define("web", spec("http://127.0.0.1:1/", PATHOLOGICAL))
                .checks()
                .bodyMatch()
                .orElseThrow();
        long start = System.nanoTime();
        boolean found = pattern.matcher(body).find();
        long micros = (System.nanoTime() - start) / 1000;
        System.out.printf(
                "body-match %s over %d bytes of a...b with RE2/J: %d us (found=%s)%n",
                PATHOLOGICAL, body.length(), micros, found);
        assertFalse(found);
        assertEquals(true, pattern.matcher("aaaa").find());
    }

    @Test
    void theProbeLoopIsNotStalledByIt() throws Exception {
        byte[] body = ("a".repeat(HttpProbe.MAX_BODY - 1) + "b").getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Vertx vertx = Vertx.vertx();
        try (Probes probes = new Probes(vertx, "test")) {
            Probe probe = probes.create(Targets.define(
                    "web", spec("http://127.0.0.1:" + server.getAddress().getPort() + "/", PATHOLOGICAL)));
            long start = System.nanoTime();
            ProbeResult result = probe.run().await().atMost(Duration.ofSeconds(30));
            System.out.printf(
                    "probe with body-match %s over a %d-byte body: %d ms%n",
                    PATHOLOGICAL, body.length, (System.nanoTime() - start) / 1_000_000);
            assertFalse(result.passed());
            assertEquals("HTTP 200, body does not match /" + PATHOLOGICAL + "/", result.detail());
        } finally {
            vertx.closeAndAwait();
            server.stop(0);
        }
    }

    private static TargetSpec spec(String url, String bodyMatch) {
        return new TargetSpec(
                url, "local/web", "1s", "5s", 3, 3, null, bodyMatch, null, null, null, null, null, null, null);
    }
}
