package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.Targets;
import io.baran.detector.config.DetectorSettings;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.state.HealthTracker;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe loop against a real HTTP server on 127.0.0.1: probes keep coming on schedule, and stopping lets go. */
class ProbeLoopTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final Vertx vertx = Vertx.vertx();
    private final DetectorMetrics metrics = DetectorMetrics.inMemory();
    private final HealthTracker tracker = new HealthTracker(
            new DetectorSettings.Vantage(
                    "test",
                    1.0,
                    new DetectorSettings.Damping(false, 1000, 2000, 750, Duration.ofSeconds(60)),
                    false,
                    Duration.ofSeconds(1)),
            verdict -> {},
            metrics,
            Clock.systemUTC());
    private final Probes probes = new Probes(vertx, "test");
    private final List<Long> lags = new CopyOnWriteArrayList<>();
    private final ProbeLoop loop = new ProbeLoop(vertx, tracker, probes, metrics, lags::add);
    private HttpConnectionTest.ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        loop.close();
        probes.close();
        vertx.closeAndAwait();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void probesATargetEveryIntervalOnOneConnectionAndClosesItWhenStopped() throws Exception {
        server = new HttpConnectionTest.ScriptedServer((connection, request, out) -> out.write(OK.getBytes()));
        TargetDefinition target =
                Targets.http("web", "http://127.0.0.1:" + server.port() + "/healthz", "local/web", "100ms", 1);
        tracker.track(List.of(target));
        loop.start(target);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.connectionOfEachRequest().size() < 5 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertTrue(server.connectionOfEachRequest().size() >= 5, "requests: " + server.connectionOfEachRequest());
        assertEquals(List.of(0, 0, 0, 0, 0), server.connectionOfEachRequest().subList(0, 5), "one kept connection");
        assertTrue(
                lags.size() >= 5 && lags.stream().allMatch(lag -> lag >= 0),
                "every probe starts at or after its slot: " + lags);
        assertEquals("HTTP 200", tracker.targets().get(0).lastResult());

        assertTrue(loop.stop("web"));
        server.awaitClosed(1);
        int seen = server.connectionOfEachRequest().size();
        Thread.sleep(300);
        assertEquals(seen, server.connectionOfEachRequest().size(), "no probe after stopping");
    }

    @Test
    void warnsWhenTheOpenFilesLimitIsBelowOnePerTarget() {
        assertNull(ProbeLoop.descriptorShortfall(10_000, 65_536));
        String warning = ProbeLoop.descriptorShortfall(10_000, 4_096);
        assertTrue(warning.startsWith("probing 10000 targets takes about 10512 open files"), warning);
        assertTrue(warning.contains("may open only 4096"), warning);
    }
}
