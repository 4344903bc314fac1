package io.baran.worker.provider.gcp;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for a Google long-running change (a DNS change, a Compute or Cloud SQL operation) to be done:
 * polls with a growing pause, heartbeats while it waits, and gives up after the time-out with a retryable
 * failure, because the change is under way and a retried step finds it done or only waits again.
 */
final class Polling {

    private static final Duration FIRST_POLL = Duration.ofMillis(100);

    private Polling() {}

    /**
     * @param status reads the current status; the wait ends when it equals {@code done}
     * @param what   e.g. {@code Cloud DNS change 7 of www.example.com. CNAME}, for messages
     */
    static void await(
            String provider,
            String what,
            String done,
            String first,
            Supplier<String> status,
            Duration timeout,
            Duration maxPoll,
            Heartbeat heartbeat) {
        String current = first;
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_POLL;
        while (!done.equalsIgnoreCase(current)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw Failures.of(
                        FailureTypes.PROVIDER_UNAVAILABLE,
                        "provider " + provider + ": " + what + " is still " + current + " after " + timeout.toSeconds()
                                + " s");
            }
            heartbeat.beat("waiting for " + what + " (" + current + ")");
            sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
            pause = pause.multipliedBy(2).compareTo(maxPoll) > 0 ? maxPoll : pause.multipliedBy(2);
            current = status.get();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Google Cloud operation", e);
        }
    }
}
