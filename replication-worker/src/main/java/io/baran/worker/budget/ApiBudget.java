package io.baran.worker.budget;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The API budget of every provider account: one token per call, taken before the call is sent. A step that finds
 * the bucket empty waits (heartbeating) until a token is due, in arrival order, for as long as its deadline
 * allows, and past it fails ProviderThrottled (retryable) without having called the provider.
 *
 * <p>Only one thread per bucket and process asks the {@link BucketStore} at a time (a fair lock): the others
 * queue here, so a shared store is asked about once per token, however many steps wait.
 */
public final class ApiBudget implements AutoCloseable {

    private static final Duration BEAT = Duration.ofSeconds(1);

    private final BucketStore store;
    private final ConcurrentHashMap<String, ReentrantLock> queues = new ConcurrentHashMap<>();

    public ApiBudget(BucketStore store) {
        this.store = store;
    }

    /** A budget in this process only: one worker replica, tests. */
    public static ApiBudget local() {
        return new ApiBudget(new LocalBuckets());
    }

    public String describe() {
        return store.describe();
    }

    /**
     * Waits for a token of the bucket and takes it.
     *
     * @param deadline  {@link System#nanoTime()} past which the call is not worth waiting for
     * @param what      the call, for the heartbeat and the failure, e.g. {@code ChangeResourceRecordSets on zone example.com.}
     */
    public void take(String bucket, Limit limit, long deadline, Heartbeat heartbeat, String what) {
        ReentrantLock queue = queues.computeIfAbsent(bucket, b -> new ReentrantLock(true));
        try {
            while (!queue.tryLock(BEAT.toMillis(), TimeUnit.MILLISECONDS)) {
                checkDeadline(deadline, bucket, limit, what);
                heartbeat.beat("waiting for the API budget of " + bucket + " (" + limit.describe() + ") for " + what);
            }
            try {
                while (true) {
                    Duration wait = store.tryTake(bucket, limit);
                    if (wait.isZero()) {
                        return;
                    }
                    checkDeadline(deadline - wait.toNanos(), bucket, limit, what);
                    long pause = Math.min(wait.toNanos(), BEAT.toNanos());
                    TimeUnit.NANOSECONDS.sleep(Math.max(1_000_000, pause));
                    if (pause < wait.toNanos()) {
                        heartbeat.beat(
                                "waiting for the API budget of " + bucket + " (" + limit.describe() + ") for " + what);
                    }
                }
            } finally {
                queue.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the API budget of " + bucket, e);
        }
    }

    private static void checkDeadline(long deadline, String bucket, Limit limit, String what) {
        if (System.nanoTime() > deadline) {
            throw Failures.of(
                    FailureTypes.PROVIDER_THROTTLED,
                    what + ": the API budget of " + bucket + " (" + limit.describe()
                            + ") has no token left before the step's deadline; not sent, the step will be tried again");
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
