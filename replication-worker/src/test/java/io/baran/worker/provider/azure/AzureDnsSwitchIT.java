package io.baran.worker.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Request;
import io.baran.worker.action.ActionRegistry;
import io.baran.worker.action.DnsSwitch;
import io.baran.worker.action.DnsSwitchConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordState;
import io.baran.worker.readiness.ReadinessChecks;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code dns.switch} through Azure DNS record sets, served by the ARM fake in the documented shapes. */
class AzureDnsSwitchIT extends DnsSwitchConformance {

    private static final String RG = "dns-rg";

    @RegisterExtension
    static final ArmFixture fixture = new ArmFixture();

    private static final FakeArm arm = fixture.arm();
    private static Providers providers;

    @BeforeAll
    static void connect() {
        arm.dns.addZone(RG, ZONE);
        providers = fixture.connect("azure-dns", Map.of("resource-group", RG));
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected ControlPlane controlPlane() {
        return AzureDns.CONTROL_PLANE;
    }

    @Override
    protected String providerName() {
        return "azure-dns";
    }

    @Override
    protected String unreachableProviderName() {
        return AzureProviders.UNREACHABLE;
    }

    private static String relative(String fqdn) {
        return AzureDns.relative(fqdn, ZONE + ".");
    }

    @Override
    protected void setRecord(String fqdn, String type, List<String> values, long ttl) {
        arm.dns.set(RG, ZONE, type, relative(fqdn), RecordState.present(values, ttl));
    }

    @Override
    protected RecordState readRecord(String fqdn, String type) {
        return arm.dns.get(RG, ZONE, type, relative(fqdn));
    }

    private static StepCommand cname(String record, String to) {
        return new StepCommand(
                "exec-1",
                "move-traffic",
                "dns.switch",
                Map.of("provider", "azure-dns", "zone", ZONE, "record", record, "type", "CNAME", "to", to, "ttl", 60));
    }

    private static List<Request> writesTo(String relativeName) {
        return arm.requests().stream()
                .filter(r -> !r.getMethod().getName().equals("GET")
                        && r.getUrl().contains("/dnsZones/" + ZONE + "/CNAME/" + relativeName + "?"))
                .toList();
    }

    @Test
    void readinessReportsTheZonesRecordSetsAndItsMaximumAsAzureAnswersThem() {
        setRecord("quota-a." + ZONE + ".", "CNAME", List.of("primary.example.net."), 60);
        setRecord("quota-b." + ZONE + ".", "CNAME", List.of("primary.example.net."), 60);
        arm.dns.maxRecordSets(RG, ZONE, 50);
        try {
            ReadinessChecks checks = new ReadinessChecks(new ActionRegistry(List.of(new DnsSwitch(providers))));
            StepCheck check = checks.check(cname("quota-new", "standby.example.net"));

            assertEquals(StepCheck.OK, check.status(), check.toString());
            assertEquals(1, check.quotas().size(), check.toString());
            StepCheck.Quota quota = check.quotas().get(0);
            assertEquals(arm.dns.recordSets(RG, ZONE), quota.used(), "the zone's numberOfRecordSets");
            assertEquals(50L, quota.limit(), "the zone's maxNumberOfRecordSets");
            assertEquals(1, quota.needs(), "quota-new is absent: the switch must create it");
            assertFalse(readRecord("quota-new." + ZONE + ".", "CNAME").exists(), "readiness created the record");
        } finally {
            arm.dns.maxRecordSets(RG, ZONE, 10_000);
        }
    }

    @Test
    void everyWriteIsConditionalOnTheEtagAzureAnswered() {
        arm.dns.set(RG, ZONE, "CNAME", "conditional", RecordState.present(List.of("primary.baran.test."), 300));
        DnsSwitch action = new DnsSwitch(providers);
        StepCommand update = cname("conditional", "standby.baran.test");
        StepCommand create = cname("created", "standby.baran.test");
        StepPlan updatePlan = action.plan(update);
        StepPlan createPlan = action.plan(create);

        action.apply(update, updatePlan);
        action.apply(create, createPlan);
        action.undo(create, createPlan);

        Request put = writesTo("conditional").get(0);
        assertEquals("PUT", put.getMethod().getName());
        assertTrue(put.getUrl().endsWith("?api-version=2018-05-01"), put.getUrl());
        assertTrue(
                put.getHeader("If-Match") != null && !put.getHeader("If-Match").isBlank(),
                "an update names the etag it read");
        assertNull(put.getHeader("If-None-Match"));
        assertEquals(
                "{\"properties\":{\"TTL\":60,\"CNAMERecord\":{\"cname\":\"standby.baran.test.\"}}}",
                put.getBodyAsString());
        List<Request> created = writesTo("created");
        assertEquals(
                "*",
                created.get(0).getHeader("If-None-Match"),
                "a creation may not overwrite a record set made meanwhile");
        assertEquals("DELETE", created.get(1).getMethod().getName());
        assertTrue(created.get(1).getHeader("If-Match") != null, "a deletion names the etag it read");
    }

    /** A PUT replaces the whole record set: the switch and its undo keep the metadata (tags) people set on it. */
    @Test
    void theRecordSetsMetadataSurvivesTheSwitchAndItsUndo() {
        arm.dns.set(RG, ZONE, "CNAME", "tagged", RecordState.present(List.of("primary.baran.test."), 300));
        arm.dns.raw(RG, ZONE, "CNAME", "tagged").putObject("metadata").put("owner", "payments");
        DnsSwitch action = new DnsSwitch(providers);
        StepCommand command = cname("tagged", "standby.baran.test");
        StepPlan plan = action.plan(command);

        action.apply(command, plan);
        assertEquals(RecordState.present(List.of("standby.baran.test."), 60), arm.dns.get(RG, ZONE, "CNAME", "tagged"));
        assertEquals("payments", ownerOfTagged());
        action.undo(command, plan);

        assertEquals(
                RecordState.present(List.of("primary.baran.test."), 300), arm.dns.get(RG, ZONE, "CNAME", "tagged"));
        assertEquals("payments", ownerOfTagged());
    }

    private static String ownerOfTagged() {
        return arm.dns
                .raw(RG, ZONE, "CNAME", "tagged")
                .path("metadata")
                .path("owner")
                .asText();
    }

    @Test
    void aRecordChangedBetweenReadAndWriteIsNeverOverwritten() {
        arm.dns.set(RG, ZONE, "CNAME", "raced", RecordState.present(List.of("primary.baran.test."), 300));
        DnsSwitch action = new DnsSwitch(providers);
        StepCommand command = cname("raced", "standby.baran.test");
        StepPlan plan = action.plan(command);
        // Someone changes the record set after Baran's last read, just before its PUT arrives: the etag no longer
        // matches.
        arm.dns.beforeNextWrite =
                () -> arm.dns.set(RG, ZONE, "CNAME", "raced", RecordState.present(List.of("by-hand.example.net."), 30));

        ApplicationFailure failure = failure(() -> action.apply(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("PreconditionFailed: The condition 'If-Match: "),
                failure.getOriginalMessage());
        assertEquals(RecordState.present(List.of("by-hand.example.net."), 30), arm.dns.get(RG, ZONE, "CNAME", "raced"));
    }

    @Test
    void theApexIsNamedAtAndTxtStringsKeepTheirQuotes() {
        DnsSwitch action = new DnsSwitch(providers);
        StepCommand command = new StepCommand(
                "exec-1",
                "verify",
                "dns.switch",
                Map.of(
                        "provider",
                        "azure-dns",
                        "zone",
                        ZONE,
                        "record",
                        "@",
                        "type",
                        "TXT",
                        "to",
                        "say \"hi\" \\ there",
                        "ttl",
                        300));

        assertTrue(action.apply(command, action.plan(command)).changed());

        assertEquals(
                "[{\"value\":[\"say \\\"hi\\\" \\\\ there\"]}]",
                arm.dns.raw(RG, ZONE, "TXT", "@").path("TXTRecords").toString());
        assertFalse(action.plan(command).changes(), "read back, the value compares equal");
    }

    @Test
    void anAliasRecordSetIsRefusedNotFlattened() {
        arm.dns.setAlias(
                RG,
                ZONE,
                "CNAME",
                "alias",
                "/subscriptions/x/resourceGroups/y/providers/Microsoft.Cdn/profiles/p/endpoints/e");

        ApplicationFailure failure = failure(() -> new DnsSwitch(providers).plan(cname("alias", "standby.baran.test")));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("alias record set"), failure.getOriginalMessage());
    }

    @Test
    void everyArmErrorMapsToItsFailureType() {
        // 404 on a record set means it is absent (a missing zone is rejected: aMissingZoneIsRejected).
        Map<Integer, String> expected = Map.of(
                401,
                FailureTypes.PROVIDER_REJECTED,
                403,
                FailureTypes.PROVIDER_REJECTED,
                400,
                FailureTypes.PROVIDER_REJECTED,
                409,
                FailureTypes.PROVIDER_UNAVAILABLE,
                412,
                FailureTypes.PLAN_UNSAFE,
                500,
                FailureTypes.PROVIDER_UNAVAILABLE,
                503,
                FailureTypes.PROVIDER_UNAVAILABLE);
        arm.dns.set(RG, ZONE, "CNAME", "errors", RecordState.present(List.of("primary.baran.test."), 300));
        expected.forEach((status, type) -> {
            // The zone is read first; the record set's read is the call that fails.
            arm.failNext("GET", "/CNAME/errors", status, "Injected" + status, status == 429 ? "7" : null);

            ApplicationFailure failure =
                    failure(() -> new DnsSwitch(providers).plan(cname("errors", "standby.baran.test")));

            assertEquals(type, failure.getType(), status + ": " + failure.getOriginalMessage());
            assertEquals(!FailureTypes.NON_RETRYABLE.contains(type), !failure.isNonRetryable(), status + " retryable");
            assertTrue(
                    failure.getOriginalMessage()
                            .startsWith("provider azure-dns (Azure DNS): Get record set on errors.baran.test. "
                                    + "CNAME in zone baran.test."),
                    failure.getOriginalMessage());
            assertTrue(
                    failure.getOriginalMessage()
                            .contains("Injected" + status + ": injected by the test (HTTP " + status + ")"),
                    failure.getOriginalMessage());
        });
        // 429 (ProviderThrottled) is waited out inside the step, within the subscription's API budget, and sent again.
        arm.failNext("GET", "/CNAME/errors", 429, "TooManyRequests", "1");
        assertTrue(
                new DnsSwitch(providers)
                        .plan(cname("errors", "standby.baran.test"))
                        .changes(),
                "a throttled read is sent again");
        assertTrue(arm.requests().stream().noneMatch(r -> r.getHeader("Authorization") == null));
    }
}
