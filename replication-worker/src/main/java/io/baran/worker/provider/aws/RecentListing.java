package io.baran.worker.provider.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
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
 *
 * <p>It also keeps what this worker's own accepted changes made of each record set since the listing began, so a change
 * batch whose every change is conditional at Route 53 (a DELETE of the exact set, a CREATE) may be prepared from the
 * listing and those changes instead of a read of its own ({@link #view}): Route 53 refuses such a batch as a whole
 * when a record set is no longer as the listing says, and the batcher then reads afresh.
 */
final class RecentListing {

    /** A change in flight: every listing may or may not show it. */
    private static final long IN_FLIGHT = Long.MAX_VALUE;

    private final LongSupplier clock;
    private Route53Dns.RecordSets sets;
    private long startedAt;
    /** By record set key: when Route 53 accepted this worker's last change of it, or {@link #IN_FLIGHT}. */
    private final Map<String, Long> changed = new HashMap<>();
    /**
     * By record set key: what this worker's last change accepted since the listing began made of it (an empty list: no
     * set); null where its fate is unknown (refused, or no answer).
     */
    private final Map<String, List<ResourceRecordSet>> made = new HashMap<>();

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
        made.keySet().removeIf(key -> !changed.containsKey(key));
    }

    /** This worker is about to change these record sets. */
    synchronized void changing(Collection<String> keys) {
        keys.forEach(k -> changed.put(k, IN_FLIGHT));
    }

    /**
     * Route 53 accepted these changes of this worker, as one batch (every listing begun later shows them: its listings are
     * strongly consistent with the changes it accepted): what they made of each record set is known (applied to what was
     * known of it; unknown where that was not known and a change names one set of several).
     */
    synchronized void accepted(List<Change> changes) {
        long at = clock.getAsLong();
        Map<String, List<ResourceRecordSet>> after = new HashMap<>();
        for (Change change : changes) {
            ResourceRecordSet set = change.resourceRecordSet();
            String key = Route53Dns.RecordSets.key(set.name(), set.typeAsString());
            List<ResourceRecordSet> base = after.containsKey(key) ? after.get(key) : known(key);
            if (base == null && set.setIdentifier() != null) {
                after.put(key, null);
                continue;
            }
            List<ResourceRecordSet> sets = new ArrayList<>(base == null ? List.of() : base);
            sets.removeIf(s -> Objects.equals(s.setIdentifier(), set.setIdentifier()));
            if (change.action() != ChangeAction.DELETE) {
                sets.add(set);
            }
            after.put(key, sets);
        }
        after.forEach((key, sets) -> {
            changed.put(key, at);
            made.put(key, sets == null ? null : List.copyOf(sets));
        });
    }

    /** This worker's change of these record sets was refused, or its fate is unknown: what they hold is not known. */
    synchronized void unknown(Collection<String> keys) {
        long at = clock.getAsLong();
        keys.forEach(k -> {
            changed.put(k, at);
            made.put(k, null);
        });
    }

    /**
     * The record sets of each key as the last listing found them, or as this worker's changes accepted since it began
     * made them, when it began at most {@code maxAge} ago and each is known; empty otherwise. Old only in what someone
     * else changed since: for a change batch whose changes are all conditional at Route 53.
     */
    synchronized Optional<Route53Dns.RecordSets> view(List<String> keys, Duration maxAge) {
        if (sets == null || clock.getAsLong() - startedAt > maxAge.toNanos()) {
            return Optional.empty();
        }
        Route53Dns.RecordSets view = new Route53Dns.RecordSets(true);
        for (String key : keys) {
            List<ResourceRecordSet> found = known(key);
            if (found == null) {
                return Optional.empty();
            }
            found.forEach(view::add);
        }
        return Optional.of(view);
    }

    /** The sets of the key as known from the listing and this worker's accepted changes; null when not known. */
    private List<ResourceRecordSet> known(String key) {
        if (sets == null) {
            return null;
        }
        Long at = changed.get(key);
        if (at == null) {
            return sets.byKey(key);
        }
        if (at == IN_FLIGHT) {
            return null;
        }
        return made.containsKey(key) ? made.get(key) : at - startedAt < 0 ? sets.byKey(key) : null;
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
