package io.baran.worker;

import io.baran.workflow.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the activity failures the workflow reads: the type is one of {@link FailureTypes}, and whether
 * Temporal retries follows from the type alone, so no call site can get the two out of step. A retryable
 * failure raised inside an activity also carries the delay before its next attempt: growing with the
 * attempt and jittered, so workers throttled together do not come back together.
 */
public final class Failures {

    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private Failures() {}

    public static ApplicationFailure of(String type, String message) {
        if (FailureTypes.NON_RETRYABLE.contains(type)) {
            return ApplicationFailure.newNonRetryableFailure(message, type);
        }
        ApplicationFailure failure = ApplicationFailure.newFailure(message, type);
        int attempt = currentAttempt();
        if (attempt > 0) {
            failure.setNextRetryDelay(
                    retryDelay(attempt, ThreadLocalRandom.current().nextDouble()));
        }
        return failure;
    }

    /**
     * Half of the backoff for this attempt, plus a random share of the other half ("equal jitter"): never
     * shorter than half the backoff, never longer than it.
     *
     * @param attempt the attempt that failed, from 1
     * @param random  a number in [0, 1)
     */
    static Duration retryDelay(int attempt, double random) {
        long cap = MAX_RETRY.toMillis();
        long backoff = Math.min(cap, FIRST_RETRY.toMillis() << Math.min(20, Math.max(0, attempt - 1)));
        return Duration.ofMillis(backoff / 2 + (long) (random * (backoff - backoff / 2)));
    }

    /** The attempt number of the activity running on this thread, or 0 outside an activity. */
    private static int currentAttempt() {
        try {
            return Activity.getExecutionContext().getInfo().getAttempt();
        } catch (IllegalStateException notInAnActivity) {
            return 0;
        }
    }
}
