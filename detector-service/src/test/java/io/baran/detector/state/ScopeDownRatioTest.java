package io.baran.detector.state;

import static io.baran.detector.state.Health.DOWN;
import static io.baran.detector.state.Health.UNKNOWN;
import static io.baran.detector.state.Health.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeDownRatioTest {

    @Test
    void halfTheTargetsDownIsEnoughAtRatioOneHalf() {
        assertEquals(DOWN, ScopeHealth.verdict(List.of(DOWN, UP), 0.5));
        assertEquals(UP, ScopeHealth.verdict(List.of(DOWN, UP, UP), 0.5));
        assertEquals(DOWN, ScopeHealth.verdict(List.of(DOWN, DOWN, UP, UP), 0.5));
    }

    @Test
    void unknownTargetsThatCouldTipTheBalanceLeaveTheVerdictOpen() {
        assertEquals(UNKNOWN, ScopeHealth.verdict(List.of(DOWN, UP, UNKNOWN, UNKNOWN), 0.75));
        assertEquals(UP, ScopeHealth.verdict(List.of(UP, UP, UNKNOWN, DOWN), 0.75));
    }

    @Test
    void seventyPercentOfTenIsSeven() {
        List<Health> seven = List.of(DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, UP, UP, UP);
        assertEquals(DOWN, ScopeHealth.verdict(seven, 0.7));
        List<Health> six = List.of(DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, UP, UP, UP, UP);
        assertEquals(UP, ScopeHealth.verdict(six, 0.7));
    }

    @Test
    void theScopeFollowsItsRatio() {
        ScopeHealth scope = new ScopeHealth("aws/us-east-1/s3", 0.5);
        scope.update(List.of(UP, UP), Instant.EPOCH);
        assertEquals(
                DOWN,
                scope.update(List.of(DOWN, UP), Instant.EPOCH.plusSeconds(1))
                        .orElseThrow()
                        .to());
    }

    @Test
    void refusesRatiosOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new ScopeHealth("a", 0));
        assertThrows(IllegalArgumentException.class, () -> new ScopeHealth("a", 1.5));
    }
}
