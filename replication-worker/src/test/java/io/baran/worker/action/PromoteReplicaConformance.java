package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * What every database provider must do for {@code database.promote-replica}, run against each
 * implementation by a subclass that makes a fresh replica for every test (a promotion cannot be undone,
 * so no test can reuse another's replica). Where the provider can fence, the old primary must refuse
 * writes once the replica is promoted: two primaries never both take writes.
 */
public abstract class PromoteReplicaConformance {

    /** The providers under test; {@link #providerName()} knows every replica {@link #newReplica()} made. */
    protected abstract Providers providers();

    protected abstract String providerName();

    /** A configured provider whose servers accept no connection. */
    protected abstract String unreachableProviderName();

    /** Whether the provider under test declares it can fence the old primary. */
    protected abstract boolean canFence();

    /** Makes a fresh replica of a primary that takes writes, and returns the instance name runbooks use. */
    protected abstract String newReplica();

    /** Read directly from the provider: is the instance still a replica? */
    protected abstract boolean isReplica(String instance);

    /** Read directly: does the instance take a write? */
    protected abstract boolean takesWrites(String instance);

    /** Read directly: does the instance's old primary take a write? */
    protected abstract boolean primaryTakesWrites(String instance);

    protected abstract ControlPlane controlPlane(String instance);

    /**
     * Whether fencing is a step of its own before the promotion. False where the provider fences and promotes
     * in one operation (an Azure SQL failover group's planned failover): there, fencing alone changes nothing.
     */
    protected boolean fencesBeforePromoting() {
        return true;
    }

    /**
     * A fresh replica whose promotion the provider carries out in the background for longer than
     * {@link #hastyProviders()} wait for it (RDS, Cloud SQL), or null where the provider promotes before it answers.
     */
    protected String newReplicaPromotedSlowly() {
        return null;
    }

    /** {@link #providers()} with a promote timeout shorter than a slow promotion: an attempt that gives up. */
    protected Providers hastyProviders() {
        throw new UnsupportedOperationException("no slow promotion here");
    }

    /** The step applied by an attempt that gave up while the provider went on promoting; returns its plan. */
    private StepPlan attemptThatGaveUp(StepCommand command) {
        StepPlan plan = action().plan(command);
        ApplicationFailure gaveUp = failure(() -> new PromoteReplica(hastyProviders()).apply(command, plan));
        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, gaveUp.getType(), gaveUp.getOriginalMessage());
        assertFalse(gaveUp.isNonRetryable());
        assertTrue(isReplica(command.with().get("instance").toString()), "the promotion is still under way");
        return plan;
    }

    @Test
    void thePromotionAnAttemptGaveUpOnIsWaitedForByTheNextNotAskedForAgain() {
        String instance = newReplicaPromotedSlowly();
        assumeTrue(instance != null, "the provider promotes before it answers");
        StepCommand command = command(providerName(), instance);
        StepPlan plan = attemptThatGaveUp(command);

        StepOutcome outcome = action().apply(command, plan);

        assertFalse(isReplica(instance));
        assertTrue(takesWrites(instance));
        assertTrue(outcome.summary().contains("under way"), outcome.summary());
    }

    @Test
    void theUndoOfAPromotionStillUnderWayWaitsForItAndSaysItCannotBeUndone() {
        String instance = newReplicaPromotedSlowly();
        assumeTrue(instance != null, "the provider promotes before it answers");
        StepCommand command = command(providerName(), instance);
        StepPlan plan = attemptThatGaveUp(command);

        // Not "nothing to undo": the replica is about to be a primary, beside the old one.
        ApplicationFailure refused = failure(() -> action().undo(command, plan));

        assertEquals(FailureTypes.CAPABILITY_MISSING, refused.getType(), refused.getOriginalMessage());
        assertTrue(
                refused.getOriginalMessage().contains("cannot undo the promotion of " + instance),
                refused.getOriginalMessage());
        assertTrue(refused.getOriginalMessage().contains("under way"), refused.getOriginalMessage());
        assertFalse(isReplica(instance));
    }

    private PromoteReplica action() {
        return new PromoteReplica(providers());
    }

    protected StepCommand command(String provider, String instance) {
        Map<String, Object> with = new HashMap<>();
        with.put("provider", provider);
        with.put("instance", instance);
        if (!canFence()) {
            with.put("fence", "best-effort");
        }
        return new StepCommand("exec-1", "promote-db", "database.promote-replica", with);
    }

    @Test
    void planChangesNothing() {
        String instance = newReplica();

        StepPlan plan = action().plan(command(providerName(), instance));

        assertTrue(plan.changes());
        assertTrue(plan.summary().startsWith(instance + ": "), plan.summary());
        assertTrue(plan.summary().contains("-> promoted to primary"), plan.summary());
        assertTrue(plan.summary().endsWith(controlPlane(instance).note()), plan.summary());
        assertEquals("REPLICA", plan.observed().get("role"));
        assertEquals(controlPlane(instance).region(), plan.observed().get(ControlPlane.REGION_KEY));
        assertEquals(false, plan.desired().get("reversible"));
        assertEquals(canFence(), plan.desired().get("fencePrimary"));
        assertTrue(isReplica(instance));
        assertTrue(primaryTakesWrites(instance));
    }

    @Test
    void applyPromotesWhatThePlanSaid() {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);

        StepOutcome outcome = action().apply(command, action().plan(command));

        assertTrue(outcome.changed(), outcome.summary());
        assertFalse(isReplica(instance));
        assertTrue(takesWrites(instance), "the promoted replica takes writes");
        if (canFence()) {
            assertFalse(primaryTakesWrites(instance), "the old primary refuses writes: " + outcome.summary());
            assertTrue(outcome.summary().contains("fenced (refuses writes)"), outcome.summary());
        }
    }

    @Test
    void secondApplyChangesNothing() {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);
        StepPlan plan = action().plan(command);
        assertTrue(action().apply(command, plan).changed());

        StepOutcome second = action().apply(command, plan);

        assertFalse(second.changed(), second.summary());
        assertFalse(action().plan(command).changes(), "a new plan sees nothing left to do");
        assertFalse(isReplica(instance));
    }

    @Test
    void undoBeforeTheApplyChangesNothing() {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);
        StepPlan plan = action().plan(command);

        StepOutcome undone = action().undo(command, plan);

        assertFalse(undone.changed(), undone.summary());
        assertTrue(isReplica(instance));
        assertTrue(primaryTakesWrites(instance));
    }

    @Test
    void undoAfterThePromotionIsRefusedAndChangesNothing() {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);
        StepPlan plan = action().plan(command);
        action().apply(command, plan);

        ApplicationFailure failure = failure(() -> action().undo(command, plan));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(failure.isNonRetryable());
        assertTrue(
                failure.getOriginalMessage().startsWith("cannot undo the promotion of " + instance),
                failure.getOriginalMessage());
        assertTrue(
                failure.getOriginalMessage().contains("To fail back, rebuild the old primary"),
                failure.getOriginalMessage());
        assertFalse(isReplica(instance));
        assertTrue(takesWrites(instance));
        if (canFence()) {
            assertFalse(primaryTakesWrites(instance), "the old primary stays fenced");
        }
    }

    @Test
    void undoAfterAnApplyThatStoppedAfterFencingRestoresThePrimaryExactly() {
        assumeTrue(canFence(), "the provider cannot fence");
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);
        StepPlan plan = action().plan(command);
        // As if the worker died between fencing and promoting.
        providers().database(providerName()).fence(instance);
        if (!fencesBeforePromoting()) {
            assertTrue(primaryTakesWrites(instance), "fencing happens with the promotion, not before it");
            assertTrue(isReplica(instance));
            assertFalse(action().undo(command, plan).changed(), "nothing to undo");
            assertEquals(plan.observed(), action().plan(command).observed());
            return;
        }
        assertFalse(primaryTakesWrites(instance));

        StepOutcome undone = action().undo(command, plan);

        assertTrue(undone.changed(), undone.summary());
        assertTrue(primaryTakesWrites(instance));
        assertTrue(isReplica(instance));
        assertEquals(plan.observed(), action().plan(command).observed(), "observed exactly as before the step");
        assertFalse(action().undo(command, plan).changed(), "a second undo finds nothing to restore");
    }

    @Test
    void fenceRequiredIsRefusedWhereTheProviderCannotFence() {
        assumeTrue(!canFence(), "the provider can fence");
        String instance = newReplica();
        Map<String, Object> with =
                new HashMap<>(command(providerName(), instance).with());
        with.remove("fence");
        StepCommand command = new StepCommand("exec-1", "promote-db", "database.promote-replica", with);

        ApplicationFailure failure = failure(() -> action().plan(command));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("set fence: best-effort"), failure.getOriginalMessage());
        assertTrue(isReplica(instance));
    }

    @Test
    void aPlanThatWentThroughJsonStillApplies() throws Exception {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);
        ObjectMapper json = new ObjectMapper();
        StepPlan plan = json.readValue(json.writeValueAsString(action().plan(command)), StepPlan.class);

        assertTrue(action().apply(command, plan).changed());
        assertFalse(isReplica(instance));
    }

    @Test
    void badInputIsRefusedBeforeAnyCall() {
        Map<String, Object> with = new HashMap<>();
        with.put("provider", unreachableProviderName());
        with.put("instance", "orders replica");
        with.put("fence", "sometimes");
        with.put("force", true);
        StepCommand command = new StepCommand("exec-1", "promote-db", "database.promote-replica", with);

        ApplicationFailure failure = failure(() -> action().plan(command));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        String message = failure.getOriginalMessage();
        for (String part : List.of(
                "with.instance \"orders replica\" is not an instance name",
                "with.fence \"sometimes\" is not one of best-effort, required",
                "with.force is not a field of database.promote-replica")) {
            assertTrue(message.contains(part), "missing <" + part + "> in: " + message);
        }
        StepPlan plan = new StepPlan("promote-db", "database.promote-replica", true, "", Map.of(), Map.of());
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> action().apply(command, plan)).getType());
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> action().undo(command, plan)).getType());
    }

    @Test
    void anUnknownInstanceIsRejected() {
        ApplicationFailure failure = failure(() -> action().plan(command(providerName(), "no-such-replica")));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("no-such-replica"), failure.getOriginalMessage());
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
