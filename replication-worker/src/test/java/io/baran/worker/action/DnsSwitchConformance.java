package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordState;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.function.Executable;

/**
 * What every DNS provider must do for {@code dns.switch}, run against each implementation by a subclass
 * that serves the zone {@value #ZONE} from the real thing (or its closest emulator). Each test works on
 * its own record, named after the test, so tests do not depend on each other.
 */
public abstract class DnsSwitchConformance {

    protected static final String ZONE = "baran.test";

    /** The providers under test: {@link #providerName()} serves the zone; {@link #unreachableProviderName()} answers nothing. */
    protected abstract Providers providers();

    /** Where the provider's API is served from, as its plans must say. */
    protected abstract ControlPlane controlPlane();

    protected abstract String providerName();

    /** A configured provider whose endpoint accepts no connection: any call to it fails. */
    protected abstract String unreachableProviderName();

    /** Sets a record directly at the provider, as a person would by hand. */
    protected abstract void setRecord(String fqdn, String type, List<String> values, long ttl);

    /** Reads a record directly from the provider, without Baran's code. */
    protected abstract RecordState readRecord(String fqdn, String type);

    private DnsSwitch dnsSwitch;
    private String label;
    private String fqdn;

    @BeforeEach
    void nameTheRecord(TestInfo test) {
        dnsSwitch = new DnsSwitch(providers());
        label = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        fqdn = label + "." + ZONE + ".";
    }

    private StepCommand command(String provider, String type, Object to, Object ttl) {
        Map<String, Object> with = new HashMap<>();
        with.put("provider", provider);
        with.put("zone", ZONE);
        with.put("record", label);
        with.put("type", type);
        with.put("to", to);
        if (ttl != null) {
            with.put("ttl", ttl);
        }
        return new StepCommand("exec-1", "move-traffic", "dns.switch", with);
    }

    private StepCommand cname(String to, int ttl) {
        return command(providerName(), "CNAME", to, ttl);
    }

    @Test
    void planChangesNothing() {
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);

        StepPlan plan = dnsSwitch.plan(cname("standby.baran.test", 60));

        assertTrue(plan.changes());
        assertEquals(
                fqdn + " CNAME primary.baran.test. (ttl 300) -> standby.baran.test. (ttl 60)"
                        + controlPlane().note(),
                plan.summary());
        assertEquals(
                Map.of(
                        "exists",
                        true,
                        "values",
                        List.of("primary.baran.test."),
                        "ttl",
                        300L,
                        ControlPlane.REGION_KEY,
                        controlPlane().region(),
                        ControlPlane.SCOPE_KEY,
                        controlPlane().scope()),
                plan.observed());
        assertEquals(Map.of("values", List.of("standby.baran.test."), "ttl", 60L), plan.desired());
        assertEquals(RecordState.present(List.of("primary.baran.test."), 300), readRecord(fqdn, "CNAME"));
    }

    @Test
    void applyChangesWhatThePlanSaid() {
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        StepCommand command = cname("standby.baran.test", 60);

        StepOutcome outcome = dnsSwitch.apply(command, dnsSwitch.plan(command));

        assertTrue(outcome.changed());
        assertEquals(RecordState.present(List.of("standby.baran.test."), 60), readRecord(fqdn, "CNAME"));
    }

    @Test
    void secondApplyChangesNothing() {
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        StepCommand command = cname("standby.baran.test", 60);
        StepPlan plan = dnsSwitch.plan(command);

        assertTrue(dnsSwitch.apply(command, plan).changed());
        StepOutcome second = dnsSwitch.apply(command, plan);

        assertFalse(second.changed(), second.summary());
        assertFalse(dnsSwitch.plan(command).changes(), "a new plan sees nothing left to do");
        assertEquals(RecordState.present(List.of("standby.baran.test."), 60), readRecord(fqdn, "CNAME"));
    }

    @Test
    void undoRestoresTheObservedRecordExactly() {
        setRecord(fqdn, "A", List.of("192.0.2.1", "192.0.2.2"), 300);
        StepCommand command = command(providerName(), "A", List.of("198.51.100.7"), 60);
        StepPlan plan = dnsSwitch.plan(command);
        dnsSwitch.apply(command, plan);
        assertEquals(RecordState.present(List.of("198.51.100.7"), 60), readRecord(fqdn, "A"));

        StepOutcome undone = dnsSwitch.undo(command, plan);

        assertTrue(undone.changed());
        RecordState restored = readRecord(fqdn, "A");
        assertTrue(restored.exists());
        assertEquals(new TreeSet<>(List.of("192.0.2.1", "192.0.2.2")), new TreeSet<>(restored.values()));
        assertEquals(300, restored.ttl());
        assertFalse(dnsSwitch.undo(command, plan).changed(), "a second undo finds nothing to restore");
    }

    @Test
    void undoOfACreatedRecordDeletesIt() {
        StepCommand command = cname("standby.baran.test.", 60);
        StepPlan plan = dnsSwitch.plan(command);
        assertEquals(false, plan.observed().get("exists"));
        assertEquals(
                fqdn + " CNAME (absent) -> standby.baran.test. (ttl 60)"
                        + controlPlane().note(),
                plan.summary());

        assertTrue(dnsSwitch.apply(command, plan).changed());
        assertEquals(RecordState.present(List.of("standby.baran.test."), 60), readRecord(fqdn, "CNAME"));

        assertTrue(dnsSwitch.undo(command, plan).changed());
        assertEquals(RecordState.absent(), readRecord(fqdn, "CNAME"));
    }

    @Test
    void applyRefusesWhenTheRecordChangedSinceThePlan() {
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        StepCommand command = cname("standby.baran.test", 60);
        StepPlan plan = dnsSwitch.plan(command);
        setRecord(fqdn, "CNAME", List.of("by-hand.example.net."), 30);

        ApplicationFailure failure = failure(() -> dnsSwitch.apply(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(failure.isNonRetryable());
        assertTrue(failure.getOriginalMessage().contains(fqdn + " CNAME"), failure.getOriginalMessage());
        assertTrue(
                failure.getOriginalMessage().contains("by-hand.example.net. (ttl 30)"), failure.getOriginalMessage());
        assertEquals(RecordState.present(List.of("by-hand.example.net."), 30), readRecord(fqdn, "CNAME"));
    }

    @Test
    void undoRefusesWhenTheRecordChangedSinceTheApply() {
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        StepCommand command = cname("standby.baran.test", 60);
        StepPlan plan = dnsSwitch.plan(command);
        dnsSwitch.apply(command, plan);
        setRecord(fqdn, "CNAME", List.of("by-hand.example.net."), 30);

        ApplicationFailure failure = failure(() -> dnsSwitch.undo(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertEquals(RecordState.present(List.of("by-hand.example.net."), 30), readRecord(fqdn, "CNAME"));
    }

    @Test
    void unknownProviderIsRefusedBeforeAnyCall() {
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        StepCommand command = command("aws-elsewhere", "CNAME", "standby.baran.test", 60);
        StepPlan plan = new StepPlan(
                "move-traffic",
                "dns.switch",
                true,
                "",
                Map.of("exists", true, "values", List.of("primary.baran.test."), "ttl", 300),
                Map.of("values", List.of("standby.baran.test."), "ttl", 60));
        String expected = "provider aws-elsewhere is not configured in the replication-worker (configured: "
                + String.join(", ", new TreeSet<>(providers().names())) + ")";

        for (Executable call : List.<Executable>of(
                () -> dnsSwitch.plan(command),
                () -> dnsSwitch.apply(command, plan),
                () -> dnsSwitch.undo(command, plan))) {
            ApplicationFailure failure = failure(call);
            assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
            assertTrue(failure.isNonRetryable());
            assertEquals(expected, failure.getOriginalMessage());
        }
        assertEquals(RecordState.present(List.of("primary.baran.test."), 300), readRecord(fqdn, "CNAME"));
    }

    @Test
    void badInputIsRefusedBeforeAnyCall() {
        // The provider accepts no connection: had any call been made, the failure would be ProviderUnavailable.
        Map<String, Object> with = new HashMap<>();
        with.put("provider", unreachableProviderName());
        with.put("zone", ZONE);
        with.put("type", "MX");
        with.put("to", "mail.baran.test");
        with.put("ttl", "sixty");
        with.put("tll", 60);
        StepCommand command = new StepCommand("exec-1", "move-traffic", "dns.switch", with);

        ApplicationFailure failure = failure(() -> dnsSwitch.plan(command));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(failure.isNonRetryable());
        String message = failure.getOriginalMessage();
        assertTrue(message.startsWith("step move-traffic (dns.switch): "), message);
        for (String part : List.of(
                "with.record is required",
                "with.type \"MX\" is not one of A, AAAA, CNAME, TXT",
                "with.ttl must be a whole number, not the text \"sixty\"",
                "with.tll is not a field of dns.switch")) {
            assertTrue(message.contains(part), "missing <" + part + "> in: " + message);
        }
        StepPlan plan = new StepPlan("move-traffic", "dns.switch", true, "", Map.of(), Map.of());
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> dnsSwitch.apply(command, plan)).getType());
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> dnsSwitch.undo(command, plan)).getType());
    }

    @Test
    void anUnreachableProviderIsWorthRetrying() {
        ApplicationFailure failure =
                failure(() -> dnsSwitch.plan(command(unreachableProviderName(), "CNAME", "standby.baran.test", 60)));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertFalse(failure.isNonRetryable());
        assertTrue(
                failure.getOriginalMessage().contains("provider " + unreachableProviderName()),
                failure.getOriginalMessage());
    }

    @Test
    void aMissingZoneIsRejected() {
        Map<String, Object> with = new HashMap<>(cname("standby.baran.test", 60).with());
        with.put("zone", "nowhere.test");
        with.put("record", "www");
        ApplicationFailure failure =
                failure(() -> dnsSwitch.plan(new StepCommand("exec-1", "move-traffic", "dns.switch", with)));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("nowhere.test."), failure.getOriginalMessage());
    }

    @Test
    void relativeAndFullyQualifiedNamesMeanTheSameRecord() {
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        Map<String, Object> with =
                new HashMap<>(cname("primary.baran.test", 300).with());
        with.put("zone", ZONE + ".");
        with.put("record", fqdn);

        StepPlan relative = dnsSwitch.plan(cname("primary.baran.test", 300));
        StepPlan qualified = dnsSwitch.plan(new StepCommand("exec-1", "move-traffic", "dns.switch", with));

        assertFalse(relative.changes(), relative.summary());
        assertFalse(qualified.changes(), qualified.summary());
        assertEquals(relative.observed(), qualified.observed());
    }

    @Test
    void txtValuesAreQuotedAndASecondSwitchChangesNothing() {
        setRecord(fqdn, "TXT", List.of("\"v=spf1 include:primary.baran.test -all\""), 300);
        StepCommand command = command(providerName(), "TXT", "v=spf1 include:standby.baran.test -all", 120L);

        StepPlan plan = dnsSwitch.plan(command);
        assertTrue(dnsSwitch.apply(command, plan).changed());

        assertEquals(
                RecordState.present(List.of("\"v=spf1 include:standby.baran.test -all\""), 120),
                readRecord(fqdn, "TXT"));
        assertFalse(dnsSwitch.plan(command).changes());
        assertTrue(dnsSwitch.undo(command, plan).changed());
        assertEquals(
                RecordState.present(List.of("\"v=spf1 include:primary.baran.test -all\""), 300),
                readRecord(fqdn, "TXT"));
    }

    @Test
    void aPlanThatWentThroughJsonStillApplies() {
        setRecord(fqdn, "CNAME", List.of("primary.baran.test."), 300);
        StepCommand command = cname("standby.baran.test", 60);
        StepPlan plan = dnsSwitch.plan(command);
        // After the workflow history, small numbers come back as Integer and lists as another List type.
        StepPlan roundTripped = new StepPlan(
                plan.step(),
                plan.action(),
                plan.changes(),
                plan.summary(),
                Map.of("exists", true, "values", new java.util.ArrayList<>(List.of("primary.baran.test.")), "ttl", 300),
                Map.of("values", new java.util.ArrayList<>(List.of("standby.baran.test.")), "ttl", 60));

        assertTrue(dnsSwitch.apply(command, roundTripped).changed());
        assertTrue(dnsSwitch.undo(command, roundTripped).changed());
        assertEquals(RecordState.present(List.of("primary.baran.test."), 300), readRecord(fqdn, "CNAME"));
    }

    protected static ApplicationFailure failure(Executable call) {
        return assertThrows(ApplicationFailure.class, call);
    }
}
