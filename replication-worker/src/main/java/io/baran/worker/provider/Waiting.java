package io.baran.worker.provider;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for a provider to finish what it does in the background (a promotion, a global failover, a switchover),
 * heartbeating, polling less often as it goes; past the timeout the step fails retryably, since a retried apply finds
 * the operation under way or done and only waits.
 */
public final class Waiting {

    private static final Duration FIRST_POLL = Duration.ofMillis(500);
    private static final Duration MAX_POLL = Duration.ofSeconds(15);

    private Waiting() {}

    /**
     * @param pending polls once: null when done, otherwise what is still under way (for the heartbeat and the error)
     * @param failure the start of the error past the timeout, e.g. {@code provider aws-dr (RDS): DB instance orders}
     */
    public static void until(Supplier<String> pending, Duration timeout, Heartbeat heartbeat, String failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_POLL;
        while (true) {
            String state = pending.get();
            if (state == null) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw Failures.of(
                        FailureTypes.PROVIDER_UNAVAILABLE,
                        failure + " is still " + state + " after " + timeout.toSeconds() + " s");
            }
            heartbeat.beat(failure + ": " + state);
            try {
                Thread.sleep(Math.max(1, Math.min(pause.toMillis(), left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting: " + failure, e);
            }
            pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
        }
    }
}
