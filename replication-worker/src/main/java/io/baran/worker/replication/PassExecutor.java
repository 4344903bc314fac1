package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import io.baran.worker.provider.store.Precondition;
import io.baran.worker.replication.PassPlan.Conflict;
import io.baran.worker.replication.PassPlan.Kind;
import io.baran.worker.replication.PassPlan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Carries out a {@link PassPlan} against one replica: records in the ledger what the plan found in step or gone,
 * then copies and deletes on the {@link Copier}'s threads, at most its concurrency at once. A step that fails is
 * left pending (the next pass plans it again); a source object written again meanwhile is left to the next pass
 * without an error. Once the replica fails over, no further step starts, and a step under way makes nothing visible
 * at the replica any more ({@link FencedReplica}): it is left as backlog.
 */
final class PassExecutor {

    private static final Logger LOG = Logger.getLogger(PassExecutor.class);
    private static final int MAX_ERRORS = 10;
    /** Where the conflicts a step finds are left to the next pass to find again (a copy on notification). */
    static final BiConsumer<Step, String> NO_CONFLICTS = (step, conflict) -> {};

    private final String pair;
    private final Location sourceAt;
    private final BlobStore source;
    private final Location replicaAt;
    private final BlobStore replica;
    private final Ledger ledger;
    private final Copier copier;
    private final LongConsumer copiedBytesTotal;

    /** @param copiedBytesTotal told every number of bytes copied, across passes */
    PassExecutor(
            String pair,
            Location sourceAt,
            BlobStore source,
            Location replicaAt,
            BlobStore replica,
            Ledger ledger,
            Copier copier,
            LongConsumer copiedBytesTotal) {
        this.pair = pair;
        this.sourceAt = sourceAt;
        this.source = source;
        this.replicaAt = replicaAt;
        this.replica = replica;
        this.ledger = ledger;
        this.copier = copier;
        this.copiedBytesTotal = copiedBytesTotal;
    }

    /** Carries out the plan, counting what it does in {@code progress}; returns when every step has ended. */
    PassOutcome execute(PassPlan plan, PassProgress progress) throws InterruptedException {
        ledger.requireLock(true); // once fresh per pass; then every step with an answer up to a second old
        plan.inStep().forEach(ledger::copied);
        plan.forgotten().forEach(ledger::removed);
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger errorCount = new AtomicInteger();
        if (plan.guard().tripped()) {
            error(errors, errorCount, plan.guardRefusal());
        }
        Map<String, Conflict> conflicts = new ConcurrentHashMap<>(plan.conflicts());
        BiConsumer<Step, String> conflictFound =
                (w, what) -> conflicts.put(w.key(), new Conflict(what, plan.changedAt(w.source())));
        AtomicLong copiedObjects = new AtomicLong();
        AtomicLong copiedBytes = new AtomicLong();
        AtomicLong deleted = new AtomicLong();
        AtomicLong copiedBack = new AtomicLong();
        List<Step> steps = plan.steps();
        Set<Step> pending = ConcurrentHashMap.newKeySet();
        pending.addAll(steps);
        pending.addAll(plan.withheld());
        List<Future<?>> futures = new ArrayList<>(steps.size());
        // The pair's pass lock lost mid-pass (another worker replica may hold it now): no further step starts.
        java.util.concurrent.atomic.AtomicReference<PassLock.Lost> lost =
                new java.util.concurrent.atomic.AtomicReference<>();
        for (Step w : steps) {
            futures.add(copier.submit(() -> {
                if (ledger.meta().failedOver() || lost.get() != null) {
                    return null; // failed over meanwhile: the replica is now written by others; left as backlog
                }
                try {
                    ledger.requireLock(false);
                    if (run(w, progress, copiedBytes, conflictFound)) {
                        (switch (w.kind()) {
                                    case DELETE -> deleted;
                                    case COPY_BACK -> copiedBack;
                                    default -> copiedObjects;
                                })
                                .incrementAndGet();
                    }
                    pending.remove(w); // done, or now counted among the conflicts
                    progress.doneObjects.incrementAndGet();
                } catch (FencedReplica.FailedOver e) {
                    // failed over while copying: abandoned before it became visible; left as backlog
                } catch (PassLock.Lost e) {
                    lost.compareAndSet(null, e);
                } catch (BlobStoreException e) {
                    if (!e.changed()) {
                        error(errors, errorCount, e.getMessage());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    error(errors, errorCount, "pair " + pair + ": interrupted while copying " + w.key());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "pair %s, replica %s: %s failed", pair, replicaAt, w.key());
                    error(errors, errorCount, w.key() + ": " + Replicator.message(e));
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a replication task failed unexpectedly", e.getCause());
        }
        if (lost.get() != null) {
            throw lost.get();
        }
        return new PassOutcome(
                copiedObjects.get(),
                copiedBytes.get(),
                deleted.get(),
                copiedBack.get(),
                pending,
                conflicts,
                new ArrayList<>(errors),
                errorCount.get());
    }

    /**
     * Carries out one step.
     *
     * @param conflictFound told when comparing the contents shows the replica's object changed and differs, or when a
     *                      store refuses a write or deletion because its key was written after the pass listed it
     * @return true when it changed the replica
     */
    boolean run(Step w, PassProgress p, AtomicLong copiedBytes, BiConsumer<Step, String> conflictFound)
            throws InterruptedException {
        switch (w.kind()) {
            case DELETE -> {
                try {
                    replica.delete(replicaAt.key(w.key()), Precondition.asListed(w.replica()));
                } catch (BlobStoreException e) {
                    if (!e.preconditionFailed()) {
                        throw e;
                    }
                    if (replica.stat(replicaAt.key(w.key())) == null) {
                        ledger.removed(w.key()); // deleted there meanwhile: both sides agree
                        return false;
                    }
                    conflictFound.accept(w, writtenMeanwhile(w, "deleted it"));
                    return false;
                }
                ledger.removed(w.key());
                return true;
            }
            case COPY_BACK -> {
                return copyBack(w, p, copiedBytes, conflictFound);
            }
            case VERIFY, VERIFY_OR_CONFLICT -> {
                Blob s = source.stat(sourceAt.key(w.key()));
                Blob r = replica.stat(replicaAt.key(w.key()));
                if (s == null) {
                    return false; // deleted since the listing: the next pass sees it
                }
                if (r != null && s.compare(r) == Blob.Match.SAME) {
                    ledger.copied(w.key(), new Ledger.Entry(w.source().version(), s.size(), s.sha256(), r.version()));
                    return false;
                }
                if (w.kind() == Kind.VERIFY_OR_CONFLICT && r != null) {
                    conflictFound.accept(w, PassPlanner.conflict(s, r));
                    return false;
                }
                return copy(w, p, copiedBytes, conflictFound);
            }
            default -> {
                return copy(w, p, copiedBytes, conflictFound);
            }
        }
    }

    /**
     * Copies the source's object over what the replica held when the pass listed it, and only over that: a write at the
     * replica since (a client that still resolves its address after a failback) makes the key a conflict, never
     * overwritten.
     *
     * @return false when it found a conflict instead
     */
    private boolean copy(Step w, PassProgress p, AtomicLong copiedBytes, BiConsumer<Step, String> conflictFound)
            throws InterruptedException {
        Blob stored;
        try {
            stored = copier.copy(
                    source,
                    w.source(),
                    replica,
                    replicaAt.key(w.key()),
                    Precondition.asListed(w.replica()),
                    ledger,
                    w.key(),
                    counted(p, copiedBytes));
        } catch (BlobStoreException e) {
            if (!e.preconditionFailed()) {
                throw e;
            }
            if (replica.stat(replicaAt.key(w.key())) == null) {
                // Deleted at the replica meanwhile: not a write to keep. Left pending; the next pass copies it again.
                throw BlobStoreException.changed(
                        replica.describe(), w.key(), "deleted at the replica while the pass copied it");
            }
            conflictFound.accept(w, writtenMeanwhile(w, "copied over it"));
            return false;
        }
        ledger.copied(
                w.key(), new Ledger.Entry(w.source().version(), w.source().size(), stored.sha256(), stored.version()));
        return true;
    }

    /**
     * Copies a late write at the replica to the source, and records the two as in step. The replica's object is read as
     * listed (written again since, the copy fails as {@link BlobStoreException#changed()} and the next pass sees it),
     * and written only if the source still holds what the pass listed (nothing, or the version Baran copied): a write at
     * the source meanwhile makes the key a conflict, neither side overwritten.
     *
     * @return false when it found a conflict instead
     */
    private boolean copyBack(Step w, PassProgress p, AtomicLong copiedBytes, BiConsumer<Step, String> conflictFound)
            throws InterruptedException {
        Blob stored;
        try {
            stored = copier.copy(
                    replica,
                    w.replica(),
                    source,
                    sourceAt.key(w.key()),
                    Precondition.asListed(w.source()),
                    null,
                    w.key(),
                    counted(p, copiedBytes));
        } catch (BlobStoreException e) {
            if (!e.preconditionFailed()) {
                throw e;
            }
            Blob now = source.stat(sourceAt.key(w.key()));
            conflictFound.accept(
                    w,
                    "written at the replica after failback (" + w.replica().describe()
                            + ") and at the source meanwhile (" + (now == null ? "deleted" : now.describe()) + ")");
            return false;
        }
        ledger.copied(
                w.key(),
                new Ledger.Entry(
                        stored.version(),
                        stored.size(),
                        stored.sha256(),
                        w.replica().version()));
        LOG.infof(
                "pair %s: %s, written at the replica %s after its failback, copied back to the source %s",
                pair, w.key(), replicaAt, sourceAt);
        return true;
    }

    /** Counts the bytes a copy sends: in the pass's progress, the pass's total and the worker's. */
    private LongConsumer counted(PassProgress p, AtomicLong copiedBytes) {
        return bytes -> {
            p.doneBytes.addAndGet(bytes);
            copiedBytes.addAndGet(bytes);
            copiedBytesTotal.accept(bytes);
        };
    }

    /** A conflict found by the replica's refusal: written there after the pass listed it. */
    private String writtenMeanwhile(Step w, String what) {
        String holds;
        try {
            Blob now = replica.stat(replicaAt.key(w.key()));
            holds = now == null ? "nothing (deleted)" : now.describe();
        } catch (RuntimeException e) {
            holds = "what it cannot say (" + Replicator.message(e) + ")";
        }
        return "written at the replica after the pass listed it, before the pass " + what + ": the replica holds "
                + holds
                + (w.source() == null ? "" : "; the source holds " + w.source().describe());
    }

    private static void error(Queue<String> errors, AtomicInteger count, String message) {
        if (count.incrementAndGet() <= MAX_ERRORS) {
            errors.add(message);
        }
    }
}
