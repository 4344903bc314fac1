package io.baran.detector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.Targets;
import io.baran.detector.config.DetectorSettings;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.probe.ProbeResult;
import io.baran.detector.quorum.VantageVerdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The vantage's vote from probe results fed in with explicit times. */
class HealthTrackerTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private final List<VantageVerdict> sent = new ArrayList<>();

    private HealthTracker tracker(DetectorSettings.Damping damping, boolean isolation) {
        return new HealthTracker(
                new DetectorSettings.Vantage("v1", 1.0, damping, isolation, Duration.ofSeconds(1)),
                sent::add,
                DetectorMetrics.inMemory(),
                Clock.fixed(T0, ZoneOffset.UTC));
    }

    private HealthTracker twoScopes() {
        HealthTracker tracker = tracker(DetectorSettings.Damping.OFF, true);
        tracker.track(List.of(
                Targets.http("a", "http://127.0.0.1:1/a", "svc/a", "1s", 3),
                Targets.http("b", "http://127.0.0.1:1/b", "ref/b", "1s", 3)));
        return tracker;
    }

    /** A probe of {@code target} that started at {@code startMillis} after T0 and took 10 ms. */
    private static void probe(HealthTracker tracker, String target, long startMillis, boolean passed) {
        Instant started = T0.plusMillis(startMillis);
        tracker.record(
                target,
                new ProbeResult(passed, passed ? "HTTP 200" : "HTTP 503, expected 200", started.plusMillis(10)),
                started);
    }

    /** A probe of {@code target} that started at {@code startMillis} after T0 and ended at {@code endMillis}. */
    private static void probe(HealthTracker tracker, String target, long startMillis, long endMillis, boolean passed) {
        tracker.record(
                target,
                new ProbeResult(passed, passed ? "HTTP 200" : "timed out after 2s", T0.plusMillis(endMillis)),
                T0.plusMillis(startMillis));
    }

    private List<Health> votes(String scope) {
        return sent.stream()
                .filter(v -> v.scope().equals(scope))
                .map(VantageVerdict::verdict)
                .toList();
    }

    @Test
    void aProbeOfAReplacedTargetIsNotCountedForItsReplacement() {
        HealthTracker tracker = tracker(DetectorSettings.Damping.OFF, true);
        TargetDefinition old = Targets.http("a", "http://127.0.0.1:1/old", "svc/a", "1s", 1);
        tracker.track(List.of(old));
        // Replaced while a probe of the old address runs; the replacement is equal to nothing before it.
        TargetDefinition replacement = Targets.http("a", "http://127.0.0.1:1/new", "svc/a", "1s", 1);
        tracker.track(List.of(replacement));
        Instant started = T0.plusMillis(1000);
        assertFalse(tracker.record(old, new ProbeResult(false, "HTTP 503, expected 200", started), started));
        assertEquals(Health.UNKNOWN, tracker.targets().get(0).state(), "the old probe counted");
        assertEquals(null, tracker.targets().get(0).lastResult(), "the old probe's result is shown");
        assertTrue(votes("svc/a").stream().noneMatch(v -> v == Health.DOWN), sent.toString());
        assertTrue(tracker.record(replacement, new ProbeResult(true, "HTTP 200", started), started));
        assertEquals(Health.UP, tracker.targets().get(0).state());
    }

    @Test
    void aProbeOfARemovedTargetIsDiscarded() {
        HealthTracker tracker = tracker(DetectorSettings.Damping.OFF, true);
        TargetDefinition removed = Targets.http("a", "http://127.0.0.1:1/a", "svc/a", "1s", 1);
        tracker.track(List.of(removed, Targets.http("b", "http://127.0.0.1:1/b", "ref/b", "1s", 1)));
        tracker.untrack("a");
        assertFalse(tracker.record(removed, new ProbeResult(true, "HTTP 200", T0), T0));
    }

    @Test
    void aSingleScopeVantageVotesAsItSees() {
        HealthTracker tracker = tracker(DetectorSettings.Damping.OFF, true);
        tracker.track(List.of(Targets.http("a", "http://127.0.0.1:1/a", "svc/a", "1s", 2)));
        probe(tracker, "a", 0, true);
        probe(tracker, "a", 1000, true);
        probe(tracker, "a", 2000, false);
        probe(tracker, "a", 3000, false);
        assertEquals(List.of(Health.UP, Health.DOWN), votes("svc/a"));
        VantageVerdict down = sent.get(sent.size() - 1);
        assertEquals("svc/a@" + T0.plusMillis(3010).toEpochMilli(), down.incidentId());
        assertEquals(T0.plusMillis(3010), down.since());
        assertTrue(down.change());
    }

    @Test
    void aScopeThatFailsWhileAnotherAnswersGetsADownVote() {
        HealthTracker tracker = twoScopes();
        for (int t = 0; t < 3000; t += 1000) {
            probe(tracker, "a", t, true);
            probe(tracker, "b", t + 500, true);
        }
        probe(tracker, "a", 3000, false);
        probe(tracker, "b", 3500, true);
        probe(tracker, "a", 4000, false);
        probe(tracker, "b", 4500, true);
        probe(tracker, "a", 5000, false);
        assertEquals(List.of(Health.UP, Health.DOWN), votes("svc/a"));
        assertFalse(sent.get(sent.size() - 1).isolated());
    }

    @Test
    void aVantageThatLosesItsNetworkNeverVotesDownAndAbstainsEverywhere() {
        HealthTracker tracker = twoScopes();
        for (int t = 0; t < 3000; t += 1000) {
            probe(tracker, "a", t, true);
            probe(tracker, "b", t + 500, true);
        }
        // The network goes at 2.9 s: every probe from then on fails.
        for (int t = 3000; t < 8000; t += 1000) {
            probe(tracker, "a", t, false);
            probe(tracker, "b", t + 500, false);
        }
        assertFalse(votes("svc/a").contains(Health.DOWN), "a DOWN vote from a vantage that lost its network: " + sent);
        assertFalse(votes("ref/b").contains(Health.DOWN), "a DOWN vote from a vantage that lost its network: " + sent);
        assertTrue(tracker.isolated());
        List<VantageVerdict> now = tracker.verdicts();
        assertTrue(now.stream().allMatch(v -> v.verdict() == Health.UNKNOWN && v.isolated()), now.toString());
    }

    @Test
    void aPassThatRanAlongsideATimingOutProbeIsNoEvidenceThatTheNetworkWorks() {
        HealthTracker tracker = twoScopes();
        for (int t = -50; t < 2950; t += 1000) {
            probe(tracker, "a", t, t + 10, true);
            probe(tracker, "b", t + 10, t + 20, true);
        }
        // a's probe starts at 2950 and b's at 2960, which passes at 2970; the network goes at 2980, so a's probe
        // times out at 4950 and every probe from then on times out after 2 s.
        probe(tracker, "b", 2960, 2970, true);
        probe(tracker, "a", 2950, 4950, false);
        probe(tracker, "b", 3960, 5960, false);
        probe(tracker, "a", 4950, 6950, false);
        probe(tracker, "b", 5960, 7960, false);
        probe(tracker, "a", 6950, 8950, false);
        probe(tracker, "b", 7960, 9960, false);
        probe(tracker, "a", 8950, 10950, false);
        assertFalse(votes("svc/a").contains(Health.DOWN), "a DOWN vote from a vantage that lost its network: " + sent);
        assertFalse(votes("ref/b").contains(Health.DOWN), "a DOWN vote from a vantage that lost its network: " + sent);
        assertTrue(tracker.isolated());
    }

    @Test
    void aTargetThatTimesOutWhileAnotherAnswersStillGetsADownVote() {
        HealthTracker tracker = twoScopes();
        for (int t = -50; t < 2950; t += 1000) {
            probe(tracker, "a", t, t + 10, true);
            probe(tracker, "b", t + 10, t + 20, true);
        }
        // a times out from 2950 on, b keeps answering.
        for (int t = 2950; t < 12_950; t += 2000) {
            probe(tracker, "b", t + 10, t + 20, true);
            probe(tracker, "b", t + 1010, t + 1020, true);
            probe(tracker, "a", t, t + 2000, false);
        }
        assertEquals(List.of(Health.UP, Health.UNKNOWN, Health.DOWN), votes("svc/a"), sent.toString());
        assertFalse(sent.get(sent.size() - 1).isolated());
        assertEquals(List.of(Health.UP), votes("ref/b"));
        assertFalse(tracker.isolated());
    }

    @Test
    void whenTheNetworkComesBackTheScopesItCouldNotReachGetNoDownVote() {
        HealthTracker tracker = twoScopes();
        for (int t = 0; t < 3000; t += 1000) {
            probe(tracker, "a", t, true);
            probe(tracker, "b", t + 500, true);
        }
        for (int t = 3000; t < 6000; t += 1000) {
            probe(tracker, "a", t, false);
            probe(tracker, "b", t + 500, false);
        }
        assertTrue(tracker.isolated());
        // Back at 6.2 s; a probe of a that started before it comes back late and failed.
        probe(tracker, "b", 6500, true);
        probe(tracker, "a", 5900, false);
        for (int t = 7000; t < 10000; t += 1000) {
            probe(tracker, "b", t + 500, true);
            probe(tracker, "a", t, true);
        }
        assertFalse(votes("svc/a").contains(Health.DOWN), sent.toString());
        assertFalse(votes("ref/b").contains(Health.DOWN), sent.toString());
        assertFalse(tracker.isolated());
        assertEquals(Health.UP, votes("svc/a").get(votes("svc/a").size() - 1));
    }

    @Test
    void aScopeWaitsForEvidenceFromASlowerTargetBeforeVotingDown() {
        HealthTracker tracker = twoScopes();
        probe(tracker, "b", 0, true);
        probe(tracker, "b", 100, true);
        probe(tracker, "b", 200, true);
        for (int t = 300; t < 900; t += 200) {
            probe(tracker, "a", t, true);
        }
        for (int t = 1000; t < 1600; t += 200) {
            probe(tracker, "a", t, false);
        }
        assertEquals(
                List.of(Health.UP, Health.UNKNOWN),
                votes("svc/a"),
                "no evidence yet that the network works: abstaining");
        assertTrue(sent.get(sent.size() - 1).isolated());
        probe(tracker, "b", 2000, true);
        assertEquals(
                List.of(Health.UP, Health.UNKNOWN),
                votes("svc/a"),
                "still abstaining: a has not failed since b answered");
        probe(tracker, "a", 2100, false);
        assertEquals(
                List.of(Health.UP, Health.UNKNOWN, Health.DOWN), votes("svc/a"), "another answered, and a still fails");
    }

    @Test
    void aFlappingTargetIsHeldDownWithAVisiblePenaltyInsteadOfFlappingTheVote() {
        HealthTracker tracker =
                tracker(new DetectorSettings.Damping(true, 1000, 2000, 750, Duration.ofSeconds(60)), true);
        tracker.track(List.of(Targets.http("a", "http://127.0.0.1:1/a", "svc/a", "1s", 1)));
        for (int i = 0; i <= 20; i++) {
            probe(tracker, "a", i * 1000L, i % 2 == 0);
        }
        // One outage and its recovery go through; the next change pushes the penalty over the threshold and the
        // target stays DOWN however often it answers afterwards.
        assertEquals(List.of(Health.UP, Health.DOWN, Health.UP, Health.DOWN), votes("svc/a"), sent.toString());
        TargetStatus status = tracker.targets().get(0);
        assertEquals(Health.DOWN, status.state());
        assertTrue(status.damped());
        assertTrue(status.flapPenalty() > 2000, "penalty " + status.flapPenalty());
    }

    @Test
    void aHeldTargetIsReleasedOnceItHasBeenStable() {
        HealthTracker tracker =
                tracker(new DetectorSettings.Damping(true, 1000, 2000, 750, Duration.ofSeconds(2)), true);
        tracker.track(List.of(Targets.http("a", "http://127.0.0.1:1/a", "svc/a", "1s", 1)));
        probe(tracker, "a", 0, true);
        probe(tracker, "a", 100, false);
        probe(tracker, "a", 200, true);
        probe(tracker, "a", 300, false);
        probe(tracker, "a", 400, true);
        assertEquals(Health.DOWN, tracker.targets().get(0).state(), "held");
        int i = 5;
        while (tracker.targets().get(0).state() == Health.DOWN && i < 100) {
            probe(tracker, "a", i++ * 100L, true);
        }
        assertEquals(Health.UP, tracker.targets().get(0).state());
        assertTrue(i * 100L > 4000, "released only after the penalty decayed, at " + i * 100 + " ms");
        assertEquals(List.of(Health.UP, Health.DOWN, Health.UP, Health.DOWN, Health.UP), votes("svc/a"));
    }

    @Test
    void aTargetThatFlapsEveryProbeNeverCrossesItsThresholds() {
        HealthTracker tracker =
                tracker(new DetectorSettings.Damping(true, 1000, 2000, 750, Duration.ofSeconds(60)), true);
        tracker.track(List.of(Targets.http("a", "http://127.0.0.1:1/a", "svc/a", "1s", 3)));
        for (int i = 0; i < 3; i++) {
            probe(tracker, "a", i * 100L, true);
        }
        for (int i = 3; i < 50; i++) {
            probe(tracker, "a", i * 100L, i % 2 == 0);
        }
        assertEquals(List.of(Health.UP), votes("svc/a"));
    }

    @Test
    void untrackingTheLastTargetOfAScopeAbstainsAtOnce() {
        HealthTracker tracker = tracker(DetectorSettings.Damping.OFF, true);
        tracker.track(List.of(Targets.http("a", "http://127.0.0.1:1/a", "svc/a", "1s", 1)));
        probe(tracker, "a", 0, true);
        assertTrue(tracker.untrack("a"));
        assertEquals(List.of(Health.UP, Health.UNKNOWN), votes("svc/a"));
        assertEquals(List.of(), tracker.verdicts());
    }
}
