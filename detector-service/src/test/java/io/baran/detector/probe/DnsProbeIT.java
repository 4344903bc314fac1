package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.Targets;
import io.baran.detector.config.TargetSpec;
import io.baran.testinfra.Ports;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DNS probes against a real BIND9 on 127.0.0.1, through Vert.x's non-blocking DNS client. */
class DnsProbeIT {

    private static Bind9 bind;
    private static Vertx vertx;
    private static Probes probes;

    @BeforeAll
    static void serve() {
        bind = Bind9.serve(
                "baran.test",
                String.join(
                        "\n",
                        "primary IN A 192.0.2.10",
                        "primary IN A 192.0.2.11",
                        "v6 IN AAAA 2001:db8::1",
                        "www IN CNAME primary.baran.test.",
                        "txt IN TXT \"baran=ok\""));
        vertx = Vertx.vertx();
        probes = new Probes(vertx, "test");
    }

    @AfterAll
    static void stop() {
        probes.close();
        vertx.closeAndAwait();
        bind.close();
    }

    private static ProbeResult probe(String url, String... expect) {
        TargetSpec spec = new TargetSpec(
                url,
                "local/dns",
                "1s",
                "1s",
                3,
                3,
                null,
                null,
                null,
                null,
                null,
                expect.length == 0 ? null : List.of(expect),
                null,
                null,
                null);
        return probes.create(Targets.define("dns", spec)).run().await().atMost(Duration.ofSeconds(10));
    }

    private static String at(String name, String type) {
        return "dns://127.0.0.1:" + bind.port() + "/" + name + "?type=" + type;
    }

    @Test
    void passesWhenTheNameResolvesToEveryExpectedAddress() {
        ProbeResult result = probe(at("primary.baran.test", "A"), "192.0.2.11", "192.0.2.10");
        assertTrue(result.passed(), result.detail());
        assertEquals("A primary.baran.test = 192.0.2.10,192.0.2.11", result.detail());
        assertTrue(
                probe(at("primary.baran.test", "A"), "192.0.2.10").passed(),
                "one of the answers is enough when only it is expected");
        assertTrue(probe(at("primary.baran.test", "A")).passed(), "any answer passes when nothing is expected");
    }

    @Test
    void failsNamingWhatIsMissingWhenTheAnswerIsNotTheExpectedOne() {
        ProbeResult result = probe(at("primary.baran.test", "A"), "192.0.2.10", "192.0.2.99");
        assertFalse(result.passed());
        assertEquals("A primary.baran.test = 192.0.2.10,192.0.2.11, expected 192.0.2.99", result.detail());
    }

    @Test
    void failsOnAnUnknownName() {
        ProbeResult result = probe(at("nothing.baran.test", "A"));
        assertFalse(result.passed());
        assertEquals("A nothing.baran.test: NXDOMAIN", result.detail());
    }

    @Test
    void comparesNamesWithoutTheirTrailingDotAndCaseAndAddressesInCanonicalForm() {
        assertTrue(probe(at("www.baran.test", "CNAME"), "PRIMARY.baran.test.").passed());
        assertTrue(probe(at("v6.baran.test", "AAAA"), "2001:DB8:0:0:0:0:0:1").passed());
        assertTrue(probe(at("txt.baran.test", "TXT"), "baran=ok").passed());
        assertFalse(probe(at("www.baran.test", "CNAME"), "standby.baran.test").passed());
    }

    @Test
    void failsWhenTheResolverDoesNotAnswer() {
        ProbeResult result = probe("dns://127.0.0.1:" + Ports.free() + "/primary.baran.test?type=A", "192.0.2.10");
        assertFalse(result.passed(), result.detail());
    }
}
