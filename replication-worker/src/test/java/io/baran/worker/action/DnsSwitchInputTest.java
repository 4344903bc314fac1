package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.provider.RecordType;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsSwitchInputTest {

    /** Binding needs no provider: it is the runbook model's check, before any call. */
    private static final DnsSwitch DNS_SWITCH = new DnsSwitch(null);

    private static StepCommand command(Map<String, Object> changes) {
        Map<String, Object> with = new HashMap<>(Map.of(
                "provider",
                "aws-main",
                "zone",
                "example.com",
                "record",
                "www",
                "type",
                "CNAME",
                "to",
                "standby.example.net"));
        with.putAll(changes);
        with.values().removeIf(v -> v == null);
        return new StepCommand("exec-1", "move-traffic", "dns.switch", with);
    }

    private static String invalid(Map<String, Object> changes) {
        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> DNS_SWITCH.input(command(changes)));
        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(failure.isNonRetryable());
        return failure.getOriginalMessage();
    }

    @Test
    void ttlMayArriveAsIntegerOrLongButNotAsText() {
        assertEquals(60, DNS_SWITCH.input(command(Map.of())).ttl(), "default");
        assertEquals(300, DNS_SWITCH.input(command(Map.of("ttl", 300))).ttl());
        assertEquals(300, DNS_SWITCH.input(command(Map.of("ttl", 300L))).ttl());
        // The runbook model refuses ttl: "300" when a runbook is loaded; the worker binds by the same contract.
        assertTrue(invalid(Map.of("ttl", "300")).contains("with.ttl must be a whole number, not the text \"300\""));
    }

    @Test
    void toMayBeOneValueOrAList() {
        DnsSwitch.Input single = DNS_SWITCH.input(command(Map.of("type", "A", "to", "192.0.2.1")));
        DnsSwitch.Input list = DNS_SWITCH.input(
                command(Map.of("type", "A", "to", new ArrayList<>(List.of("192.0.2.1", "192.0.2.2")))));

        assertEquals(List.of("192.0.2.1"), single.values());
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), list.values());
    }

    @Test
    void namesAreQualifiedWithTheZone() {
        assertEquals("www.example.com.", DNS_SWITCH.input(command(Map.of())).recordFqdn());
        assertEquals(
                "www.example.com.",
                DNS_SWITCH.input(command(Map.of("record", "www.example.com"))).recordFqdn());
        assertEquals(
                "www.example.com.",
                DNS_SWITCH
                        .input(command(Map.of("record", "WWW.example.com.", "zone", "example.com.")))
                        .recordFqdn());
        assertEquals(
                "example.com.",
                DNS_SWITCH
                        .input(command(Map.of("record", "@", "type", "A", "to", "192.0.2.1")))
                        .recordFqdn());
        assertEquals("example.com.", DNS_SWITCH.input(command(Map.of())).zoneFqdn());
        assertEquals(
                List.of("standby.example.net."),
                DNS_SWITCH.input(command(Map.of())).values());
        assertEquals(RecordType.CNAME, DNS_SWITCH.input(command(Map.of())).type());
    }

    @Test
    void everyViolationIsReportedAtOnce() {
        Map<String, Object> changes = new HashMap<>();
        changes.put("provider", null);
        changes.put("type", "MX");
        changes.put("ttl", 1.5);
        changes.put("to", List.of());
        String message = invalid(changes);

        assertTrue(message.startsWith("step move-traffic (dns.switch): "), message);
        for (String part : List.of(
                "with.provider is required",
                "with.type \"MX\" is not one of A, AAAA, CNAME, TXT",
                "with.ttl must be a whole number, not the number 1.5",
                "with.to needs at least one value")) {
            assertTrue(message.contains(part), "missing <" + part + "> in: " + message);
        }
    }

    @Test
    void valuesMustFitTheirType() {
        assertTrue(invalid(Map.of("type", "A", "to", "standby.example.net"))
                .contains("\"standby.example.net\" is not an IPv4 address"));
        assertTrue(invalid(Map.of("type", "AAAA", "to", "192.0.2.1")).contains("is not an IPv6 address"));
        assertTrue(invalid(Map.of("to", List.of("a.example.net", "b.example.net")))
                .contains("a CNAME record takes exactly one value, not 2"));
        assertTrue(invalid(Map.of("type", "A", "to", List.of("192.0.2.1", "192.0.2.1")))
                .contains("lists \"192.0.2.1\" twice"));
        // The model's limits (1 to 604800): the worker used to refuse only a negative ttl.
        assertTrue(invalid(Map.of("ttl", -1)).contains("with.ttl -1 is out of range (1 to 604800)"));
        assertTrue(invalid(Map.of("ttl", 0)).contains("with.ttl 0 is out of range (1 to 604800)"));
        assertTrue(invalid(Map.of("ttl", 604_801)).contains("with.ttl 604801 is out of range (1 to 604800)"));
    }

    @Test
    void aRecordOutsideTheZoneIsRefused() {
        assertTrue(invalid(Map.of("record", "www.example.org."))
                .contains("with.record \"www.example.org.\" is not inside zone example.com."));
    }
}
