package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.replication.PassPlan.Conflict;
import io.baran.worker.replication.PassPlan.Kind;
import io.baran.worker.replication.PassPlan.Step;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a carried-out pass is measured: the backlog, and up to when the replica holds every change of the source. */
class PassOutcomeTest {

    private static final Instant STARTED = Instant.parse("2026-11-22T10:00:00Z");

    private static Step copy(String key, long size, Instant changedAt) {
        return new Step(Kind.COPY, key, new Blob(key, size, changedAt, "v", null, null, null), null, changedAt);
    }

    @Test
    void aPassThatLeavesNothingMakesTheReplicaConsistentAsOfItsListing() {
        PassOutcome done = new PassOutcome(3, 30, 1, 0, List.of(), Map.of(), List.of(), 0);

        assertEquals(0, done.backlogObjects());
        assertNull(done.oldestPending());
        assertEquals(STARTED, done.consistentAt(STARTED));
        assertEquals(STARTED, done.report(STARTED, STARTED.plusSeconds(4)).started());
    }

    @Test
    void theOldestChangeStillMissingHoldsTheLagWhetherPendingOrInConflict() {
        Instant older = STARTED.minusSeconds(90);
        Instant old = STARTED.minusSeconds(30);
        PassOutcome behind = new PassOutcome(
                0,
                0,
                0,
                0,
                List.of(copy("stuck", 9, old)),
                Map.of("both", new Conflict("changed at both sides", older)),
                List.of("stuck: refused"),
                1);

        assertEquals(2, behind.backlogObjects());
        assertEquals(9, behind.backlogBytes());
        assertEquals(older, behind.consistentAt(STARTED));
        PassReport report = behind.report(STARTED, STARTED.plusSeconds(1));
        assertEquals(older, report.oldestPending());
        assertEquals(Map.of("both", "changed at both sides"), report.conflicts());
    }

    @Test
    void aChangeMadeAfterTheListingBeganDoesNotMoveConsistentAtPastIt() {
        PassOutcome late =
                new PassOutcome(0, 0, 0, 0, List.of(copy("late", 1, STARTED.plusSeconds(5))), Map.of(), List.of(), 0);

        assertEquals(STARTED, late.consistentAt(STARTED));
    }
}
