package io.baran.worker.provider.aws;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The last whole listing of one zone this worker made, for the reads that may be a little old: a plan's. A record set
 * this worker has changed since the listing began (or is changing) is never answered from it, so the listing is old
 * only in what someone else may have changed meanwhile, and a plan's observation is only the state its change
 * expects: the change's batch reads the zone afresh and refuses (PlanUnsafe) a record that is no longer as planned.
 *
 * <p>During a mass failover the batches of the zone list it every second or so; the thousand plans arriving meanwhile
 * are answered from those listings instead of each few dozen paying a listing of their own (four calls of a 1,000-record
 * zone, out of Route 53's five a second for the account).
 */
final class RecentListing {

    /** A change in flight: every listing may or may not show it. */
    private static final long IN_FLIGHT = Long.MAX_VALUE;

    private final LongSupplier clock;
    private Route53Dns.RecordSets sets;
    private long startedAt;
    /** By record set key: when Route 53 accepted this worker's last change of it, or {@link #IN_FLIGHT}. */
    private final Map<String, Long> changed = new HashMap<>();

    /** @param clock nanoseconds, as {@link System#nanoTime()} */
    RecentListing(LongSupplier clock) {
        this.clock = clock;
    }

    /** The time to give {@link #listed} for a listing about to begin. */
    long now() {
        return clock.getAsLong();
    }

    /** A whole listing of the zone, begun at {@code startedAt}: kept unless a listing begun later is kept already. */
    synchronized void listed(Route53Dns.RecordSets listing, long startedAt) {
        if (sets != null && startedAt - this.startedAt <= 0) {
            return;
        }
        sets = listing;
        this.startedAt = startedAt;
        // A change accepted before this listing began shows in it, and in every listing kept after it.
        changed.values().removeIf(at -> at != IN_FLIGHT && at - startedAt < 0);
    }

    /** This worker is about to change these record sets. */
    synchronized void changing(Collection<String> keys) {
        keys.forEach(k -> changed.put(k, IN_FLIGHT));
    }

    /**
     * Route 53 accepted this worker's change of these record sets (every listing begun later shows it: its listings are
     * strongly consistent with the changes it accepted), or refused it, or its fate is unknown.
     */
    synchronized void changed(Collection<String> keys) {
        long at = clock.getAsLong();
        keys.forEach(k -> changed.put(k, at));
    }

    /**
     * The record sets of {@code key} as the last listing found them, when it began at most {@code maxAge} ago and this
     * worker has not changed them since it began; empty otherwise.
     */
    synchronized Optional<List<ResourceRecordSet>> read(String key, Duration maxAge) {
        if (sets == null || clock.getAsLong() - startedAt > maxAge.toNanos()) {
            return Optional.empty();
        }
        Long at = changed.get(key);
        if (at != null && (at == IN_FLIGHT || at - startedAt >= 0)) {
            return Optional.empty();
        }
        return Optional.of(sets.byKey(key));
    }
}
