package io.baran.detector.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.state.Health;
import io.baran.events.OutageEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScopeQuorumTest {

    /** A drill-operator asking for a simulation, as the detector's REST API verified them. */
    private static final OutageEvent.Requester ANA =
            new OutageEvent.Requester("ana", List.of("drill-operator", "team-a", "viewer"), false);

    private static final String SCOPE = "aws/us-east-1/s3";
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final QuorumRule MAJORITY = new QuorumRule(1, 0.5, Duration.ofSeconds(5));

    private final ScopeQuorum quorum = new ScopeQuorum(SCOPE, ScopeRecord.initial(SCOPE), MAJORITY);

    private static VantageVerdict verdict(String vantage, Health health, long sinceMillis, boolean isolated) {
        Instant since = T0.plusMillis(sinceMillis);
        return new VantageVerdict(
                vantage,
                SCOPE,
                health,
                isolated,
                since,
                health == Health.DOWN ? SCOPE + "@" + since.toEpochMilli() : null,
                since,
                true,
                List.of(new OutageEvent.TargetVerdict(
                        "s3-canary",
                        health == Health.UP,
                        health == Health.UP ? "S3 read" : "S3 InternalError (HTTP 500)")));
    }

    private void see(String vantage, Health health, long sinceMillis, long seenMillis) {
        quorum.see(verdict(vantage, health, sinceMillis, false), T0.plusMillis(seenMillis));
    }

    private Optional<ScopeQuorum.Outcome> decide(long atMillis) {
        Optional<ScopeQuorum.Outcome> outcome = quorum.evaluate(T0.plusMillis(atMillis), "agg-1");
        outcome.ifPresent(quorum::apply);
        return outcome;
    }

    private void allUp() {
        see("a", Health.UP, 0, 0);
        see("b", Health.UP, 0, 0);
        see("c", Health.UP, 0, 0);
        assertEquals(Health.UP, decide(0).orElseThrow().next().state());
    }

    @Test
    void theMajorityOfThreeIsTwo() {
        assertEquals(1, MAJORITY.required(1));
        assertEquals(2, MAJORITY.required(2));
        assertEquals(2, MAJORITY.required(3));
        assertEquals(3, MAJORITY.required(4));
        assertEquals(2, new QuorumRule(2, 0.5, Duration.ofSeconds(5)).required(1));
        assertEquals(3, new QuorumRule(1, 0.67, Duration.ofSeconds(5)).required(3));
    }

    @Test
    void firstAgreementThatAllIsUpPublishesNothing() {
        see("a", Health.UP, 0, 0);
        see("b", Health.UP, 0, 0);
        ScopeQuorum.Outcome outcome = decide(0).orElseThrow();
        assertEquals(null, outcome.event());
        assertEquals(Health.UP, outcome.next().state());
        assertEquals("up", outcome.next().history().get(0).event());
    }

    @Test
    void oneOfThreeSeeingTheFailureIsNoOutage() {
        allUp();
        see("a", Health.DOWN, 1000, 1000);
        assertTrue(decide(1000).isEmpty());
    }

    @Test
    void twoOfThreeSeeingTheFailureDeclareItWithTheirVotesAndConfidence() {
        allUp();
        see("a", Health.DOWN, 1000, 1100);
        see("b", Health.DOWN, 1500, 1600);
        ScopeQuorum.Outcome outcome = decide(1600).orElseThrow();
        assertEquals(OutageEvent.DETECTED, outcome.eventType());
        OutageEvent event = outcome.event();
        assertEquals(
                SCOPE + "@" + T0.plusMillis(1000).toEpochMilli(),
                event.incidentId(),
                "named after the first vantage that saw it");
        assertEquals(T0.plusMillis(1000), event.since());
        assertEquals("agg-1", event.vantage());
        assertEquals(
                List.of(
                        new OutageEvent.Vote("a", "DOWN", T0.plusMillis(1000)),
                        new OutageEvent.Vote("b", "DOWN", T0.plusMillis(1500)),
                        new OutageEvent.Vote("c", "UP", T0)),
                event.votes());
        assertEquals(0.667, event.confidence());
        assertEquals(
                List.of(new OutageEvent.TargetVerdict("s3-canary", false, "S3 InternalError (HTTP 500)")),
                event.targets());
        assertEquals(Duration.ofMillis(600), outcome.latency());
        assertTrue(decide(1700).isEmpty(), "declared once");
    }

    @Test
    void anIsolatedVantageIsLiveButNoVote() {
        allUp();
        quorum.see(verdict("a", Health.UNKNOWN, 1000, true), T0.plusMillis(1000));
        see("b", Health.DOWN, 1000, 1000);
        assertTrue(decide(1000).isEmpty(), "1 of 3 live");
        see("c", Health.DOWN, 1200, 1200);
        OutageEvent event = decide(1200).orElseThrow().event();
        assertEquals(
                List.of("UNKNOWN", "DOWN", "DOWN"),
                event.votes().stream().map(OutageEvent.Vote::verdict).toList());
    }

    @Test
    void aVantageThatStopsIsNoLongerCountedOnceItExpires() {
        see("a", Health.DOWN, 0, 0);
        see("b", Health.UP, 0, 0);
        assertTrue(decide(0).isEmpty(), "1 of 2 is no majority");
        // a keeps sending heartbeats; b has stopped.
        see("a", Health.DOWN, 0, 3000);
        assertTrue(decide(4900).isEmpty(), "b still live");
        see("a", Health.DOWN, 0, 6000);
        OutageEvent event = decide(6000).orElseThrow().event();
        assertEquals(List.of(new OutageEvent.Vote("a", "DOWN", T0)), event.votes(), "only the live vantage");
        assertEquals(1.0, event.confidence());
    }

    @Test
    void aStaleDownVoteOfAStoppedVantageCountsForNothing() {
        allUp();
        see("a", Health.DOWN, 1000, 1000);
        see("b", Health.UP, 0, 4000);
        see("c", Health.UP, 0, 4000);
        see("b", Health.UP, 0, 9000);
        see("c", Health.UP, 0, 9000);
        see("b", Health.DOWN, 9100, 9100);
        assertTrue(decide(9100).isEmpty(), "a expired: 1 of 2");
    }

    @Test
    void minVotesHoldsWhateverTheRatio() {
        ScopeQuorum strict =
                new ScopeQuorum(SCOPE, ScopeRecord.initial(SCOPE), new QuorumRule(2, 0.5, Duration.ofSeconds(5)));
        strict.see(verdict("a", Health.DOWN, 0, false), T0);
        assertTrue(strict.evaluate(T0, "agg").isEmpty(), "a lone vantage never decides when two votes are required");
    }

    @Test
    void recoveryNamesTheIncidentItEndsAndComesOnce() {
        allUp();
        see("a", Health.DOWN, 1000, 1000);
        see("b", Health.DOWN, 1000, 1000);
        see("c", Health.DOWN, 1000, 1000);
        String incident = decide(1000).orElseThrow().event().incidentId();
        see("a", Health.UP, 5000, 5000);
        assertTrue(decide(5000).isEmpty(), "one UP of three");
        see("b", Health.UP, 5200, 5200);
        ScopeQuorum.Outcome recovered = decide(5200).orElseThrow();
        assertEquals(OutageEvent.RECOVERED, recovered.eventType());
        assertEquals(incident, recovered.event().incidentId());
        assertEquals(T0.plusMillis(5200), recovered.event().since());
        assertEquals(null, recovered.next().incidentId());
        assertTrue(decide(5300).isEmpty());
        assertEquals(
                List.of("up", "detected", "recovered"),
                quorum.record().history().stream()
                        .map(ScopeRecord.Decision::event)
                        .toList());
    }

    @Test
    void anAggregatorThatTakesOverResumesTheRecordedIncident() {
        allUp();
        see("a", Health.DOWN, 1000, 1000);
        see("b", Health.DOWN, 1000, 1000);
        ScopeRecord recorded = decide(1000).orElseThrow().next();

        ScopeQuorum next = new ScopeQuorum(SCOPE, ScopeRecord.initial(SCOPE), MAJORITY);
        next.restore(VerdictCodec.decodeRecord(VerdictCodec.encode(recorded)));
        next.see(verdict("a", Health.DOWN, 1000, false), T0.plusMillis(3000));
        next.see(verdict("b", Health.DOWN, 1000, false), T0.plusMillis(3000));
        assertTrue(next.evaluate(T0.plusMillis(3000), "agg-2").isEmpty(), "no second detected event");
        next.see(verdict("a", Health.UP, 4000, false), T0.plusMillis(4000));
        next.see(verdict("b", Health.UP, 4000, false), T0.plusMillis(4000));
        ScopeQuorum.Outcome recovered =
                next.evaluate(T0.plusMillis(4000), "agg-2").orElseThrow();
        assertEquals(recorded.incidentId(), recovered.event().incidentId());
    }

    @Test
    void aSimulationIsADrillAllTheWayThroughAndLeavesTheRealStateAlone() {
        allUp();
        Instant since = T0.plusMillis(1000);
        Simulation simulation =
                new Simulation(SCOPE, Simulation.incidentId(SCOPE, since), since, since.plusSeconds(10), "v1");
        quorum.simulate(simulation);
        ScopeQuorum.Outcome started = decide(1000).orElseThrow();
        assertEquals(OutageEvent.DETECTED, started.eventType());
        assertTrue(started.event().drill());
        assertEquals(SCOPE + "@drill-" + since.toEpochMilli(), started.event().incidentId());
        assertEquals(Health.UP, started.next().state(), "the real state is untouched");
        quorum.simulate(simulation);
        assertTrue(decide(2000).isEmpty(), "a redelivered request runs nothing twice");
        ScopeQuorum.Outcome ended = decide(11_000).orElseThrow();
        assertEquals(OutageEvent.RECOVERED, ended.eventType());
        assertTrue(ended.event().drill());
        assertEquals(started.event().incidentId(), ended.event().incidentId());
        assertEquals(null, ended.next().drill());
        quorum.simulate(simulation);
        assertTrue(decide(12_000).isEmpty(), "not even after it ended");
    }

    @Test
    void aSimulationWithNoBrokersStampReachingTheAggregatorAfterItsStartByNeverStarts() {
        allUp();
        Instant since = T0.plusMillis(1000);
        // No broker's stamp to judge by (a topic not on LogAppendTime): its start-by against the aggregator's clock.
        Simulation late = new Simulation(
                SCOPE,
                Simulation.incidentId(SCOPE, since),
                since,
                since.plusSeconds(60),
                "v1",
                since.plusSeconds(10),
                null);
        quorum.simulate(late);
        assertTrue(decide(11_001).isEmpty(), "its requester was told it did not start");
        assertEquals(null, quorum.record().drill());
        quorum.simulate(late);
        assertEquals(OutageEvent.DETECTED, decide(11_000).orElseThrow().eventType(), "in time, it starts");
    }

    /** Decides at the aggregator's {@code atMillis} while the broker's clock reads {@code brokerMillis}. */
    private Optional<ScopeQuorum.Outcome> decide(long atMillis, long brokerMillis) {
        Optional<ScopeQuorum.Outcome> outcome =
                quorum.evaluate(T0.plusMillis(atMillis), T0.plusMillis(brokerMillis), "agg-1");
        outcome.ifPresent(quorum::apply);
        return outcome;
    }

    @Test
    void anAggregatorMinutesAheadOfTheBrokerStartsASimulationWithinItsWindowOnTheBrokersClock() {
        allUp();
        // Requested at 1 s (the requester's clock reads the broker's), taken by the broker at 1.2 s; the aggregator's
        // clock is three minutes ahead, so the requester's start-by (11 s) is long past on it.
        Instant since = T0.plusMillis(1000);
        Simulation simulation =
                Simulation.of(SCOPE, since, since.plus(Duration.ofHours(1)), "v1", Duration.ofSeconds(10), ANA);
        quorum.simulate(simulation, T0.plusMillis(1200));
        ScopeQuorum.Outcome started =
                decide(180_000 + 1500, 1500).orElseThrow(() -> new AssertionError("a skewed aggregator refused it"));
        assertEquals(OutageEvent.DETECTED, started.eventType());
        assertTrue(started.event().drill());
        assertEquals(simulation.incidentId(), started.next().drill().incidentId());
    }

    /**
     * Two people asking for a simulation of one scope in the same millisecond get an incident each: one drill runs,
     * under its requester's name, and the record does not know the other's, so the other requester is not told that
     * drill is theirs (it runs under the other person's access).
     */
    @Test
    void twoSimulationsAskedInTheSameMillisecondAreTwoIncidentsAndOnlyOneRuns() {
        allUp();
        Instant since = T0.plusMillis(1000);
        OutageEvent.Requester bob = new OutageEvent.Requester("bob", List.of("drill-operator"), false);
        Simulation first =
                Simulation.of(SCOPE, since, since.plus(Duration.ofHours(1)), "v1", Duration.ofSeconds(10), ANA);
        Simulation second =
                Simulation.of(SCOPE, since, since.plus(Duration.ofHours(1)), "v1", Duration.ofSeconds(10), bob);
        assertNotEquals(first.incidentId(), second.incidentId());
        assertTrue(first.incidentId().startsWith(SCOPE + "@drill-" + since.toEpochMilli() + "-"), first.incidentId());
        quorum.simulate(first, T0.plusMillis(1200));
        quorum.simulate(second, T0.plusMillis(1200));
        ScopeQuorum.Outcome started = decide(1500, 1500).orElseThrow();
        // One of the two runs (the later request replaces the one waiting), under its own requester's name.
        Simulation ran = started.event().incidentId().equals(first.incidentId()) ? first : second;
        Simulation not = ran == first ? second : first;
        assertEquals(ran.incidentId(), started.event().incidentId());
        assertEquals(ran.requester().name(), started.event().requester().name());
        assertTrue(started.next().knowsDrill(ran.incidentId()));
        assertFalse(started.next().knowsDrill(not.incidentId()), "the other request's drill never ran");
    }

    @Test
    void anAggregatorBehindTheBrokerRefusesASimulationWhoseWindowPassedOnTheBrokersClock() {
        allUp();
        // Taken by the broker at 1.2 s with a window of 10 s: past at 11.2 s on the broker's clock, however early
        // the aggregator's own clock (5 s behind) and the requester's start-by (11 s on its clock) make it look.
        Instant since = T0.plusMillis(1000);
        Simulation late =
                Simulation.of(SCOPE, since, since.plus(Duration.ofHours(1)), "v1", Duration.ofSeconds(10), ANA);
        quorum.simulate(late, T0.plusMillis(1200));
        assertTrue(decide(11_201 - 5000, 11_201).isEmpty(), "its requester was told it did not start");
        assertEquals(null, quorum.record().drill());
        quorum.simulate(late, T0.plusMillis(1200));
        assertEquals(
                OutageEvent.DETECTED,
                decide(11_200 - 5000, 11_200).orElseThrow().eventType(),
                "within its window on the broker's clock, it starts");
    }

    @Test
    void anOlderDetectorsRequestIsJudgedByTheWindowItsStartByImpliesOnTheBrokersClock() {
        allUp();
        // An older detector sends only its start-by (since + 10 s on its clock, which is a minute behind the broker's).
        Instant since = T0.plusMillis(1000).minusSeconds(60);
        Simulation older = new Simulation(
                SCOPE,
                Simulation.incidentId(SCOPE, since),
                since,
                since.plus(Duration.ofHours(1)),
                "v1",
                since.plusSeconds(10),
                null);
        quorum.simulate(older, T0.plusMillis(1200));
        assertTrue(decide(11_201, 11_201).isEmpty(), "10 s after the broker took it, it no longer starts");
        quorum.simulate(older, T0.plusMillis(1200));
        assertEquals(OutageEvent.DETECTED, decide(11_200, 11_200).orElseThrow().eventType());
    }

    @Test
    void aSimulationCarriesItsWindowOnTheWire() {
        Instant since = T0.plusMillis(1000);
        Simulation simulation = Simulation.of(SCOPE, since, since.plusSeconds(60), "v1", Duration.ofSeconds(10), ANA);
        String json = VerdictCodec.encode(simulation);
        assertTrue(!json.contains("\"window\""), json);
        Object read = VerdictCodec.decodeMessage(json);
        assertEquals(simulation, read);
        assertEquals(since.plusSeconds(10), ((Simulation) read).startBy(), "older aggregators judge by it");
    }

    @Test
    void theOutageEventOfASimulationNamesWhoAskedForItAndItsRecoveryNobody() {
        allUp();
        Instant since = T0.plusMillis(1000);
        quorum.simulate(
                Simulation.of(SCOPE, since, since.plusSeconds(10), "v1", Duration.ofSeconds(10), ANA),
                T0.plusMillis(1000));
        ScopeQuorum.Outcome started = decide(1000).orElseThrow();
        assertEquals(OutageEvent.DETECTED, started.eventType());
        assertEquals(ANA, started.event().requester());
        ScopeQuorum.Outcome ended = decide(11_000).orElseThrow();
        assertEquals(OutageEvent.RECOVERED, ended.eventType());
        assertEquals(null, ended.event().requester(), "a recovery starts nothing: it needs no person");
    }

    @Test
    void aRequestOfAnOlderDetectorNamesNobodyAndItsOutageEventNeither() {
        allUp();
        Instant since = T0.plusMillis(1000);
        String older = VerdictCodec.encode(
                        Simulation.of(SCOPE, since, since.plusSeconds(10), "v1", Duration.ofSeconds(10), ANA))
                .replaceFirst(",\"requester\":\\{[^}]*\\}", "");
        assertTrue(!older.contains("requester"), older);
        Simulation read = (Simulation) VerdictCodec.decodeMessage(older);
        assertEquals(null, read.requester());
        quorum.simulate(read, T0.plusMillis(1000));
        ScopeQuorum.Outcome started = decide(1000).orElseThrow();
        assertEquals(null, started.event().requester(), "the orchestrator then drills nothing");
        assertTrue(!io.baran.events.EventCodec.encode(
                        io.baran.events.CloudEvent.of("e", "/t", OutageEvent.DETECTED, SCOPE, since, started.event()))
                .contains("requester"));
    }

    @Test
    void aNewOutageAfterARecoveryGetsANewIdEvenIfAVantageRepeatsItsOld() {
        see("a", Health.DOWN, 1000, 1000);
        String first = decide(1000).orElseThrow().event().incidentId();
        see("a", Health.UP, 2000, 2000);
        decide(2000).orElseThrow();
        see("a", Health.DOWN, 1000, 3000);
        String second = decide(3000).orElseThrow().event().incidentId();
        assertTrue(!first.equals(second), first + " reused");
    }

    @Test
    void aVantageThatNeverRecoversNamesNoLaterOutageWithAnIdAlreadyUsed() {
        // c's path to the scope stays broken throughout: it keeps voting DOWN with the id of the first outage.
        see("a", Health.DOWN, 1100, 1100);
        see("b", Health.UP, 0, 1100);
        see("c", Health.DOWN, 1000, 1100);
        ScopeQuorum.Outcome first = decide(1100).orElseThrow();
        assertEquals(OutageEvent.DETECTED, first.eventType());
        String x = first.event().incidentId();
        assertEquals(SCOPE + "@" + T0.plusMillis(1000).toEpochMilli(), x, "named after c, the first to see it");

        see("a", Health.UP, 2000, 2000);
        see("b", Health.UP, 0, 2000);
        see("c", Health.DOWN, 1000, 2000);
        assertEquals(OutageEvent.RECOVERED, decide(2000).orElseThrow().eventType());

        see("a", Health.DOWN, 2900, 3000);
        see("b", Health.UP, 0, 3000);
        see("c", Health.DOWN, 1000, 3000);
        ScopeQuorum.Outcome second = decide(3000).orElseThrow();
        assertEquals(OutageEvent.DETECTED, second.eventType());
        String y = second.event().incidentId();
        assertTrue(!x.equals(y), x + " reused");

        see("a", Health.UP, 4000, 4000);
        see("b", Health.UP, 0, 4000);
        see("c", Health.DOWN, 1000, 4000);
        ScopeQuorum.Outcome secondRecovered = decide(4000).orElseThrow();
        assertEquals(OutageEvent.RECOVERED, secondRecovered.eventType());
        assertEquals(y, secondRecovered.event().incidentId());

        see("a", Health.DOWN, 4900, 5000);
        see("b", Health.UP, 0, 5000);
        see("c", Health.DOWN, 1000, 5000);
        ScopeQuorum.Outcome third = decide(5000).orElseThrow();
        assertEquals(OutageEvent.DETECTED, third.eventType());
        String z = third.event().incidentId();
        assertTrue(!x.equals(z), x + " reused");
        assertTrue(!y.equals(z), y + " reused");
        assertEquals(SCOPE + "@" + T0.plusMillis(4900).toEpochMilli(), z, "named after a, which saw it begin");
        assertEquals(T0.plusMillis(4900), third.event().since(), "it began after the last recovery");
        assertEquals(Duration.ofMillis(100), third.latency());

        see("a", Health.UP, 6000, 6000);
        see("b", Health.UP, 0, 6000);
        see("c", Health.DOWN, 1000, 6000);
        assertEquals(z, decide(6000).orElseThrow().event().incidentId(), "its recovery names it");
    }
}
