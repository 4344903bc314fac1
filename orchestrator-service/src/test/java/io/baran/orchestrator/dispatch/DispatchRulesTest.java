package io.baran.orchestrator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.Runbook;
import io.baran.runbook.Trigger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The blast-radius rule and the dispatch order, without I/O. */
class DispatchRulesTest {

    private static final BlastRadius HALF = new BlastRadius(true, 0.5, OptionalInt.empty(), 10);

    @Test
    void tripsAboveTheShareAndNotAtOrBelowIt() {
        assertEquals(Optional.empty(), HALF.check(49, 100, 1));
        assertEquals(Optional.empty(), HALF.check(50, 100, 1), "exactly the share is not more than it");
        Optional<String> held = HALF.check(51, 100, 1);
        assertTrue(held.isPresent());
        assertEquals(
                "held by blast-radius guard: 51 of 100 services in 1 scope (more than 50% of the protected services "
                        + "down at once; a detector fault looks like this: approve to fail over)",
                held.get());
    }

    @Test
    void aSmallCatalogIsNotHeldForEveryOutage() {
        assertEquals(Optional.empty(), HALF.check(1, 2, 1), "fewer services down than min-services");
        assertEquals(Optional.empty(), HALF.check(9, 10, 1));
        assertTrue(HALF.check(10, 10, 1).isPresent());
    }

    @Test
    void tripsAboveTheScopeCountWhenOneIsSet() {
        BlastRadius scopes = new BlastRadius(true, 0.9, OptionalInt.of(2), 10);
        assertEquals(Optional.empty(), scopes.check(3, 100, 2));
        assertTrue(
                scopes.check(3, 100, 3)
                        .orElseThrow()
                        .startsWith("held by blast-radius guard: 3 of 100 services in 3 scopes "
                                + "(more than 2 scopes down at once"),
                scopes.check(3, 100, 3).orElseThrow());
    }

    @Test
    void offHoldsNothing() {
        assertEquals(Optional.empty(), new BlastRadius(false, 0.5, OptionalInt.of(1), 1).check(100, 100, 5));
    }

    private static Runbook runbook(String name, int priority) {
        return new Runbook(
                name,
                null,
                Map.of(),
                name,
                List.of(),
                new Trigger("aws/us-east-1", List.of(), "none"),
                List.of(),
                null,
                "0",
                "test",
                1,
                null,
                priority,
                null,
                null);
    }

    @Test
    void dispatchOrderIsTierOneFirstThenByName() {
        List<Runbook> ordered = OutageDispatcher.inDispatchOrder(List.of(
                runbook("zeta", 1), runbook("alpha", 0), runbook("beta", 5), runbook("gamma", 1), runbook("delta", 2)));
        // alpha has no spec.priority: tier 3
        assertEquals(
                List.of("gamma", "zeta", "delta", "alpha", "beta"),
                ordered.stream().map(Runbook::name).toList());
    }
}
