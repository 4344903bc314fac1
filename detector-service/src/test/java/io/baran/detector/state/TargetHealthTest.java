package io.baran.detector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetHealthTest {

    @Test
    void startsUnknownWithNoCounts() {
        TargetHealth health = new TargetHealth(3, 3);
        assertEquals(Health.UNKNOWN, health.state());
        assertEquals(0, health.consecutiveFailures());
        assertEquals(0, health.consecutiveSuccesses());
    }

    @Test
    void becomesUpFromUnknownOnlyAtTheSuccessThreshold() {
        TargetHealth health = new TargetHealth(3, 2);
        assertTrue(health.record(true).isEmpty());
        assertEquals(Health.UNKNOWN, health.state());
        assertEquals(Optional.of(new TargetHealth.Transition(Health.UNKNOWN, Health.UP)), health.record(true));
        assertTrue(health.record(true).isEmpty(), "staying UP is not a change");
        assertEquals(3, health.consecutiveSuccesses());
    }

    @Test
    void becomesDownFromUnknownOnlyAtTheFailureThreshold() {
        TargetHealth health = new TargetHealth(3, 3);
        assertTrue(health.record(false).isEmpty());
        assertTrue(health.record(false).isEmpty());
        assertEquals(Health.UNKNOWN, health.state());
        assertEquals(Optional.of(new TargetHealth.Transition(Health.UNKNOWN, Health.DOWN)), health.record(false));
    }

    @Test
    void failuresShortOfTheThresholdLeaveAnUpTargetUp() {
        TargetHealth health = up(3, 3);
        health.record(false);
        health.record(false);
        health.record(true);
        health.record(false);
        health.record(false);
        assertEquals(Health.UP, health.state());
        assertEquals(2, health.consecutiveFailures());
        assertEquals(Optional.of(new TargetHealth.Transition(Health.UP, Health.DOWN)), health.record(false));
    }

    @Test
    void aSuccessBetweenFailuresRestartsTheCount() {
        TargetHealth health = up(2, 2);
        health.record(false);
        health.record(true);
        assertEquals(0, health.consecutiveFailures());
        assertEquals(1, health.consecutiveSuccesses());
        assertTrue(health.record(false).isEmpty());
        assertEquals(Health.UP, health.state());
    }

    @Test
    void aDownTargetNeedsTheSuccessThresholdInARowToComeBack() {
        TargetHealth health = new TargetHealth(1, 3);
        health.record(false);
        assertEquals(Health.DOWN, health.state());
        health.record(true);
        health.record(true);
        health.record(false);
        health.record(true);
        health.record(true);
        assertEquals(Health.DOWN, health.state());
        assertEquals(Optional.of(new TargetHealth.Transition(Health.DOWN, Health.UP)), health.record(true));
    }

    @Test
    void thresholdsOfOneFollowEveryProbe() {
        TargetHealth health = new TargetHealth(1, 1);
        assertEquals(Health.UP, health.record(true).orElseThrow().to());
        assertEquals(Health.DOWN, health.record(false).orElseThrow().to());
        assertEquals(Health.UP, health.record(true).orElseThrow().to());
    }

    @Test
    void refusesThresholdsBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new TargetHealth(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new TargetHealth(3, 0));
    }

    private static TargetHealth up(int failureThreshold, int successThreshold) {
        TargetHealth health = new TargetHealth(failureThreshold, successThreshold);
        for (int i = 0; i < successThreshold; i++) {
            health.record(true);
        }
        assertEquals(Health.UP, health.state());
        return health;
    }
}
