package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.baran.detector.Targets;
import io.baran.egress.EgressPolicy;
import io.vertx.mutiny.core.Vertx;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A target that got past the check at its definition (here: defined under a policy that allowed loopback) is refused
 * again by the probe's own policy when it connects, and nothing reaches the server. Servers listen on 127.0.0.1, which
 * the production policy refuses; nothing here connects anywhere else.
 */
class EgressAtProbeTimeTest {

    private final Vertx vertx = Vertx.vertx();
    private final Probes production = new Probes(vertx, "test", System::getenv, EgressPolicy.defaults());
    private final Probes allowingLoopback =
            new Probes(vertx, "test", System::getenv, EgressPolicy.defaults().allowing(java.util.List.of("127.0.0.1")));

    @AfterEach
    void stop() {
        production.close();
        allowingLoopback.close();
        vertx.closeAndAwait();
    }

    @Test
    void aTcpProbeToARefusedAddressFailsNamingTheRuleAndNeverConnects() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var target = Targets.define(
                    "db", Targets.spec("tcp://127.0.0.1:" + socket.getLocalPort(), "local/db", "1s", 3, 3));

            ProbeResult refused = production.create(target).run().await().atMost(Duration.ofSeconds(10));
            assertFalse(refused.passed());
            assertTrue(refused.detail().contains("rule loopback"), refused.detail());
            socket.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, socket::accept, "the refused probe must not connect");

            assertTrue(allowingLoopback
                    .create(target)
                    .run()
                    .await()
                    .atMost(Duration.ofSeconds(10))
                    .passed());
        }
    }

    @Test
    void aDnsProbeToARefusedResolverFailsNamingTheRuleAndSendsNoQuery() throws Exception {
        try (DatagramSocket resolver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            var target = Targets.define(
                    "dns",
                    Targets.spec(
                            "dns://127.0.0.1:" + resolver.getLocalPort() + "/www.baran.test?type=A",
                            "local/dns",
                            "1s",
                            3,
                            3));

            ProbeResult refused = production.create(target).run().await().atMost(Duration.ofSeconds(10));
            assertFalse(refused.passed());
            assertTrue(refused.detail().contains("rule loopback"), refused.detail());
            resolver.setSoTimeout(300);
            DatagramPacket query = new DatagramPacket(new byte[512], 512);
            assertThrows(SocketTimeoutException.class, () -> resolver.receive(query), "no query may be sent");

            // Allowed, the query goes out (nothing answers it here, so the probe itself fails on its timeout).
            allowingLoopback.create(target).run().subscribe().with(r -> {}, e -> {});
            resolver.setSoTimeout(5_000);
            resolver.receive(query);
            assertTrue(query.getLength() > 12, "a DNS query of " + query.getLength() + " bytes");
        }
    }

    /**
     * A canary's endpoint override was checked by name only when the target was defined; the probe resolves and admits
     * it before the SDK sends anything.
     */
    @Test
    void aCanaryWhoseEndpointIsRefusedFailsNamingTheRuleAndTheSdkSendsNothing() throws Exception {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "alive".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            var target = Targets.define(
                    "s3-canary",
                    Targets.s3Canary(
                            "s3://canaries/baran/canary.txt",
                            "http://127.0.0.1:" + server.getAddress().getPort()));

            ProbeResult refused = production.create(target).run().await().atMost(Duration.ofSeconds(20));
            assertFalse(refused.passed());
            assertTrue(refused.detail().contains("127.0.0.1 is a loopback address"), refused.detail());
            assertEquals(0, requests.get(), "the SDK must not have been asked anything");

            ProbeResult passed = allowingLoopback.create(target).run().await().atMost(Duration.ofSeconds(20));
            assertTrue(passed.passed(), passed.detail());
            assertTrue(requests.get() >= 1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anHttpProbeToARefusedAddressFailsNamingTheRuleAndSendsNothing() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            var target = Targets.define(
                    "web",
                    Targets.spec(
                            "http://127.0.0.1:" + server.getAddress().getPort() + "/healthz", "local/web", "1s", 3, 3));

            ProbeResult refused = production.create(target).run().await().atMost(Duration.ofSeconds(10));
            assertFalse(refused.passed());
            assertTrue(refused.detail().contains("127.0.0.1 is a loopback address"), refused.detail());
            assertEquals(0, requests.get());

            ProbeResult passed = allowingLoopback.create(target).run().await().atMost(Duration.ofSeconds(10));
            assertTrue(passed.passed(), passed.detail());
            assertEquals(1, requests.get());
        } finally {
            server.stop(0);
        }
    }
}
