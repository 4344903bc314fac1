package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.RecordWeights;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.function.Executable;

/**
 * What every DNS provider that declares weighted record sets must do for {@code dns.set-weights}, run
 * against each implementation by a subclass serving the zone {@value #ZONE}. Each test works on its own
 * weighted set, named after the test: {@code primary} (CNAME primary.example.net., weight 100) and
 * {@code standby} (CNAME standby.example.net., weight 0).
 */
public abstract class DnsSetWeightsConformance {

    protected static final String ZONE = "baran.test";

    protected abstract Providers providers();

    protected abstract ControlPlane controlPlane();

    protected abstract String providerName();

    /** A configured provider whose endpoint accepts no connection: any call to it fails. */
    protected abstract String unreachableProviderName();

    /** Sets one weighted record set directly at the provider (CNAME, TTL 60), as a person would by hand. */
    protected abstract void setWeighted(String fqdn, String setId, String target, long weight);

    /** The weights of every record set of the weighted set, read directly from the provider, without Baran's code. */
    protected abstract Map<String, Long> readWeights(String fqdn);

    /** The value a record set of the weighted set points at, read directly from the provider. */
    protected abstract String readTarget(String fqdn, String setId);

    private DnsSetWeights action;
    private String label;
    private String fqdn;

    @BeforeEach
    void nameTheSet(TestInfo test) {
        action = new DnsSetWeights(providers());
        label = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        fqdn = label + "." + ZONE + ".";
        setWeighted(fqdn, "primary", "primary.example.net.", 100);
        setWeighted(fqdn, "standby", "standby.example.net.", 0);
    }

    protected StepCommand command(String provider, Map<String, Object> weights) {
        Map<String, Object> with = new HashMap<>();
        with.put("provider", provider);
        with.put("zone", ZONE);
        with.put("record", label);
        with.put("type", "CNAME");
        with.put("weights", weights);
        return new StepCommand("exec-1", "shift-traffic", DnsSetWeights.NAME, with);
    }

    protected StepCommand shift() {
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("primary", 0);
        weights.put("standby", 100);
        return command(providerName(), weights);
    }

    @Test
    void planSaysWhatMovesAndChangesNothing() {
        StepPlan plan = action.plan(shift());

        assertTrue(plan.changes());
        assertEquals(
                fqdn + " CNAME weights primary 100 -> 0, standby 0 -> 100; traffic: primary 0%, standby 100%"
                        + controlPlane().note(),
                plan.summary());
        assertEquals(Map.of("primary", 100L, "standby", 0L), new RecordWeights(readWeights(fqdn)).weights());
        assertEquals(
                Map.of("primary", 100L, "standby", 0L),
                RecordWeights.fromPlan(plan.observed(), "observed").weights());
    }

    @Test
    void applyShiftsTheWeightsAndNothingElse() {
        StepCommand command = shift();

        StepOutcome outcome = action.apply(command, action.plan(command));

        assertTrue(outcome.changed(), outcome.summary());
        assertEquals(Map.of("primary", 0L, "standby", 100L), readWeights(fqdn));
        assertEquals(
                "primary.example.net.", readTarget(fqdn, "primary"), "what each record set points at is left alone");
        assertEquals("standby.example.net.", readTarget(fqdn, "standby"));
    }

    @Test
    void secondApplyChangesNothing() {
        StepCommand command = shift();
        StepPlan plan = action.plan(command);
        assertTrue(action.apply(command, plan).changed());

        StepOutcome second = action.apply(command, plan);

        assertFalse(second.changed(), second.summary());
        assertFalse(action.plan(command).changes(), "a new plan sees nothing left to do");
        assertEquals(Map.of("primary", 0L, "standby", 100L), readWeights(fqdn));
    }

    @Test
    void undoRestoresTheObservedWeightsExactly() {
        setWeighted(fqdn, "canary", "canary.example.net.", 7);
        StepCommand command = shift();
        StepPlan plan = action.plan(command);
        action.apply(command, plan);

        StepOutcome undone = action.undo(command, plan);

        assertTrue(undone.changed(), undone.summary());
        assertEquals(Map.of("primary", 100L, "standby", 0L, "canary", 7L), readWeights(fqdn));
        assertFalse(action.undo(command, plan).changed(), "a second undo changes nothing");
    }

    @Test
    void setsTheStepDoesNotNameKeepTheirWeight() {
        setWeighted(fqdn, "canary", "canary.example.net.", 7);
        StepCommand command = command(providerName(), Map.of("primary", 0));

        action.apply(command, action.plan(command));

        assertEquals(Map.of("primary", 0L, "standby", 0L, "canary", 7L), readWeights(fqdn));
    }

    @Test
    void weightsChangedByHandAreNotOverwritten() {
        StepCommand command = shift();
        StepPlan plan = action.plan(command);
        setWeighted(fqdn, "primary", "primary.example.net.", 50);

        ApplicationFailure failure = failure(() -> action.apply(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("primary 50, standby 0"), failure.getOriginalMessage());
        assertEquals(Map.of("primary", 50L, "standby", 0L), readWeights(fqdn));
    }

    @Test
    void undoRefusesWhenTheWeightsWereChangedSince() {
        StepCommand command = shift();
        StepPlan plan = action.plan(command);
        action.apply(command, plan);
        setWeighted(fqdn, "standby", "standby.example.net.", 30);

        ApplicationFailure failure = failure(() -> action.undo(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertEquals(Map.of("primary", 0L, "standby", 30L), readWeights(fqdn));
    }

    @Test
    void aSetIdentifierTheRecordLacksIsRefusedNamingTheOnesItHas() {
        ApplicationFailure failure = failure(() -> action.plan(command(providerName(), Map.of("stanby", 100))));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("has no weighted record set stanby (it has: primary, standby)"),
                failure.getOriginalMessage());
    }

    @Test
    void badInputIsRefusedBeforeAnyCall() {
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("primary", 256);
        weights.put("standby", "all");
        StepCommand command = command(unreachableProviderName(), weights);

        ApplicationFailure failure = failure(() -> action.plan(command));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        for (String part : List.of(
                "with.weights.primary 256 is out of range (0 to 255)",
                "with.weights.standby must be a whole number, not the text \"all\"")) {
            assertTrue(
                    failure.getOriginalMessage().contains(part),
                    "missing <" + part + "> in: " + failure.getOriginalMessage());
        }
    }

    @Test
    void anUnreachableProviderIsWorthRetrying() {
        ApplicationFailure failure =
                failure(() -> action.plan(command(unreachableProviderName(), Map.of("primary", 0))));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertFalse(failure.isNonRetryable());
    }

    protected static ApplicationFailure failure(Executable call) {
        return assertThrows(ApplicationFailure.class, call);
    }
}
