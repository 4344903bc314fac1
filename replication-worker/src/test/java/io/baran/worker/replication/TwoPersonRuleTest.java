package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.security.CallAuditTrail.Recorded;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision on a confirmation, from the rows of the request it confirms (the IT covers the calls). */
class TwoPersonRuleTest {

    private static final Instant ASKED = Instant.parse("2026-12-06T10:00:00Z");
    private static final List<Recorded> PENDING = List.of(
            new Recorded("olga", "replication.failover", "assets/r1", "requested", ASKED),
            new Recorded("olga", "replication.failover", "assets/r1", "pending: a second person confirms it", ASKED));

    private static String decide(List<Recorded> rows, Instant now, String action, String target, String caller) {
        return TwoPersonRule.decide(rows, now, action, target, "req-1", caller, "req-2");
    }

    private static String refusal(List<Recorded> rows, Instant now, String action, String target, String caller) {
        return assertThrows(RuntimeException.class, () -> decide(rows, now, action, target, caller))
                .getMessage();
    }

    @Test
    void aSecondPersonWithinTheWindowConfirms() {
        assertEquals(
                "confirmed by bob (request req-2)",
                decide(PENDING, ASKED.plusSeconds(599), "replication.failover", "assets/r1", "bob"));
    }

    @Test
    void aRequestPastItsWindowIsExpired() {
        String why = refusal(PENDING, ASKED.plusSeconds(601), "replication.failover", "assets/r1", "bob");
        assertTrue(why.contains("waited for a confirmation until 2026-12-06T10:10:00Z; ask again"), why);
    }

    @Test
    void theRequesterAnotherCallOrAnotherReplicaDoesNotConfirm() {
        assertTrue(refusal(PENDING, ASKED, "replication.failover", "assets/r1", "olga")
                .contains("another person confirms it"));
        assertTrue(refusal(PENDING, ASKED, "replication.failback", "assets/r1", "bob")
                .contains("is replication.failover on assets/r1, not replication.failback on assets/r1"));
        assertTrue(refusal(PENDING, ASKED, "replication.failover", "assets/r2", "bob")
                .contains("not replication.failover on assets/r2"));
    }

    @Test
    void aRequestNotPendingOrUnknownIsNotConfirmed() {
        List<Recorded> done = List.of(
                PENDING.get(0),
                PENDING.get(1),
                new Recorded("bob", "replication.failover", "assets/r1", "confirmed by bob (request x)", ASKED));
        assertTrue(refusal(done, ASKED, "replication.failover", "assets/r1", "carl")
                .contains("is not waiting for a confirmation: confirmed by bob"));
        List<Recorded> plain =
                List.of(PENDING.get(0), new Recorded("olga", "replication.failover", "assets/r1", "accepted", ASKED));
        assertTrue(refusal(plain, ASKED, "replication.failover", "assets/r1", "bob")
                .contains("accepted"));
        assertTrue(refusal(List.of(), ASKED, "replication.failover", "assets/r1", "bob")
                .contains("no request req-1 in the audit trail"));
    }

    @Test
    void anIdOtherCallsWereSentWithTooIsNotOnePersonsRequest() {
        // Someone sent their own call with olga's request id: the rows are no longer one pending request.
        List<Recorded> mixed = List.of(
                new Recorded("mallory", "replication.failover", "assets/r1", "requested", ASKED),
                PENDING.get(0),
                PENDING.get(1));
        assertTrue(refusal(mixed, ASKED, "replication.failover", "assets/r1", "bob")
                .contains("is not one person's request waiting for a confirmation"));
        List<Recorded> twoPeople = List.of(
                PENDING.get(0),
                new Recorded(
                        "mallory", "replication.failover", "assets/r1", "pending: a second person confirms it", ASKED));
        assertTrue(refusal(twoPeople, ASKED, "replication.failover", "assets/r1", "olga")
                .contains("is not one person's request"));
    }
}
