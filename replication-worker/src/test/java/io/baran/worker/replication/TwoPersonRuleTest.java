package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.security.CallAuditTrail.Recorded;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision on a confirmation, from the rows of the request it confirms (the IT covers the calls). */
class TwoPersonRuleTest {

    private static final Instant ASKED = Instant.parse("2026-12-06T10:00:00Z");
    private static final String FAILOVER = "replication.failover";
    private static final String DIGEST = TwoPersonRule.digest(FAILOVER, List.of("assets", "onprem:file://copy"));

    private static Recorded pending(String actor, String digest) {
        return new Recorded(
                actor,
                FAILOVER,
                "assets",
                "pending (call sha256:" + digest + "): a second person confirms it within 10 minutes",
                ASKED);
    }

    private static final List<Recorded> ASKED_BY_OLGA =
            List.of(new Recorded("olga", FAILOVER, "assets", "requested", ASKED), pending("olga", DIGEST));

    private static String decide(List<Recorded> rows, Instant now, String action, String digest, String caller) {
        return TwoPersonRule.decide(rows, now, action, "assets", digest, "req-1", caller, "req-2");
    }

    private static String refusal(List<Recorded> rows, Instant now, String action, String digest, String caller) {
        return assertThrows(RuntimeException.class, () -> decide(rows, now, action, digest, caller))
                .getMessage();
    }

    @Test
    void aSecondPersonWithinTheWindowConfirmsTheSameCall() {
        assertEquals(
                "confirmed by bob (request req-2)",
                decide(ASKED_BY_OLGA, ASKED.plusSeconds(599), FAILOVER, DIGEST, "bob"));
    }

    @Test
    void aRequestPastItsWindowIsExpired() {
        String why = refusal(ASKED_BY_OLGA, ASKED.plusSeconds(601), FAILOVER, DIGEST, "bob");
        assertTrue(why.contains("waited for a confirmation until 2026-12-06T10:10:00Z; ask again"), why);
    }

    @Test
    void theRequesterOrACallWithOtherValuesDoesNotConfirm() {
        assertTrue(refusal(ASKED_BY_OLGA, ASKED, FAILOVER, DIGEST, "olga").contains("another person confirms it"));
        String otherReplica = TwoPersonRule.digest(FAILOVER, List.of("assets", "aws-dr:s3://copy"));
        assertTrue(refusal(ASKED_BY_OLGA, ASKED, FAILOVER, otherReplica, "bob")
                .contains("not with the same replica, key or side"));
        String failback = TwoPersonRule.digest("replication.failback", List.of("assets", "onprem:file://copy"));
        assertTrue(refusal(ASKED_BY_OLGA, ASKED, "replication.failback", failback, "bob")
                .contains("is replication.failover on assets, not this replication.failback on assets"));
    }

    @Test
    void theDigestCoversEveryValueInFullAndTellsAbsentFromEmpty() {
        String key = "k".repeat(1_000);
        assertNotEquals(
                TwoPersonRule.digest("replication.resolve-conflict", List.of("assets", "r", key + "1", "source")),
                TwoPersonRule.digest("replication.resolve-conflict", List.of("assets", "r", key + "2", "source")));
        assertNotEquals(
                TwoPersonRule.digest("replication.resolve-conflict", List.of("assets", "r", "a", "source")),
                TwoPersonRule.digest("replication.resolve-conflict", List.of("assets", "r", "a", "replica")));
        assertNotEquals(
                TwoPersonRule.digest(FAILOVER, Arrays.asList("assets", null)),
                TwoPersonRule.digest(FAILOVER, List.of("assets", "")));
    }

    @Test
    void aConfirmedOrUnknownRequestIsNotConfirmedAgain() {
        List<Recorded> done = List.of(
                ASKED_BY_OLGA.get(0),
                ASKED_BY_OLGA.get(1),
                new Recorded("bob", FAILOVER, "assets", "confirmed by bob (request x)", ASKED));
        assertTrue(refusal(done, ASKED, FAILOVER, DIGEST, "carl").contains("was confirmed already: confirmed by bob"));
        List<Recorded> plain =
                List.of(ASKED_BY_OLGA.get(0), new Recorded("olga", FAILOVER, "assets", "accepted", ASKED));
        assertTrue(
                refusal(plain, ASKED, FAILOVER, DIGEST, "bob").contains("is not waiting for a confirmation: accepted"));
        assertTrue(refusal(List.of(), ASKED, FAILOVER, DIGEST, "bob").contains("no request req-1 in the audit trail"));
    }

    @Test
    void rowsAnotherCallWroteUnderTheSameIdSpoilNothing() {
        // A viewer refused (403) with olga's request id, and another operator asking the same call under it.
        List<Recorded> mixed = List.of(
                ASKED_BY_OLGA.get(0),
                ASKED_BY_OLGA.get(1),
                new Recorded("victor", FAILOVER, "assets", "refused: 403 Forbidden", ASKED),
                new Recorded("mallory", FAILOVER, "assets", "requested", ASKED),
                pending("mallory", DIGEST));
        assertEquals("confirmed by bob (request req-2)", decide(mixed, ASKED, FAILOVER, DIGEST, "bob"));
        // Mallory may confirm olga's request (she is a second person to it), not her own alone.
        assertEquals("confirmed by mallory (request req-2)", decide(mixed, ASKED, FAILOVER, DIGEST, "mallory"));
        List<Recorded> onlyHers =
                List.of(new Recorded("mallory", FAILOVER, "assets", "requested", ASKED), pending("mallory", DIGEST));
        assertTrue(refusal(onlyHers, ASKED, FAILOVER, DIGEST, "mallory").contains("another person confirms it"));
    }

    @Test
    void aPendingRowItsRequestThenAnsweredWithAnErrorIsNotARequest() {
        // The pending row's commit took, its answer was lost: the requester was answered 503, recorded after it.
        List<Recorded> lost = List.of(
                ASKED_BY_OLGA.get(0),
                ASKED_BY_OLGA.get(1),
                new Recorded("olga", FAILOVER, "assets", "unknown: 503 could not be left for a second person", ASKED));
        assertTrue(refusal(lost, ASKED, FAILOVER, DIGEST, "bob").contains("is not waiting for a confirmation"));
    }
}
