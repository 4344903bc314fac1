package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.Targets;
import io.baran.testinfra.Ports;
import io.vertx.mutiny.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TCP connect probes against real sockets on 127.0.0.1. */
class TcpProbeTest {

    private final Vertx vertx = Vertx.vertx();
    private final Probes probes = new Probes(vertx, "test");

    @AfterEach
    void stop() {
        probes.close();
        vertx.closeAndAwait();
    }

    private ProbeResult probe(int port) {
        return probes.create(Targets.define("db", Targets.spec("tcp://127.0.0.1:" + port, "local/db", "1s", 3, 3)))
                .run()
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    @Test
    void passesWhenTheConnectionIsAccepted() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult result = probe(socket.getLocalPort());
            assertTrue(result.passed(), result.detail());
            assertEquals("TCP connected", result.detail());
        }
    }

    @Test
    void resolvesAHostNameWithoutBlocking() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            ProbeResult result = probes.create(Targets.define(
                            "db", Targets.spec("tcp://localhost:" + socket.getLocalPort(), "local/db", "1s", 3, 3)))
                    .run()
                    .await()
                    .atMost(Duration.ofSeconds(10));
            assertTrue(result.passed(), result.detail());
        }
    }

    @Test
    void probesAgainAndAgainOnTheSameProbe() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Probe probe = probes.create(Targets.define(
                    "db", Targets.spec("tcp://127.0.0.1:" + socket.getLocalPort(), "local/db", "1s", 3, 3)));
            for (int i = 0; i < 3; i++) {
                assertEquals(
                        "TCP connected",
                        probe.run().await().atMost(Duration.ofSeconds(10)).detail());
            }
            socket.close();
            assertTrue(
                    probe.run().await().atMost(Duration.ofSeconds(10)).detail().contains("Connection refused"));
        }
    }

    @Test
    void failsWhenNothingListens() {
        ProbeResult result = probe(Ports.free());
        assertFalse(result.passed());
        assertTrue(result.detail().contains("Connection refused"), result.detail());
    }
}
