package io.baran.worker.provider.selfmanaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.DnsSwitchConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordState;
import io.baran.worker.provider.RecordType;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code dns.switch} by RFC 2136 dynamic update with TSIG, against a real BIND 9 checked with dig and nsupdate. */
class Rfc2136DnsSwitchIT extends DnsSwitchConformance {

    private static Bind9 bind;
    private static Providers providers;

    @BeforeAll
    static void startBind() {
        bind = Bind9.start(WorkDirs.create("bind9"), ZONE);
        String wrongSecret = Base64.getEncoder().encodeToString(new byte[32]);
        Map<String, String> environment = Map.of("BARAN_TSIG_TEST", bind.secret(), "BARAN_TSIG_WRONG", wrongSecret);
        providers = Providers.connect(
                List.of(
                        rfc2136("onprem-dns", "127.0.0.1:" + bind.port(), "BARAN_TSIG_TEST"),
                        rfc2136("onprem-unreachable", "127.0.0.1:" + Ports.free(), "BARAN_TSIG_TEST"),
                        rfc2136("onprem-wrong-key", "127.0.0.1:" + bind.port(), "BARAN_TSIG_WRONG")),
                new ProviderContext(Duration.ofSeconds(10), Heartbeat.NONE, environment::get));
    }

    private static ProviderSettings rfc2136(String name, String server, String secretEnv) {
        return new ProviderSettings(
                name,
                "rfc2136",
                "us-east-1",
                Optional.empty(),
                Map.of(
                        "server",
                        server,
                        "tsig-key-name",
                        Bind9.KEY_NAME,
                        "tsig-secret-env",
                        secretEnv,
                        "timeout",
                        "3s"));
    }

    @AfterAll
    static void stopBind() {
        if (providers != null) {
            providers.close();
        }
        if (bind != null) {
            bind.close();
        }
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected ControlPlane controlPlane() {
        return new ControlPlane("self-managed/127.0.0.1", "dns", "name server 127.0.0.1:" + bind.port());
    }

    @Override
    protected String providerName() {
        return "onprem-dns";
    }

    @Override
    protected String unreachableProviderName() {
        return "onprem-unreachable";
    }

    @Override
    protected void setRecord(String fqdn, String type, List<String> values, long ttl) {
        bind.set(fqdn, type, values, ttl);
    }

    @Override
    protected RecordState readRecord(String fqdn, String type) {
        return bind.dig(fqdn, type);
    }

    @Test
    void readinessReportsTheRecordsCurrentTtlChangesNothingAndNamesARefusedKey() {
        String fqdn = "ready." + ZONE + ".";
        bind.set(fqdn, "CNAME", List.of("primary.example.net."), 86_400);
        var checks = new io.baran.worker.readiness.ReadinessChecks(
                new io.baran.worker.action.ActionRegistry(List.of(new io.baran.worker.action.DnsSwitch(providers))));

        io.baran.workflow.StepCheck check = checks.check(readinessCommand("onprem-dns"));
        assertEquals(io.baran.workflow.StepCheck.OK, check.status(), check.toString());
        assertEquals(86_400L, check.ttlSeconds());
        assertEquals("self-managed/127.0.0.1", check.controlPlaneRegion());
        assertEquals(List.of("primary.example.net."), bind.dig(fqdn, "CNAME").values(), "readiness changed the record");

        io.baran.workflow.StepCheck refused = checks.check(readinessCommand("onprem-wrong-key"));
        assertEquals(io.baran.workflow.StepCheck.NOT_READY, refused.status());
        assertTrue(
                refused.reasons().get(0).contains("NOTAUTH"), refused.reasons().toString());
    }

    private static StepCommand readinessCommand(String provider) {
        return new StepCommand(
                "readiness-shop",
                "move-traffic",
                "dns.switch",
                Map.of(
                        "provider",
                        provider,
                        "zone",
                        ZONE,
                        "record",
                        "ready",
                        "type",
                        "CNAME",
                        "to",
                        "standby.baran.test"));
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRejected() {
        StepCommand command = new StepCommand(
                "exec-1",
                "move-traffic",
                "dns.switch",
                Map.of(
                        "provider",
                        "onprem-wrong-key",
                        "zone",
                        ZONE,
                        "record",
                        "www",
                        "type",
                        "CNAME",
                        "to",
                        "standby.baran.test"));

        ApplicationFailure failure = failure(() -> new io.baran.worker.action.DnsSwitch(providers).plan(command));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("NOTAUTH"), failure.getOriginalMessage());
        assertTrue(failure.getOriginalMessage().contains("TSIG key " + Bind9.KEY_NAME), failure.getOriginalMessage());
    }

    /**
     * A name the zone does not hold, answered by a wildcard: absent to a runbook (a query shows the wildcard's
     * records under the name, which no update prerequisite sees), so the switch creates the name's own record over it,
     * and its undo deletes that record, after which the wildcard answers again and the name reads absent as before.
     */
    @Test
    void aNameAnsweredByAWildcardIsAbsentAndTheSwitchAndItsUndoWorkOverIt() {
        String wildcard = "*.wild." + ZONE + ".";
        String fqdn = "www.wild." + ZONE + ".";
        bind.set(wildcard, "A", List.of("192.0.2.99"), 300);
        assertEquals(RecordState.present(List.of("192.0.2.99"), 300), bind.dig(fqdn, "A"), "the wildcard answers");
        DnsProvider dns = providers.dns("onprem-dns");
        DnsZone zone = dns.zone(ZONE + ".");

        assertEquals(RecordState.absent(), dns.observe(zone, fqdn, RecordType.A), "the zone holds no such name");
        RecordState standby = RecordState.present(List.of("192.0.2.10"), 60);
        dns.replace(zone, fqdn, RecordType.A, RecordState.absent(), standby);
        assertEquals(standby, bind.dig(fqdn, "A"));
        assertEquals(standby, dns.observe(zone, fqdn, RecordType.A));

        dns.replace(zone, fqdn, RecordType.A, standby, RecordState.absent());
        assertEquals(RecordState.present(List.of("192.0.2.99"), 300), bind.dig(fqdn, "A"), "the wildcard again");
        assertEquals(RecordState.absent(), dns.observe(zone, fqdn, RecordType.A));
    }

    @Test
    void anUpdateAppliesOnlyIfTheRecordStillHoldsTheExpectedValues() {
        String fqdn = "conditional." + ZONE + ".";
        bind.set(fqdn, "CNAME", List.of("by-hand.example.net."), 30);
        DnsProvider dns = providers.dns("onprem-dns");
        DnsZone zone = dns.zone(ZONE + ".");

        // The server itself refuses: the prerequisite (RFC 2136 section 2.4.2) names values the record no longer holds.
        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> dns.replace(
                        zone,
                        fqdn,
                        RecordType.CNAME,
                        RecordState.present(List.of("primary.baran.test."), 300),
                        RecordState.present(List.of("standby.baran.test."), 60)));
        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("NXRRSET"), failure.getOriginalMessage());
        assertEquals(RecordState.present(List.of("by-hand.example.net."), 30), bind.dig(fqdn, "CNAME"));

        ApplicationFailure notAbsent = assertThrows(
                ApplicationFailure.class,
                () -> dns.replace(
                        zone,
                        fqdn,
                        RecordType.CNAME,
                        RecordState.absent(),
                        RecordState.present(List.of("standby.baran.test."), 60)));
        assertEquals(FailureTypes.PLAN_UNSAFE, notAbsent.getType());
        assertEquals(RecordState.present(List.of("by-hand.example.net."), 30), bind.dig(fqdn, "CNAME"));
    }
}
