package io.baran.worker.budget;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets in this process: right for one worker replica (and for tests). Several replicas each holding
 * their own would together spend several times the account's quota; they share {@link PostgresBuckets}.
 */
public final class LocalBuckets implements BucketStore {

    private final LongSupplier nanoClock;
    private final Map<String, double[]> buckets = new HashMap<>();

    public LocalBuckets() {
        this(System::nanoTime);
    }

    LocalBuckets(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized Duration tryTake(String bucket, Limit limit) {
        long now = nanoClock.getAsLong();
        // [tokens, last refill in nanos]
        double[] state = buckets.computeIfAbsent(bucket, b -> new double[] {limit.burst(), now});
        double tokens = Math.min(limit.burst(), state[0] + limit.rate() * Math.max(0, now - (long) state[1]) / 1e9);
        state[1] = now;
        if (tokens >= 1) {
            state[0] = tokens - 1;
            return Duration.ZERO;
        }
        state[0] = tokens;
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / limit.rate() * 1e9));
    }

    @Override
    public String describe() {
        return "in this process (one worker replica)";
    }
}
