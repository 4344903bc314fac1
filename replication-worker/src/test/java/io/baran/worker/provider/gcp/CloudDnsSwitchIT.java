package io.baran.worker.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.action.DnsSwitch;
import io.baran.worker.action.DnsSwitchConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordState;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code dns.switch} through Cloud DNS change sets, served by the stateful fake of the Cloud DNS v1 API. */
class CloudDnsSwitchIT extends DnsSwitchConformance {

    private static final String ZONE_NAME = "baran-test";

    @RegisterExtension
    static final GcpFixture fixture = new GcpFixture();

    private static final GoogleCloudFake fake = fixture.fake();
    private static Providers providers;

    @BeforeAll
    static void connect() {
        fake.dns.addZone(ZONE_NAME, ZONE + ".");
        providers = fixture.connect();
    }

    @AfterEach
    void everyRequestHadTheDocumentedShape() {
        assertEquals(List.of(), fake.violations());
        assertFalse(fake.anyAuthorizationHeader(), "no credentials are sent to an endpoint override");
        fake.dns.pendingReads = 1;
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected ControlPlane controlPlane() {
        return new ControlPlane("gcp/global", "dns", "Cloud DNS");
    }

    @Override
    protected String providerName() {
        return GcpFakes.PROVIDER;
    }

    @Override
    protected String unreachableProviderName() {
        return GcpFakes.UNREACHABLE;
    }

    @Override
    protected void setRecord(String fqdn, String type, List<String> values, long ttl) {
        fake.dns.put(ZONE_NAME, fqdn, type, ttl, values);
    }

    @Override
    protected RecordState readRecord(String fqdn, String type) {
        ObjectNode set = fake.dns.get(ZONE_NAME, fqdn, type);
        if (set == null) {
            return RecordState.absent();
        }
        List<String> values = new ArrayList<>();
        set.path("rrdatas").forEach(v -> values.add(v.asText()));
        return RecordState.present(values, set.path("ttl").asLong());
    }

    private static StepCommand cname(String record, String to) {
        return new StepCommand(
                "exec-1",
                "move-traffic",
                "dns.switch",
                Map.of(
                        "provider",
                        GcpFakes.PROVIDER,
                        "zone",
                        ZONE,
                        "record",
                        record,
                        "type",
                        "CNAME",
                        "to",
                        to,
                        "ttl",
                        60));
    }

    @Test
    void aChangeMadeBetweenObservingAndChangingIsRefusedByCloudDnsItself() {
        String fqdn = "raced." + ZONE + ".";
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        StepCommand command = cname("raced", "standby.baran.test");
        StepPlan plan = new DnsSwitch(providers).plan(command);
        // Someone changes the record after Baran's last read, before its change set arrives.
        fake.dns.beforeNextChange = () -> setRecord(fqdn, "CNAME", List.of("elsewhere.baran.test."), 300);

        ApplicationFailure failure = failure(() -> new DnsSwitch(providers).apply(command, plan));

        // Refused by Cloud DNS, then prepared once more from a read (the record might have been as planned by then):
        // the read shows someone else's change, which the step names.
        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("is now elsewhere.baran.test.")
                        && failure.getOriginalMessage().contains("changed by someone else"),
                failure.getOriginalMessage());
        assertEquals(RecordState.present(List.of("elsewhere.baran.test."), 300), readRecord(fqdn, "CNAME"));
    }

    @Test
    void aReplacementIsOneChangeAndTheStepEndsOnlyWhenItIsDone() {
        String fqdn = "waited." + ZONE + ".";
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        fake.dns.pendingReads = 3;
        int changesBefore = fake.count("POST", "/changes");
        int readsBefore = fake.count("GET", "/changes/");
        StepCommand command = cname("waited", "standby.baran.test");

        assertTrue(new DnsSwitch(providers)
                .apply(command, new DnsSwitch(providers).plan(command))
                .changed());

        assertEquals(1, fake.count("POST", "/changes") - changesBefore, "deletion and addition in one change");
        assertEquals(3, fake.count("GET", "/changes/") - readsBefore, "polled until the change was done");
        assertEquals(RecordState.present(List.of("standby.baran.test."), 60), readRecord(fqdn, "CNAME"));
    }

    @Test
    void aChangeStillPendingAtTheSyncTimeoutIsWorthRetrying() {
        String fqdn = "slow." + ZONE + ".";
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        fake.dns.pendingReads = Integer.MAX_VALUE;
        try (Providers impatient = GcpFakes.connect(fake, Duration.ofMillis(500))) {
            StepCommand command = cname("slow", "standby.baran.test");
            StepPlan plan = new DnsSwitch(impatient).plan(command);

            ApplicationFailure failure = failure(() -> new DnsSwitch(impatient).apply(command, plan));

            assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
            assertFalse(failure.isNonRetryable());
            assertTrue(failure.getOriginalMessage().contains("is still pending"), failure.getOriginalMessage());
            fake.dns.pendingReads = 1;
            assertFalse(
                    new DnsSwitch(impatient).apply(command, plan).changed(), "the retried step finds the change made");
        }
    }

    @Test
    void googleErrorsBecomeBaranFailureTypes() {
        setRecord("mapped." + ZONE + ".", "CNAME", List.of("primary.baran.test."), 300);
        StepCommand command = cname("mapped", "standby.baran.test");
        Map<Integer, String> expected = Map.of(
                403,
                FailureTypes.PROVIDER_REJECTED,
                404,
                FailureTypes.PROVIDER_REJECTED,
                500,
                FailureTypes.PROVIDER_UNAVAILABLE,
                503,
                FailureTypes.PROVIDER_UNAVAILABLE);
        expected.forEach((status, type) -> {
            fake.failNext("GET", "/rrsets", status, "backendError");
            ApplicationFailure failure = failure(() -> new DnsSwitch(providers).plan(command));
            assertEquals(type, failure.getType(), "HTTP " + status + ": " + failure.getOriginalMessage());
            assertTrue(
                    failure.getOriginalMessage()
                            .startsWith("provider gcp-main (Cloud DNS): resourceRecordSets.list on mapped."),
                    failure.getOriginalMessage());
        });
        // Throttled answers (ProviderThrottled: 429, and the 403 rateLimitExceeded Google sends for some limits) are
        // waited
        // out inside the step, within the project's API budget, and sent again.
        fake.failNext("GET", "/rrsets", 429, "rateLimitExceeded");
        assertTrue(new DnsSwitch(providers).plan(command).changes(), "a read throttled with 429 is sent again");
        fake.failNext("GET", "/rrsets", 403, "rateLimitExceeded");
        assertTrue(
                new DnsSwitch(providers).plan(command).changes(),
                "a read throttled with 403 rateLimitExceeded is sent again");
    }

    @Test
    void manyStepsChangingOneZoneShareChangeSetsAndAConflictFailsAlone() throws Exception {
        // Within the default Cloud DNS budget (5 calls/s): each step reads its record to plan, to apply and to check.
        int steps = 30;
        List<StepCommand> commands = new ArrayList<>();
        List<StepPlan> plans = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            setRecord("many" + i + "." + ZONE + ".", "CNAME", List.of("primary.baran.test."), 300);
            StepCommand command = cname("many" + i, "standby.baran.test");
            commands.add(command);
            plans.add(new DnsSwitch(providers).plan(command));
        }
        // Someone changes one of them once the first change set is on its way: Cloud DNS refuses that change set.
        String raced = "many17." + ZONE + ".";
        fake.dns.beforeNextChange = () -> setRecord(raced, "CNAME", List.of("elsewhere.baran.test."), 300);
        int changesBefore = fake.count("POST", "/changes");
        fake.dns.mostAdditions = 0;
        fake.dns.mostDeletions = 0;

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(steps);
        try {
            List<java.util.concurrent.Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                StepCommand command = commands.get(i);
                StepPlan plan = plans.get(i);
                outcomes.add(pool.submit(() -> {
                    try {
                        return new DnsSwitch(providers).apply(command, plan).changed() ? "changed" : "unchanged";
                    } catch (ApplicationFailure e) {
                        return e.getType();
                    }
                }));
            }
            for (int i = 0; i < steps; i++) {
                String outcome = outcomes.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(i == 17 ? FailureTypes.PLAN_UNSAFE : "changed", outcome, "step " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < steps; i++) {
            assertEquals(
                    RecordState.present(
                            List.of(i == 17 ? "elsewhere.baran.test." : "standby.baran.test."), i == 17 ? 300 : 60),
                    readRecord("many" + i + "." + ZONE + ".", "CNAME"),
                    "record " + i);
        }
        int changeSets = fake.count("POST", "/changes") - changesBefore;
        // Far fewer change sets than steps: the reads of the budget pace the steps, so a few share each change set.
        assertTrue(changeSets < steps / 2, "change sets: " + changeSets);
        assertTrue(fake.dns.mostAdditions > 1, "record sets share change sets: " + fake.dns.mostAdditions);
        assertTrue(
                fake.dns.mostAdditions <= CloudDns.MAX_RRSETS_PER_CHANGE
                        && fake.dns.mostDeletions <= CloudDns.MAX_RRSETS_PER_CHANGE,
                "within Cloud DNS's quota per change: " + fake.dns.mostAdditions + " additions, "
                        + fake.dns.mostDeletions + " deletions");
    }
}
