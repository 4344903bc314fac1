package io.baran.detector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.config.DetectorSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlapDampingTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final DetectorSettings.Damping SETTINGS =
            new DetectorSettings.Damping(true, 1000, 2000, 750, Duration.ofSeconds(60));

    @Test
    void oneOutageAndItsRecoveryAreNotDamped() {
        FlapDamping damping = new FlapDamping(SETTINGS);
        damping.flapped(T0);
        damping.flapped(T0.plusSeconds(1));
        assertFalse(damping.suppressed(T0.plusSeconds(1)));
        assertEquals(1989, Math.round(damping.penalty(T0.plusSeconds(1))));
    }

    @Test
    void aThirdChangeInQuickSuccessionHoldsTheTargetDown() {
        FlapDamping damping = new FlapDamping(SETTINGS);
        damping.flapped(T0);
        damping.flapped(T0.plusSeconds(1));
        damping.flapped(T0.plusSeconds(2));
        assertTrue(damping.suppressed(T0.plusSeconds(2)));
    }

    @Test
    void thePenaltyHalvesEveryHalfLifeAndTheTargetIsReleasedBelowTheReuseThreshold() {
        FlapDamping damping = new FlapDamping(SETTINGS);
        damping.flapped(T0);
        damping.flapped(T0);
        damping.flapped(T0);
        assertEquals(3000, Math.round(damping.penalty(T0)));
        assertEquals(1500, Math.round(damping.penalty(T0.plusSeconds(60))));
        assertTrue(
                damping.suppressed(T0.plusSeconds(60)), "held until below the reuse threshold, not the suppress one");
        assertTrue(damping.suppressed(T0.plusSeconds(119)));
        assertFalse(damping.suppressed(T0.plusSeconds(121)), "750 after two half-lives: released");
    }

    @Test
    void thePenaltyIsCappedSoThatALongFlapIsNotHeldForever() {
        FlapDamping damping = new FlapDamping(SETTINGS);
        for (int i = 0; i < 100; i++) {
            damping.flapped(T0);
        }
        assertEquals(4000, Math.round(damping.penalty(T0)));
        assertFalse(damping.suppressed(T0.plusSeconds(150)), "released after log2(4000/750) half-lives");
    }

    @Test
    void turnedOffItNeverHoldsAnything() {
        FlapDamping damping = new FlapDamping(DetectorSettings.Damping.OFF);
        for (int i = 0; i < 10; i++) {
            damping.flapped(T0);
        }
        assertFalse(damping.suppressed(T0));
        assertEquals(0, damping.penalty(T0));
    }
}
