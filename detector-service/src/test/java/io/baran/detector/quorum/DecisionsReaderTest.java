package io.baran.detector.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.state.Health;
import io.baran.events.RefusedEventException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** A scope's recorded decision is taken back only as an aggregator of the roster signed it, for its own scope. */
class DecisionsReaderTest {

    private static final String SCOPE = "aws/us-east-1/s3";
    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    private static ScopeRecord down(String scope, String incident) {
        return new ScopeRecord(
                scope,
                Health.DOWN,
                incident,
                AT,
                AT,
                "agg-1",
                List.of(),
                1.0,
                null,
                List.of(new ScopeRecord.Decision("detected", incident, AT, AT, false, 1.0, List.of())));
    }

    @Test
    void aDecisionSignedByAnAggregatorOfTheRosterIsTakenBackAsItWasRecorded() {
        ScopeRecord recorded = down(SCOPE, SCOPE + "@1");
        ScopeRecord read =
                DecisionsReader.open(SCOPE, DecisionsReader.seal(recorded, TestKeys.key("a")), TestKeys.roster());
        assertEquals(recorded, read);
    }

    @Test
    void anUnsignedDecisionOrOneSignedByAKeyOutsideTheRosterIsRefused() {
        String unsigned = VerdictCodec.encode(down(SCOPE, SCOPE + "@1"));
        assertEquals(
                RefusedEventException.Reason.UNSIGNED,
                assertThrows(
                                RefusedEventException.class,
                                () -> DecisionsReader.open(SCOPE, unsigned, TestKeys.roster()))
                        .reason());
        String outsider = DecisionsReader.seal(down(SCOPE, SCOPE + "@1"), TestKeys.key("x"));
        assertEquals(
                RefusedEventException.Reason.UNKNOWN_KEY,
                assertThrows(
                                RefusedEventException.class,
                                () -> DecisionsReader.open(SCOPE, outsider, TestKeys.roster()))
                        .reason());
        String changed = DecisionsReader.seal(down(SCOPE, SCOPE + "@1"), TestKeys.key("a"))
                .replace(SCOPE + "@1", SCOPE + "@2");
        assertEquals(
                RefusedEventException.Reason.BAD_SIGNATURE,
                assertThrows(RefusedEventException.class, () -> DecisionsReader.open(SCOPE, changed, TestKeys.roster()))
                        .reason());
    }

    @Test
    void aSignedDecisionUnderAnotherScopesKeyOrNamingAnotherScopesIncidentIsRefused() {
        String other = DecisionsReader.seal(down("gcp/europe-west1", "gcp/europe-west1@1"), TestKeys.key("a"));
        IllegalArgumentException moved = assertThrows(
                IllegalArgumentException.class, () -> DecisionsReader.open(SCOPE, other, TestKeys.roster()));
        assertTrue(moved.getMessage().contains("written under the key " + SCOPE), moved.getMessage());

        String foreign = DecisionsReader.seal(down(SCOPE, "gcp/europe-west1@1"), TestKeys.key("a"));
        IllegalArgumentException named = assertThrows(
                IllegalArgumentException.class, () -> DecisionsReader.open(SCOPE, foreign, TestKeys.roster()));
        assertTrue(named.getMessage().contains("gcp/europe-west1@1"), named.getMessage());

        // A prefix of the scope is not the scope: "aws/us-east-1/s3x@1" is not an incident of "aws/us-east-1/s3".
        String longer = DecisionsReader.seal(down(SCOPE, SCOPE + "x@1"), TestKeys.key("a"));
        assertThrows(IllegalArgumentException.class, () -> DecisionsReader.open(SCOPE, longer, TestKeys.roster()));
    }

    @Test
    void aRefusedRecordLeavesTheScopesLastSignedDecisionInPlace() {
        Map<String, ScopeRecord> records = new HashMap<>();
        ScopeRecord recorded = down(SCOPE, SCOPE + "@1");
        DecisionsReader.apply(records, record(DecisionsReader.seal(recorded, TestKeys.key("b")), 0), TestKeys.roster());
        ScopeRecord forged = new ScopeRecord(SCOPE, Health.UP, null, AT, AT, "forger", List.of(), 1.0, null, List.of());
        DecisionsReader.apply(records, record(VerdictCodec.encode(forged), 1), TestKeys.roster());
        assertEquals(Map.of(SCOPE, recorded), records);
    }

    @Test
    void anOlderSignedDecisionWrittenAgainAndATombstoneDoNotReplaceTheLatest() {
        Map<String, ScopeRecord> records = new HashMap<>();
        ScopeRecord first = ScopeRecord.initial(SCOPE)
                .withDecision(Health.DOWN, SCOPE + "@1", AT, AT, "agg-1", List.of(), 1.0, decision("detected", "@1"));
        ScopeRecord second = first.withDecision(
                Health.UP, null, AT, AT.plusSeconds(60), "agg-1", List.of(), 1.0, decision("recovered", "@1"));
        String firstSigned = DecisionsReader.seal(first, TestKeys.key("a"));
        DecisionsReader.apply(records, record(firstSigned, 0), TestKeys.roster());
        DecisionsReader.apply(records, record(DecisionsReader.seal(second, TestKeys.key("a")), 1), TestKeys.roster());
        assertEquals(2, second.seq());

        // The detection of incident @1, copied byte for byte: it would have the scope down for an incident that
        // recovered, and no later outage of the scope announced.
        DecisionsReader.apply(records, record(firstSigned, 2), TestKeys.roster());
        DecisionsReader.apply(records, record(null, 3), TestKeys.roster());
        assertEquals(Map.of(SCOPE, second), records);
    }

    private static ScopeRecord.Decision decision(String event, String incident) {
        return new ScopeRecord.Decision(event, SCOPE + incident, AT, AT, false, 1.0, List.of());
    }

    private static ConsumerRecord<String, String> record(String value, long offset) {
        return new ConsumerRecord<>("baran.detector-decisions", 0, offset, SCOPE, value);
    }
}
