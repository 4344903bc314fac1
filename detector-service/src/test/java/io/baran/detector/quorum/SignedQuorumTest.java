package io.baran.detector.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.state.Health;
import io.baran.events.EventSignature;
import io.baran.events.OutageEvent;
import io.baran.events.RefusedEventException;
import io.baran.events.SigningKey;
import io.baran.events.VantageRoster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The quorum of one scope fed as the aggregator feeds it: every record of the verdicts topic goes through the
 * {@link VerdictVerifier} with real ES256 signatures, and only what it accepts is seen by the quorum.
 */
class SignedQuorumTest {

    private static final String SCOPE = "aws/us-east-1/s3";
    private static final String TOPIC = "baran.vantage-verdicts";
    private static final Instant T0 = Instant.now();
    private static final QuorumRule MAJORITY = new QuorumRule(1, 0.5, Duration.ofSeconds(5));

    private final ScopeQuorum quorum = new ScopeQuorum(SCOPE, ScopeRecord.initial(SCOPE), MAJORITY);
    private final VerdictVerifier verifier = TestKeys.verifier();
    private long offset;

    private static VantageVerdict verdict(String vantage, Health health, long atMillis) {
        Instant at = T0.plusMillis(atMillis);
        return new VantageVerdict(
                vantage,
                SCOPE,
                health,
                false,
                at,
                health == Health.DOWN ? SCOPE + "@" + at.toEpochMilli() : null,
                at,
                true,
                List.of());
    }

    private static String signed(VantageVerdict verdict, SigningKey key) {
        return EventSignature.sign(VerdictCodec.encode(verdict), key);
    }

    private ConsumerRecord<String, String> record(String value, long stampedMillis) {
        return record(SCOPE, value, stampedMillis);
    }

    private ConsumerRecord<String, String> record(String key, String value, long stampedMillis) {
        return new ConsumerRecord<>(
                TOPIC,
                0,
                offset++,
                T0.plusMillis(stampedMillis).toEpochMilli(),
                TimestampType.LOG_APPEND_TIME,
                -1,
                -1,
                key,
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    /** What the aggregator does with one record; the reason when it is not counted. */
    private String deliver(ConsumerRecord<String, String> r) {
        try {
            Object message = verifier.accept(r);
            quorum.see((VantageVerdict) message, Instant.ofEpochMilli(r.timestamp()));
            return "counted";
        } catch (RefusedEventException e) {
            return e.reason().code();
        }
    }

    private String deliver(String value, long stampedMillis) {
        return deliver(record(value, stampedMillis));
    }

    private Optional<ScopeQuorum.Outcome> decide(long atMillis) {
        Optional<ScopeQuorum.Outcome> outcome = quorum.evaluate(T0.plusMillis(atMillis), "agg-1");
        outcome.ifPresent(quorum::apply);
        return outcome;
    }

    private void allUp() {
        for (String v : List.of("a", "b", "c")) {
            assertEquals("counted", deliver(signed(verdict(v, Health.UP, 0), TestKeys.key(v)), 0));
        }
        assertEquals(Health.UP, decide(0).orElseThrow().next().state());
    }

    @Test
    void aVantageWithAnUnknownKeyIsNotCountedInTheQuorum() {
        allUp();
        assertEquals("counted", deliver(signed(verdict("a", Health.DOWN, 1000), TestKeys.key("a")), 1000));
        // Three more DOWN votes that would make a majority of five if they counted: a vantage outside the roster, a
        // vantage of the roster whose key was made by someone else, and an unsigned one.
        assertEquals("unknown-key", deliver(signed(verdict("x", Health.DOWN, 1000), TestKeys.key("x")), 1000));
        assertEquals(
                "bad-signature",
                deliver(
                        signed(
                                verdict("d", Health.DOWN, 1000),
                                SigningKey.generate(TestKeys.key("d").kid())),
                        1000));
        assertEquals("unsigned", deliver(VerdictCodec.encode(verdict("e", Health.DOWN, 1000)), 1000));

        assertEquals(Optional.empty(), decide(1100), "one of three rostered vantages is no outage");
        ScopeQuorum.Tally tally = quorum.tally(T0.plusMillis(1100));
        assertEquals(
                List.of("a", "b", "c"),
                tally.live().stream().map(s -> s.verdict().vantage()).toList());
        assertEquals(2, tally.required());

        assertEquals("counted", deliver(signed(verdict("b", Health.DOWN, 1200), TestKeys.key("b")), 1200));
        OutageEvent outage = decide(1300).orElseThrow().event();
        assertEquals(
                List.of("a=DOWN", "b=DOWN", "c=UP"),
                outage.votes().stream()
                        .map(v -> v.vantage() + "=" + v.verdict())
                        .toList());
    }

    @Test
    void aRosteredKeyCannotVoteForAnotherVantage() {
        allUp();
        // a signs two more DOWN votes in the names of b and c: neither counts, and a still counts once.
        assertEquals("counted", deliver(signed(verdict("a", Health.DOWN, 1000), TestKeys.key("a")), 1000));
        assertEquals("wrong-vantage", deliver(signed(verdict("b", Health.DOWN, 1000), TestKeys.key("a")), 1000));
        assertEquals("wrong-vantage", deliver(signed(verdict("c", Health.DOWN, 1000), TestKeys.key("a")), 1000));
        assertEquals(Optional.empty(), decide(1100));
    }

    @Test
    void twoKeysOfOneVantageDuringARotationAreOneVote() {
        SigningKey next = SigningKey.generate("a-next");
        VerdictVerifier rotating = new VerdictVerifier(
                TestKeys.roster().with(new VantageRoster.Member(next.kid(), "a", next.publicKey())),
                Duration.ofSeconds(30),
                100);
        ScopeQuorum q = new ScopeQuorum(SCOPE, ScopeRecord.initial(SCOPE), MAJORITY);
        for (var r : List.of(
                record(signed(verdict("a", Health.DOWN, 0), TestKeys.key("a")), 0),
                record(signed(verdict("a", Health.DOWN, 10), next), 10),
                record(signed(verdict("b", Health.UP, 10), TestKeys.key("b")), 10))) {
            q.see((VantageVerdict) rotating.accept(r), Instant.ofEpochMilli(r.timestamp()));
        }
        assertEquals(2, q.tally(T0.plusMillis(20)).live().size(), "a and b, not a twice");
        assertEquals(Optional.empty(), q.evaluate(T0.plusMillis(20), "agg-1"));
    }

    /**
     * The replicas of one vantage (one cluster's detector Deployment, baran.detector.vantage the same in each) share
     * its id and its signing key: however many replicas speak, and even when they disagree, the vantage is one vote,
     * the last verdict any of them sent.
     */
    @Test
    void theReplicasOfOneVantageSharingItsKeyAreOneVote() {
        allUp();
        // Three replicas of vantage a, each sending its own verdict a moment apart, all signed with a's key.
        for (long at : List.of(1000L, 1001L, 1002L)) {
            assertEquals("counted", deliver(signed(verdict("a", Health.DOWN, at), TestKeys.key("a")), at));
        }
        assertEquals(Optional.empty(), decide(1100), "three replicas of a are one DOWN vote of three, no majority");
        ScopeQuorum.Tally tally = quorum.tally(T0.plusMillis(1100));
        assertEquals(
                List.of("a", "b", "c"),
                tally.live().stream().map(s -> s.verdict().vantage()).toList(),
                "a counted once among the live vantages");
        assertEquals(2, tally.required());

        // A replica of a that still sees the scope UP speaks last: a's vote is now UP, not one DOWN and one UP.
        assertEquals("counted", deliver(signed(verdict("a", Health.UP, 1200), TestKeys.key("a")), 1200));
        assertEquals("counted", deliver(signed(verdict("b", Health.DOWN, 1300), TestKeys.key("b")), 1300));
        assertEquals(Optional.empty(), decide(1400), "a (UP, last spoken) and c (UP) outvote b");

        assertEquals("counted", deliver(signed(verdict("a", Health.DOWN, 1500), TestKeys.key("a")), 1500));
        OutageEvent outage = decide(1600).orElseThrow().event();
        assertEquals(
                List.of("a=DOWN", "b=DOWN", "c=UP"),
                outage.votes().stream()
                        .map(v -> v.vantage() + "=" + v.verdict())
                        .toList(),
                "one vote per vantage in the event, however many replicas it runs");
    }

    /**
     * The record's key (which scope's quorum counts it) is not signed; the scope in the signed verdict is. A fresh
     * signed verdict of another scope written again under this scope's key is refused, so copies of other scopes'
     * heartbeats cannot make up a quorum here.
     */
    @Test
    void aSignedVerdictOfAnotherScopeDoesNotVoteUnderThisScopesKey() {
        allUp();
        for (String v : List.of("a", "b")) {
            VantageVerdict elsewhere = new VantageVerdict(
                    v,
                    "gcp/europe-west1/gcs",
                    Health.DOWN,
                    false,
                    T0,
                    "gcp/europe-west1/gcs@0",
                    T0.plusMillis(1000),
                    true,
                    List.of());
            assertEquals("wrong-scope", deliver(record(SCOPE, signed(elsewhere, TestKeys.key(v)), 1000)));
        }
        assertEquals(Optional.empty(), decide(1100), "no DOWN vote counted: the scope stays UP");
        assertEquals(Health.UP, quorum.record().state());
        VantageVerdict other = new VantageVerdict(
                "c", "gcp/x", Health.DOWN, false, T0, "gcp/x@0", T0.plusMillis(1200), true, List.of());
        RefusedEventException refused = assertThrows(
                RefusedEventException.class,
                () -> TestKeys.verifier().accept(record(SCOPE, signed(other, TestKeys.key("c")), 1200)));
        assertTrue(
                refused.getMessage().contains("for scope gcp/x written under the key " + SCOPE), refused.getMessage());
        assertEquals("counted", deliver(record("gcp/x", signed(other, TestKeys.key("c")), 1200)), "under its own key");
    }

    @Test
    void aVerdictWrittenAgainLaterIsAReplay() {
        String down = signed(verdict("a", Health.DOWN, 0), TestKeys.key("a"));
        ConsumerRecord<String, String> original = record(down, 0);
        assertEquals("counted", deliver(original));
        assertEquals("counted", deliver(original), "the same record read again after a rebalance");
        assertEquals("replayed", deliver(down, 500), "the same verdict at another offset");
        VerdictVerifier restarted = TestKeys.verifier();
        RefusedEventException late =
                assertThrows(RefusedEventException.class, () -> restarted.accept(record(down, 60_000)));
        assertEquals(
                RefusedEventException.Reason.STALE, late.reason(), "written again a minute later, after a restart");
        assertTrue(late.getMessage().contains("vantage a"), late.getMessage());
    }
}
