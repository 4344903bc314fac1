package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import io.baran.worker.provider.store.Precondition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Reverses a failed-over replica once: every change made at the replica since the last copy (written, or deleted
 * in mirror mode) is copied back to the source, unless the source changed too: then the key is a conflict,
 * reported and left as it is on both sides. Each copy back and deletion at the source is conditional on the source
 * still holding what failback listed ({@link Precondition#asListed}), as the source store checks it: a write at the
 * source landing after the listing is never overwritten or deleted, the key becomes a conflict instead. The deletions
 * at the source are judged by the mass-deletion guard of
 * forward passes ({@link PassPlanner#guard}, the pair's {@code max-delete-percent}): when it trips, none is made,
 * the keys are reported as held back with the guard's refusal among the errors. Forward copying resumes
 * afterwards, unless a copy back failed or the guard held deletions back (forward passes would copy those objects
 * to the replica again).
 */
final class Failback {

    private static final Logger LOG = Logger.getLogger(Failback.class);

    private final String pair;
    private final Mode mode;
    private final String filter;
    private final Location sourceAt;
    private final BlobStore source;
    private final Location replicaAt;
    private final BlobStore replica;
    private final Ledger ledger;
    private final Copier copier;
    private final LongConsumer copiedBytesTotal;
    private final int maxDeletePercent;
    private final Clock clock;

    /**
     * @param maxDeletePercent the pair's mass-deletion guard, as for forward passes
     * @param clock            when the failback ends (recorded: forward passes judge late writes at the replica by it)
     */
    Failback(
            String pair,
            Mode mode,
            String filter,
            Location sourceAt,
            BlobStore source,
            Location replicaAt,
            BlobStore replica,
            Ledger ledger,
            Copier copier,
            LongConsumer copiedBytesTotal,
            int maxDeletePercent,
            Clock clock) {
        this.pair = pair;
        this.clock = clock;
        this.mode = mode;
        this.maxDeletePercent = maxDeletePercent;
        this.filter = filter;
        this.sourceAt = sourceAt;
        this.source = source;
        this.replicaAt = replicaAt;
        this.replica = replica;
        this.ledger = ledger;
        this.copier = copier;
        this.copiedBytesTotal = copiedBytesTotal;
    }

    /**
     * A key changed at the replica since the last copy, and what each side holds of it now (null: nothing).
     *
     * @param bothChanged the source changed it too, or it was in conflict already: never copied either way
     */
    record Reversal(String key, Blob source, Blob replica, boolean bothChanged) {}

    /** The keys under the filter that changed at the replica since the ledger's record of their last copy, in key order. */
    static List<Reversal> reversals(
            Map<String, Blob> src,
            Map<String, Blob> dst,
            Map<String, Ledger.Entry> entries,
            Map<String, String> conflicts,
            String filter) {
        Set<String> keys = new TreeSet<>(src.keySet());
        keys.addAll(dst.keySet());
        keys.addAll(entries.keySet());
        List<Reversal> reversals = new ArrayList<>();
        for (String key : keys) {
            if (!key.startsWith(filter)) {
                continue;
            }
            Blob s = src.get(key);
            Blob r = dst.get(key);
            Ledger.Entry recorded = entries.get(key);
            boolean sourceChanged =
                    recorded == null ? s != null : s == null || !s.version().equals(recorded.sourceVersion());
            boolean replicaChanged =
                    recorded == null ? r != null : r == null || !r.version().equals(recorded.replicaVersion());
            if (replicaChanged) { // unchanged at the replica: forward passes take care of the source's changes
                reversals.add(new Reversal(key, s, r, sourceChanged || conflicts.containsKey(key)));
            }
        }
        return reversals;
    }

    /** Lists both sides and copies the replica's changes back; the caller holds the replica's pass lock. */
    FailbackReport reverse() throws InterruptedException {
        Instant started = clock.instant();
        Ledger.Meta meta = ledger.meta();
        Map<String, Blob> src = Listings.list(source, sourceAt, filter);
        Map<String, Blob> dst = Listings.list(replica, replicaAt, filter);
        Map<String, String> conflicts = new ConcurrentHashMap<>(meta.conflicts());
        List<String> copiedBack = Collections.synchronizedList(new ArrayList<>());
        List<String> deletedAtSource = Collections.synchronizedList(new ArrayList<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<Reversal> reversals = reversals(src, dst, ledger.entries(), meta.conflicts(), filter);
        List<String> deletions =
                reversals.stream().filter(this::deletes).map(Reversal::key).toList();
        PassPlan.Guard guard = PassPlanner.guard(deletions.size(), src.size(), maxDeletePercent);
        List<String> heldBack = guard.tripped() ? deletions : List.of();
        if (guard.tripped()) {
            String refusal = refusal(guard);
            LOG.warn(refusal);
            errors.add(refusal);
        }
        List<Future<?>> futures = new ArrayList<>();
        // The pair's pass lock lost meanwhile (another worker replica may hold it now): no further task starts.
        java.util.concurrent.atomic.AtomicReference<PassLock.Lost> lost =
                new java.util.concurrent.atomic.AtomicReference<>();
        for (Reversal v : reversals) {
            if (guard.tripped() && deletes(v)) {
                continue; // held back: the source keeps it, and the replica stays failed over
            }
            String key = v.key();
            Blob s = v.source();
            Blob r = v.replica();
            futures.add(copier.submit(() -> {
                if (lost.get() != null) {
                    return null;
                }
                try {
                    ledger.requireLock(false);
                    if (v.bothChanged()) {
                        if (same(key, s, r)) {
                            ledger.copied(key, new Ledger.Entry(s.version(), s.size(), r.sha256(), r.version()));
                            conflicts.remove(key);
                        } else if (s == null && r == null) {
                            ledger.removed(key);
                            conflicts.remove(key);
                        } else {
                            conflicts.put(
                                    key,
                                    "changed at both sides while failed over: the source holds "
                                            + (s == null ? "nothing (deleted)" : s.describe()) + "; the replica holds "
                                            + (r == null ? "nothing (deleted)" : r.describe()));
                        }
                    } else if (r != null) {
                        Blob stored = copier.copy(
                                replica,
                                r,
                                source,
                                sourceAt.key(key),
                                Precondition.asListed(s),
                                null,
                                key,
                                copiedBytesTotal);
                        ledger.copied(
                                key, new Ledger.Entry(stored.version(), stored.size(), stored.sha256(), r.version()));
                        copiedBack.add(key);
                    } else if (deletes(v)) {
                        source.delete(sourceAt.key(key), Precondition.asListed(s));
                        ledger.removed(key);
                        deletedAtSource.add(key);
                    }
                } catch (BlobStoreException e) {
                    if (e.preconditionFailed()) {
                        refusedAtSource(key, r, conflicts);
                    } else {
                        errors.add(key + ": " + Replicator.message(e));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errors.add(key + ": interrupted");
                } catch (PassLock.Lost e) {
                    lost.compareAndSet(null, e);
                } catch (RuntimeException e) {
                    errors.add(key + ": " + Replicator.message(e));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                errors.add(Replicator.message(e.getCause()));
            }
        }
        if (lost.get() != null) {
            throw lost.get();
        }
        boolean done = errors.isEmpty();
        Instant ended = clock.instant();
        ledger.checkpoint(m -> m.afterFailback(done, new TreeMap<>(conflicts), started, ended));
        FailbackReport report = new FailbackReport(
                pair,
                replicaAt.toString(),
                sorted(copiedBack),
                sorted(deletedAtSource),
                heldBack,
                new TreeMap<>(conflicts),
                errors);
        LOG.infof(
                "pair %s: replica %s reversed on failback: %d copied back, %d deleted at the source, %d deletions held "
                        + "back, %d conflicts, %d errors%s",
                pair,
                replicaAt,
                copiedBack.size(),
                deletedAtSource.size(),
                heldBack.size(),
                conflicts.size(),
                errors.size(),
                errors.isEmpty()
                        ? "; forward copying resumes"
                        : "; still failed over, failback again once the errors are fixed");
        return report;
    }

    /**
     * A copy back or deletion the source refused, as it no longer held what failback listed: a conflict, left as it is
     * on both sides. Unless the source deleted the key too, as the replica did: then both sides agree, and the ledger
     * forgets it.
     */
    private void refusedAtSource(String key, Blob r, Map<String, String> conflicts) {
        String now;
        try {
            Blob current = source.stat(sourceAt.key(key));
            if (current == null && r == null) {
                ledger.removed(key);
                return;
            }
            now = "the source holds " + (current == null ? "nothing (deleted)" : current.describe());
        } catch (RuntimeException e) {
            now = "the source cannot say what it holds (" + Replicator.message(e) + ")";
        }
        LOG.warnf("pair %s: %s changed at the source after failback listed it: a conflict, left as it is", pair, key);
        conflicts.put(
                key,
                "changed at the source after failback listed it: " + now + "; the replica holds "
                        + (r == null ? "nothing (deleted)" : r.describe()));
    }

    /** A reversal that deletes at the source: deleted at the replica only, in mirror mode. */
    private boolean deletes(Reversal v) {
        return mode == Mode.MIRROR && !v.bothChanged() && v.replica() == null && v.source() != null;
    }

    /** Why failback deletes nothing at the source, and what a person can do. */
    private String refusal(PassPlan.Guard guard) {
        return "pair " + pair + ": failback would delete " + guard.deletions() + " of the source's "
                + guard.objects() + " objects (more than " + guard.maxDeletePercent()
                + "%), deleted at the replica " + replicaAt + " while it served as primary; none deleted, and the "
                + "replica stays failed over. Put them back at the replica, or delete them at the source yourself, "
                + "or raise baran.replication.pairs.\"" + pair + "\".max-delete-percent, then fail back again";
    }

    /** Same content on both sides, by listing checksums or else by the SHA-256 in their metadata. */
    private boolean same(String key, Blob s, Blob r) {
        if (s == null || r == null) {
            return false;
        }
        Blob.Match match = s.compare(r);
        if (match != Blob.Match.UNKNOWN) {
            return match == Blob.Match.SAME;
        }
        Blob s2 = source.stat(sourceAt.key(key));
        Blob r2 = replica.stat(replicaAt.key(key));
        return s2 != null && r2 != null && s2.compare(r2) == Blob.Match.SAME;
    }

    private static List<String> sorted(List<String> keys) {
        List<String> copy = new ArrayList<>(keys);
        Collections.sort(copy);
        return copy;
    }
}
