package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What every database provider that can switch over must do for {@code database.switchover}, run against each
 * implementation by a subclass that makes a fresh primary and secondary for every test: plan changes nothing;
 * apply makes the secondary primary as the plan said; a second apply changes nothing; undo makes the original
 * primary primary again, exactly as the plan observed it; a topology someone else changed is never switched
 * (PlanUnsafe); bad input is refused before any call.
 */
public abstract class SwitchoverConformance {

    /** A fresh replicated database: the member that is primary, and the secondary a step switches to. */
    public record Members(String primary, String secondary) {}

    protected abstract Providers providers();

    protected abstract String providerName();

    /** A configured provider whose servers accept no connection. */
    protected abstract String unreachableProviderName();

    /** Makes a fresh primary with a secondary a switchover can make primary; names as runbooks use them. */
    protected abstract Members newMembers();

    /** Read directly from the provider: the name of the member that is primary now. */
    protected abstract String primaryOf(Members members);

    /**
     * Someone else changes the topology, from whatever state it is in, so that neither the plan's observed nor
     * its desired state holds (e.g. a switchover to a third member, or another DR replica designated).
     */
    protected abstract void changeTopologyByHand(Members members);

    protected abstract ControlPlane controlPlane(String instance);

    private Switchover action() {
        return new Switchover(providers());
    }

    protected StepCommand command(String provider, String instance) {
        return new StepCommand(
                "exec-1", "switch-db", Switchover.NAME, Map.of("provider", provider, "instance", instance));
    }

    @Test
    void planChangesNothing() {
        Members m = newMembers();

        StepPlan plan = action().plan(command(providerName(), m.secondary()));

        assertTrue(plan.changes());
        assertTrue(
                plan.summary().startsWith(m.secondary() + ": primary " + m.primary() + " -> " + m.secondary()),
                plan.summary());
        assertTrue(plan.summary().contains("undo switches back to " + m.primary()), plan.summary());
        assertTrue(plan.summary().endsWith(controlPlane(m.secondary()).note()), plan.summary());
        assertEquals(m.primary(), plan.observed().get("primary"));
        assertEquals(m.secondary(), plan.desired().get("primary"));
        assertTrue(
                ((List<?>) plan.desired().get("secondaries")).contains(m.primary()),
                plan.desired().toString());
        assertEquals(controlPlane(m.secondary()).region(), plan.observed().get(ControlPlane.REGION_KEY));
        assertEquals(m.primary(), primaryOf(m));
    }

    @Test
    void applySwitchesOverAsThePlanSaid() {
        Members m = newMembers();
        StepCommand command = command(providerName(), m.secondary());

        StepOutcome outcome = action().apply(command, action().plan(command));

        assertTrue(outcome.changed(), outcome.summary());
        assertEquals(m.secondary() + ": primary " + m.primary() + " -> " + m.secondary(), outcome.summary());
        assertEquals(m.secondary(), primaryOf(m));
        StepPlan after = action().plan(command);
        assertEquals(m.secondary(), after.observed().get("primary"));
        assertTrue(
                ((List<?>) after.observed().get("secondaries")).contains(m.primary()),
                "the old primary is a secondary now");
    }

    @Test
    void secondApplyChangesNothing() {
        Members m = newMembers();
        StepCommand command = command(providerName(), m.secondary());
        StepPlan plan = action().plan(command);
        assertTrue(action().apply(command, plan).changed());

        StepOutcome second = action().apply(command, plan);

        assertFalse(second.changed(), second.summary());
        assertTrue(second.summary().contains("already primary " + m.secondary()), second.summary());
        assertFalse(action().plan(command).changes(), "a new plan sees nothing left to do");
        assertEquals(m.secondary(), primaryOf(m));
    }

    @Test
    void undoRestoresTheOriginalPrimaryExactly() {
        Members m = newMembers();
        StepCommand command = command(providerName(), m.secondary());
        StepPlan plan = action().plan(command);
        action().apply(command, plan);

        StepOutcome undone = action().undo(command, plan);

        assertTrue(undone.changed(), undone.summary());
        assertEquals(m.secondary() + ": restored: primary " + m.secondary() + " -> " + m.primary(), undone.summary());
        assertEquals(m.primary(), primaryOf(m));
        assertEquals(plan.observed(), action().plan(command).observed(), "observed exactly as before the step");
        assertFalse(action().undo(command, plan).changed(), "a second undo finds nothing to restore");
        assertEquals(m.primary(), primaryOf(m));
    }

    @Test
    void undoBeforeTheApplyChangesNothing() {
        Members m = newMembers();
        StepCommand command = command(providerName(), m.secondary());
        StepPlan plan = action().plan(command);

        StepOutcome undone = action().undo(command, plan);

        assertFalse(undone.changed(), undone.summary());
        assertEquals(m.primary(), primaryOf(m));
    }

    @Test
    void undoRefusesWhenSomeoneElseChangedTheTopologySince() {
        Members m = newMembers();
        StepCommand command = command(providerName(), m.secondary());
        StepPlan plan = action().plan(command);
        action().apply(command, plan);
        changeTopologyByHand(m);
        String primaryThen = primaryOf(m);

        ApplicationFailure failure = failure(() -> action().undo(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(failure.isNonRetryable());
        assertTrue(
                failure.getOriginalMessage().contains("switched by someone else since"), failure.getOriginalMessage());
        assertEquals(primaryThen, primaryOf(m), "nothing was switched");
    }

    @Test
    void applyRefusesWhenSomeoneElseChangedTheTopologyAfterThePlan() {
        Members m = newMembers();
        StepCommand command = command(providerName(), m.secondary());
        StepPlan plan = action().plan(command);
        changeTopologyByHand(m);
        String primaryThen = primaryOf(m);

        ApplicationFailure failure = failure(() -> action().apply(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertEquals(primaryThen, primaryOf(m), "nothing was switched");
    }

    @Test
    void aPlanThatWentThroughJsonStillAppliesAndUndoes() throws Exception {
        Members m = newMembers();
        StepCommand command = command(providerName(), m.secondary());
        ObjectMapper json = new ObjectMapper();
        StepPlan plan = json.readValue(json.writeValueAsString(action().plan(command)), StepPlan.class);

        assertTrue(action().apply(command, plan).changed());
        assertEquals(m.secondary(), primaryOf(m));
        assertTrue(action().undo(command, plan).changed());
        assertEquals(m.primary(), primaryOf(m));
    }

    @Test
    void badInputIsRefusedBeforeAnyCall() {
        Map<String, Object> with = new HashMap<>();
        with.put("provider", unreachableProviderName());
        with.put("instance", "orders replica");
        with.put("allowDataLoss", true);
        StepCommand command = new StepCommand("exec-1", "switch-db", Switchover.NAME, with);

        ApplicationFailure failure = failure(() -> action().plan(command));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        String message = failure.getOriginalMessage();
        for (String part : List.of(
                "with.instance \"orders replica\" is not an instance name",
                "with.allowDataLoss is not a field of database.switchover")) {
            assertTrue(message.contains(part), "missing <" + part + "> in: " + message);
        }
        StepPlan plan = new StepPlan("switch-db", Switchover.NAME, true, "", Map.of(), Map.of());
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> action().apply(command, plan)).getType());
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> action().undo(command, plan)).getType());
        StepCommand good = command(unreachableProviderName(), "orders");
        StepPlan malformed =
                new StepPlan("switch-db", Switchover.NAME, true, "", Map.of("primary", "a"), Map.of("primary", "b"));
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> action().apply(good, malformed)).getType());
    }

    @Test
    void anUnknownInstanceIsRejected() {
        ApplicationFailure failure = failure(() -> action().plan(command(providerName(), "no-such-db")));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("no-such-db"), failure.getOriginalMessage());
    }

    @Test
    void anUnreachableProviderIsWorthRetrying() {
        ApplicationFailure failure = failure(() -> action().plan(command(unreachableProviderName(), "orders")));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertFalse(failure.isNonRetryable());
        assertTrue(
                failure.getOriginalMessage().contains("provider " + unreachableProviderName()),
                failure.getOriginalMessage());
    }

    protected static ApplicationFailure failure(Executable call) {
        return assertThrows(ApplicationFailure.class, call);
    }
}
