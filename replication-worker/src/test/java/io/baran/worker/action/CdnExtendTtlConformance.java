package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
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
 * What every CDN provider must do for {@code cdn.extend-ttl}, run against each implementation by a
 * subclass. Each test makes its own distribution: a default behaviour caching 300 s (max 3600), an API
 * behaviour caching nothing, and a static behaviour already caching a year.
 */
public abstract class CdnExtendTtlConformance {

    protected static final BehaviourTtls DEFAULT = new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 300, 3600, null);
    protected static final BehaviourTtls API = new BehaviourTtls("/api/*", 0, 0, 0, null);
    /** Min TTL 0: Cloud CDN and Front Door have no minimum TTL, and every provider must hold this fixture. */
    protected static final BehaviourTtls STATIC = new BehaviourTtls("/static/*", 0, 86400, 31536000, null);

    protected static final CacheTtls BEFORE = new CacheTtls(List.of(DEFAULT, API, STATIC));
    /** What a 24h extension makes of it: only the default behaviour rises. */
    protected static final CacheTtls AFTER =
            new CacheTtls(List.of(new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 86400, 86400, null), API, STATIC));

    protected abstract Providers providers();

    protected abstract String providerName();

    protected abstract String unreachableProviderName();

    protected abstract ControlPlane controlPlane();

    /** Whether the provider can serve stale content on request. */
    protected abstract boolean canServeStale();

    /** Creates a distribution with these behaviours (default first) directly at the provider; returns its id. */
    protected abstract String newDistribution(CacheTtls behaviours);

    /** Reads the behaviours' TTLs directly from the provider, without Baran's code. */
    protected abstract CacheTtls readTtls(String distribution);

    /** Sets one behaviour's TTLs directly, as a person would by hand. */
    protected abstract void setTtls(String distribution, BehaviourTtls ttls);

    /**
     * The behaviours each test's distribution starts with, and what a 24h extension makes of them. A provider
     * whose TTL model is narrower than min / default / max (one cache duration per rule) overrides both, and
     * {@link #byHand}, with behaviours it can hold.
     */
    protected CacheTtls before() {
        return BEFORE;
    }

    protected CacheTtls after() {
        return AFTER;
    }

    /** What a person sets by hand on the default behaviour, as the provider can hold it. */
    protected BehaviourTtls byHand(long defaultTtl, long max) {
        return new BehaviourTtls(BehaviourTtls.DEFAULT, 0, defaultTtl, max, null);
    }

    private CdnExtendTtl action() {
        return new CdnExtendTtl(providers());
    }

    protected StepCommand command(String provider, String distribution, String ttl) {
        return new StepCommand(
                "exec-1",
                "keep-serving",
                "cdn.extend-ttl",
                Map.of("provider", provider, "distribution", distribution, "ttl", ttl));
    }

    @Test
    void planChangesNothing() {
        String id = newDistribution(before());

        StepPlan plan = action().plan(command(providerName(), id, "24h"));

        assertTrue(plan.changes());
        BehaviourTtls from = before().find(BehaviourTtls.DEFAULT);
        String leftAlone = String.join(
                ", ",
                before().behaviours().stream()
                        .filter(BehaviourTtls::cachesNothing)
                        .map(BehaviourTtls::path)
                        .toList());
        assertEquals(
                "distribution " + id + " TTLs * default " + from.defaultTtl() + " -> 86400, max " + from.max()
                        + " -> 86400; " + "left alone (cache nothing): " + leftAlone
                        + controlPlane().note(),
                plan.summary());
        assertEquals(controlPlane().region(), plan.observed().get(ControlPlane.REGION_KEY));
        assertTrue(before().sameAs(CacheTtls.fromPlan(plan.observed(), "observed")));
        assertTrue(after().sameAs(CacheTtls.fromPlan(plan.desired(), "desired")));
        assertTrue(before().sameAs(readTtls(id)), readTtls(id).describe());
    }

    @Test
    void applyChangesWhatThePlanSaid() {
        String id = newDistribution(before());
        StepCommand command = command(providerName(), id, "24h");

        StepOutcome outcome = action().apply(command, action().plan(command));

        assertTrue(outcome.changed(), outcome.summary());
        assertTrue(after().sameAs(readTtls(id)), readTtls(id).describe());
    }

    @Test
    void secondApplyChangesNothing() {
        String id = newDistribution(before());
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = action().plan(command);
        assertTrue(action().apply(command, plan).changed());

        StepOutcome second = action().apply(command, plan);

        assertFalse(second.changed(), second.summary());
        assertFalse(action().plan(command).changes(), "a new plan sees nothing left to do");
        assertTrue(after().sameAs(readTtls(id)));
    }

    @Test
    void undoRestoresTheObservedTtlsExactly() {
        String id = newDistribution(before());
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = action().plan(command);
        action().apply(command, plan);

        StepOutcome undone = action().undo(command, plan);

        assertTrue(undone.changed(), undone.summary());
        assertTrue(before().sameAs(readTtls(id)), readTtls(id).describe());
        assertFalse(action().undo(command, plan).changed(), "a second undo finds nothing to restore");
    }

    @Test
    void aPlanThatWentThroughJsonStillApplies() throws Exception {
        String id = newDistribution(before());
        StepCommand command = command(providerName(), id, "24h");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        StepPlan plan = json.readValue(json.writeValueAsString(action().plan(command)), StepPlan.class);

        assertTrue(action().apply(command, plan).changed());
        assertTrue(action().undo(command, plan).changed());
        assertTrue(before().sameAs(readTtls(id)));
    }

    @Test
    void aTtlBelowTheCurrentOnesChangesNothing() {
        String id = newDistribution(before());

        StepPlan plan = action().plan(command(providerName(), id, "60s"));

        assertFalse(plan.changes(), plan.summary());
        assertTrue(plan.summary().contains("already at least 60s"), plan.summary());
    }

    @Test
    void applyRefusesWhenTheTtlsChangedSinceThePlan() {
        String id = newDistribution(before());
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = action().plan(command);
        BehaviourTtls byHand = byHand(30, 120);
        setTtls(id, byHand);

        ApplicationFailure failure = failure(() -> action().apply(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(failure.getOriginalMessage().contains(byHand.describe()), failure.getOriginalMessage());
        assertTrue(byHand.sameTtls(readTtls(id).find(BehaviourTtls.DEFAULT)));
    }

    @Test
    void undoRefusesWhenTheTtlsChangedSinceTheApply() {
        String id = newDistribution(before());
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = action().plan(command);
        action().apply(command, plan);
        BehaviourTtls byHand = byHand(600, 600);
        setTtls(id, byHand);

        assertEquals(
                FailureTypes.PLAN_UNSAFE,
                failure(() -> action().undo(command, plan)).getType());
        assertTrue(byHand.sameTtls(readTtls(id).find(BehaviourTtls.DEFAULT)));
    }

    @Test
    void serveStaleIsRefusedWhereTheProviderCannot() {
        if (canServeStale()) {
            return;
        }
        String id = newDistribution(before());
        Map<String, Object> with =
                new HashMap<>(command(providerName(), id, "24h").with());
        with.put("serveStale", true);

        ApplicationFailure failure =
                failure(() -> action().plan(new StepCommand("exec-1", "keep-serving", "cdn.extend-ttl", with)));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(before().sameAs(readTtls(id)));
    }

    @Test
    void badInputIsRefusedBeforeAnyCall() {
        Map<String, Object> with = new HashMap<>();
        with.put("provider", unreachableProviderName());
        with.put("distribution", "E 1");
        with.put("ttl", "forever");
        with.put("serveStale", "sometimes");
        with.put("paths", List.of("/"));
        StepCommand command = new StepCommand("exec-1", "keep-serving", "cdn.extend-ttl", with);

        ApplicationFailure failure = failure(() -> action().plan(command));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        String message = failure.getOriginalMessage();
        for (String part : List.of(
                "with.distribution \"E 1\" is not a distribution id",
                "with.ttl \"forever\" is not a duration",
                "with.serveStale must be true or false",
                "with.paths is not a field of cdn.extend-ttl")) {
            assertTrue(message.contains(part), "missing <" + part + "> in: " + message);
        }
        assertTrue(failure(() -> action().plan(command(unreachableProviderName(), "E1", "500ms")))
                .getOriginalMessage()
                .contains("whole number of seconds"));
        StepPlan plan = new StepPlan("keep-serving", "cdn.extend-ttl", true, "", Map.of(), Map.of());
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> action().apply(command, plan)).getType());
        assertEquals(
                FailureTypes.INVALID_INPUT,
                failure(() -> action().undo(command, plan)).getType());
    }

    @Test
    void aMissingDistributionIsRejected() {
        ApplicationFailure failure = failure(() -> action().plan(command(providerName(), "ENOSUCHDIST", "24h")));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("ENOSUCHDIST"), failure.getOriginalMessage());
    }

    @Test
    void anUnreachableProviderIsWorthRetrying() {
        ApplicationFailure failure = failure(() -> action().plan(command(unreachableProviderName(), "E1", "24h")));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertFalse(failure.isNonRetryable());
    }

    protected static ApplicationFailure failure(Executable call) {
        return assertThrows(ApplicationFailure.class, call);
    }
}
