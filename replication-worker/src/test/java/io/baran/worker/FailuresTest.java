package io.baran.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void theRetryDelayGrowsWithTheAttemptAndIsJitteredWithinItsBackoff() {
        assertEquals(Duration.ofMillis(250), Failures.retryDelay(1, 0.0));
        assertEquals(Duration.ofMillis(499), Failures.retryDelay(1, 0.999));
        assertEquals(Duration.ofMillis(1000), Failures.retryDelay(3, 0.0), "half of 2 s");
        assertEquals(Duration.ofSeconds(15), Failures.retryDelay(30, 0.0), "capped at 30 s, half of it at least");
        assertTrue(Failures.retryDelay(1000, 0.999).compareTo(Duration.ofSeconds(30)) <= 0);
    }

    @Test
    void retryingFollowsFromTheTypeAlone() {
        ApplicationFailure throttled = Failures.of(FailureTypes.PROVIDER_THROTTLED, "slow down");
        ApplicationFailure rejected = Failures.of(FailureTypes.PROVIDER_REJECTED, "no");

        assertFalse(throttled.isNonRetryable());
        assertNull(throttled.getNextRetryDelay(), "outside an activity there is no attempt to grow from");
        assertTrue(rejected.isNonRetryable());
    }
}
