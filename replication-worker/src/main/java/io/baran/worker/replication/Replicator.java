package io.baran.worker.replication;

import io.baran.events.ReplicationStatus;
import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Keeps one replica in step with its source by list-and-compare passes, and measures how far behind it is.
 *
 * <p>A pass lists both sides, plans ({@link PassPlanner}: what to copy, delete, leave alone as a conflict, and
 * whether the mass-deletion guard lets the deletions go), carries the plan out ({@link PassExecutor}), then
 * measures the result ({@link PassOutcome}). A pass that cannot list a side changes nothing: an unreachable
 * source is never read as an empty one. Failback, the reverse copy after a failover, is {@link Failback}'s.
 *
 * <p>The lag (the RPO) is measured from {@code consistentAt}: the moment up to which the replica is known to
 * hold every change of the source. A pass that ends with nothing left to do moves it to when the pass began
 * listing the source; one that leaves a backlog, to the oldest change still missing (or the listing, if
 * earlier). While the source cannot be listed it stays put, so the lag grows.
 *
 * <p>Failover, failback and conflict resolution are reached through {@link ReplicationService}, which takes the pair's
 * pass lock and reads the shared ledger first when worker replicas share the pair.
 */
public final class Replicator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Replicator.class);
    private static final int MAX_CONFLICTS_SHOWN = 20;
    /** The late-write window of a pair that sets none ({@code baran.replication.pairs."<p>".late-write-window}). */
    public static final Duration DEFAULT_LATE_WRITE_WINDOW = Duration.ofHours(1);

    private final String pair;
    private final Mode mode;
    private final String filter;
    private final Location sourceAt;
    private final Location replicaAt;
    private final BlobStore source;
    private final BlobStore replica;
    private final Ledger ledger;
    private final Copier copier;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();
    private final PassPlanner planner;
    private final PassExecutor executor;
    private final FencedReplica fenced;
    private final Failback failback;
    private final ConflictResolver resolver;

    private volatile PassReport last;
    private volatile PassProgress progress;
    private final AtomicLong totalCopiedBytes = new AtomicLong();
    private final AtomicLong totalCopiedObjects = new AtomicLong();
    private final AtomicLong totalErrors = new AtomicLong();

    /** Held while the failover flag is set and while a failback begins or ends: the two never cross. */
    private final Object flagChange = new Object();
    /** A failback of this replica runs; guarded by {@link #flagChange}. */
    private boolean failingBack;
    /**
     * The ledger this process holds may be behind the shared one: another worker replica may have run passes since it was
     * read (set as this process takes the pair's pass lock for a pass, cleared once read again); guarded by
     * {@link #flagChange}.
     */
    private boolean stale;

    public Replicator(
            String pair,
            Mode mode,
            String filter,
            Location sourceAt,
            BlobStore source,
            Location replicaAt,
            BlobStore replica,
            Ledger ledger,
            Copier copier,
            Clock clock) {
        this(pair, mode, filter, sourceAt, source, replicaAt, replica, ledger, copier, clock, 50);
    }

    /**
     * @param filter            only keys (relative to the locations) starting with it are replicated; empty for all
     * @param maxDeletePercent  a mirror pass that would delete more than this share of a replica's objects (of at
     *                          least {@value PassPlanner#GUARDED_SIZE}) deletes none and says so: a source emptied by mistake
     *                          or by an attacker must not empty its disaster-recovery copy; 100 turns the guard off.
     *                          Failback's deletions at the source pass the same guard
     */
    public Replicator(
            String pair,
            Mode mode,
            String filter,
            Location sourceAt,
            BlobStore source,
            Location replicaAt,
            BlobStore replica,
            Ledger ledger,
            Copier copier,
            Clock clock,
            int maxDeletePercent) {
        this(
                pair,
                mode,
                filter,
                sourceAt,
                source,
                replicaAt,
                replica,
                ledger,
                copier,
                clock,
                maxDeletePercent,
                DEFAULT_LATE_WRITE_WINDOW);
    }

    /**
     * @param lateWriteWindow how long after a failback a write reaching the replica (a client that still has the
     *                        replica's address) is copied back to the source by forward passes, instead of being
     *                        deleted (mirror mode) or left at the replica only; zero: only failback copies back
     */
    public Replicator(
            String pair,
            Mode mode,
            String filter,
            Location sourceAt,
            BlobStore source,
            Location replicaAt,
            BlobStore replica,
            Ledger ledger,
            Copier copier,
            Clock clock,
            int maxDeletePercent,
            Duration lateWriteWindow) {
        this.pair = pair;
        this.mode = mode;
        this.filter = filter == null ? "" : filter;
        this.sourceAt = sourceAt;
        this.replicaAt = replicaAt;
        this.source = source;
        this.replica = replica;
        this.ledger = ledger;
        this.copier = copier;
        this.clock = clock;
        this.planner = new PassPlanner(pair, mode, maxDeletePercent, lateWriteWindow);
        // Forward copying writes the replica only through the fence, so that failover can stop it at once. Asked before
        // each write becomes visible: a replica that lost the pair's pass lock makes none (PassLock.Lost); so are the
        // source's writes of failback and conflict resolution.
        Runnable lockHeld = () -> ledger.requireLock(false);
        this.fenced = new FencedReplica(replica, () -> ledger.meta().failedOver(), lockHeld);
        BlobStore sourceWrites = FencedReplica.checkedBy(source, lockHeld);
        this.executor = new PassExecutor(
                pair, sourceAt, source, replicaAt, fenced, ledger, copier, totalCopiedBytes::addAndGet);
        this.failback = new Failback(
                pair,
                mode,
                this.filter,
                sourceAt,
                sourceWrites,
                replicaAt,
                replica,
                ledger,
                copier,
                totalCopiedBytes::addAndGet,
                maxDeletePercent,
                clock);
        this.resolver = new ConflictResolver(
                pair, sourceAt, sourceWrites, replicaAt, fenced, ledger, copier, totalCopiedBytes::addAndGet);
    }

    public String pair() {
        return pair;
    }

    public Location sourceAt() {
        return sourceAt;
    }

    public Location replicaAt() {
        return replicaAt;
    }

    public Mode mode() {
        return mode;
    }

    /** Runs one pass now, after the one under way if any. */
    public PassReport pass() throws InterruptedException {
        running.lockInterruptibly();
        try {
            PassReport report = runPass();
            last = report;
            if (!report.successful()) {
                totalErrors.addAndGet(report.errorCount());
            }
            LOG.debugf("pair %s, replica %s: %s", pair, replicaAt, report.describe());
            return report;
        } finally {
            progress = null;
            running.unlock();
        }
    }

    /**
     * Reads the ledger again, after any pass under way here: the replica that has just taken the pair's pass lock
     * picks up what another replica sharing the ledger directory did meanwhile.
     */
    public void reloadLedger() throws InterruptedException {
        running.lockInterruptibly();
        try {
            synchronized (flagChange) {
                ledger.reload();
                stale = false;
            }
        } finally {
            running.unlock();
        }
    }

    /** Writes this replica's ledger from now on only while {@code held} is held ({@link Ledger#writtenUnder}). */
    void writtenUnder(PassLock.Held held) {
        ledger.writtenUnder(held);
    }

    /**
     * The ledger may be behind the shared one until it is read again ({@link #reloadLedger}, or a failover first): this
     * process has just taken the pair's pass lock, and another replica may have run passes since.
     */
    void markStale() {
        synchronized (flagChange) {
            stale = true;
        }
    }

    public boolean passUnderWay() {
        return running.isLocked();
    }

    private PassReport runPass() throws InterruptedException {
        Instant started = clock.instant();
        Ledger.Meta meta = ledger.meta();
        if (meta.failedOver()) {
            return new PassReport(
                    started,
                    clock.instant(),
                    false,
                    "the replica serves as primary (failed over); failback reverses it",
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    null,
                    meta.conflicts(),
                    List.of(),
                    0);
        }
        Listings.Both listed;
        try {
            listed = Listings.both(source, sourceAt, replica, replicaAt, filter);
        } catch (RuntimeException e) {
            LOG.warnf("pair %s, replica %s: pass not run: %s", pair, replicaAt, e.getMessage());
            Instant attempt = meta.lastAttempt();
            boolean known = attempt != null
                    && (meta.lastListing() == null || meta.lastListing().isBefore(attempt));
            try {
                // Told to the worker replicas that do not run the passes (their status reads the shared snapshot),
                // once:
                // a snapshot written every round of a source's outage would say nothing more.
                if (!known) {
                    ledger.checkpoint(m -> m.afterUnlistedPass(started));
                }
            } catch (RuntimeException unrecorded) {
                LOG.warnf("pair %s, replica %s: %s", pair, replicaAt, unrecorded.getMessage());
            }
            PassReport before = last;
            return new PassReport(
                    started,
                    clock.instant(),
                    false,
                    null,
                    0,
                    0,
                    0,
                    0,
                    before == null ? 0 : before.backlogObjects(),
                    before == null ? 0 : before.backlogBytes(),
                    before == null ? null : before.oldestPending(),
                    meta.conflicts(),
                    List.of(message(e)),
                    1);
        }

        PassPlan plan = planner.plan(listed.source(), listed.replica(), ledger.entries(), meta, started);
        if (plan.guard().tripped()) {
            // Kept as backlog, so the lag holds and storage.check-replica fails until a person decides.
            LOG.warn(plan.guardRefusal());
        }
        LOG.debugf("replica %s: %s", replicaAt, plan);
        PassProgress p = new PassProgress(plan.steps().size(), plan.bytes());
        progress = p;
        // Dated by the ledger's dates: another worker replica's passes, or this one's before a restart, found them
        // first.
        PassOutcome outcome = executor.execute(plan, p).datedBy(meta.missingSince());

        Instant ended = clock.instant();
        PassReport report = outcome.report(started, ended);
        Instant consistentAt = outcome.consistentAt(started);
        ledger.checkpoint(m -> m.afterPass(
                        consistentAt,
                        started,
                        report.successful() ? ended : m.lastSuccess(),
                        outcome.conflictDescriptions())
                .withMissingSince(outcome.missingSince()));
        totalCopiedObjects.addAndGet(outcome.copiedObjects());
        return report;
    }

    /**
     * Copies the keys a change notification named (relative to the source location), now, without listing: the
     * same comparison as a pass, for those keys only. Waits for a pass under way to end. Leaves to the passes what
     * needs the whole picture: deletions (judged under the mass-deletion guard), conflicts (reported by the pass),
     * late writes at the replica to copy back after a failback, and the lag (measured by complete listings only). A key
     * that cannot be read or copied now is left to the next pass, and named in what this returns.
     *
     * @return how many objects it copied, and the keys it could not handle (their change is not recorded)
     */
    public NotifiedCopy copyNow(Collection<String> keys) throws InterruptedException {
        running.lockInterruptibly();
        try {
            Ledger.Meta meta = ledger.meta();
            if (meta.failedOver()) {
                return new NotifiedCopy(0, Set.of());
            }
            Instant now = clock.instant();
            PassPlanner.LateWrites late = planner.lateWrites(meta);
            Map<String, Ledger.Entry> entries = ledger.entries();
            Map<String, Future<Boolean>> copies = new LinkedHashMap<>();
            Set<String> failed = new TreeSet<>();
            // The pair's pass lock lost meanwhile: no further copy is handed off, those handed off end first.
            PassLock.Lost lost = null;
            for (String key : new TreeSet<>(keys)) {
                if (!key.startsWith(filter)) {
                    continue;
                }
                try {
                    ledger.requireLock(false);
                    Blob s = source.stat(sourceAt.key(key));
                    if (s == null) {
                        continue;
                    }
                    PassPlanner.Decision d = PassPlanner.decide(
                            key, s, replica.stat(replicaAt.key(key)), entries.get(key), meta.conflicts(), now, late);
                    if (d.inStep() != null) {
                        ledger.copied(key, d.inStep());
                    }
                    PassPlan.Step w = d.step();
                    if (w != null
                            && w.kind() != PassPlan.Kind.VERIFY_OR_CONFLICT
                            && w.kind() != PassPlan.Kind.COPY_BACK) {
                        PassProgress p = new PassProgress(1, w.bytes());
                        // A VERIFY step finds no conflict: only a replica changed since Baran wrote it can be one.
                        copies.put(
                                key,
                                copier.submit(() -> executor.run(w, p, new AtomicLong(), PassExecutor.NO_CONFLICTS)));
                    }
                } catch (BlobStoreException e) {
                    failed.add(key);
                    LOG.warnf(
                            "pair %s, replica %s: %s not copied on notification, left to the next pass: %s",
                            pair, replicaAt, key, e.getMessage());
                } catch (PassLock.Lost e) {
                    lost = e;
                    break;
                }
            }
            int copied = 0;
            for (Map.Entry<String, Future<Boolean>> f : copies.entrySet()) {
                try {
                    copied += f.getValue().get() ? 1 : 0;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof FencedReplica.FailedOver) {
                        continue; // failed over meanwhile: as for a notification arriving after failover
                    }
                    if (e.getCause() instanceof PassLock.Lost l) {
                        lost = lost == null ? l : lost;
                        continue;
                    }
                    failed.add(f.getKey());
                    LOG.warnf(
                            "pair %s, replica %s: the copy of %s on notification failed, left to the next pass: %s",
                            pair, replicaAt, f.getKey(), message(e.getCause()));
                }
            }
            totalCopiedObjects.addAndGet(copied);
            if (lost != null) {
                throw lost;
            }
            return new NotifiedCopy(copied, Set.copyOf(failed));
        } finally {
            running.unlock();
        }
    }

    /** What {@link #copyNow} did: objects copied, and the keys whose change it could not record (left to the next pass). */
    public record NotifiedCopy(int copied, Set<String> failed) {}

    /**
     * The replica now serves as primary: forward copying to it stops, so nothing written there is overwritten or
     * deleted by it, until {@link #failback()}. Waits up to {@code wait} for the writes that are making a copy or
     * deletion visible at the replica at this moment; the copies still reading the source or sending parts are
     * abandoned before they become visible, and a pass under way starts no further step. When those writes do not
     * end in time nothing changes: the replica is not failed over, and the answer says how many were under way.
     */
    Failover failover(Duration wait) throws InterruptedException {
        synchronized (flagChange) {
            if (stale) {
                // The pass lock is this process's, and nothing has written this replica's ledger since it was taken:
                // read the shared one, so the flag is not checkpointed over another replica's progress.
                ledger.reload();
                stale = false;
            }
            if (failingBack) {
                LOG.warnf("pair %s: replica %s not failed over: its failback is under way", pair, replicaAt);
                return new Failover(false, 0, Failover.Refused.FAILING_BACK);
            }
            boolean done = fenced.failOver(wait, () -> ledger.checkpoint(m -> m.asFailedOver(clock.instant())));
            if (!done) {
                int underWay = fenced.writesUnderWay();
                LOG.warnf(
                        "pair %s: replica %s not failed over: %d writes of forward copying still under way after %s",
                        pair, replicaAt, underWay, wait);
                return new Failover(false, underWay, Failover.Refused.WRITES_UNDER_WAY);
            }
        }
        LOG.infof("pair %s: replica %s failed over; forward copying stopped", pair, replicaAt);
        return new Failover(true, 0, null);
    }

    /**
     * What {@link #failover} did.
     *
     * @param done            the replica serves as primary now
     * @param writesUnderWay  when not done for writes under way: how many were still under way
     * @param refused         why it was not done; null when done
     */
    public record Failover(boolean done, int writesUnderWay, Refused refused) {

        /** Why a failover changed nothing; each is retried. */
        public enum Refused {
            /** Writes of forward copying were still being made visible at the replica at the end of the wait. */
            WRITES_UNDER_WAY,
            /** Another worker replica held the pair's pass lock all the while ({@link ReplicationService#failover}). */
            PASS_ELSEWHERE,
            /** The replica's failback was under way: its end would have cleared the flag. */
            FAILING_BACK
        }
    }

    /** This replica's lock stayed taken for as long as an operation waited for it. */
    public static final class Busy extends IllegalStateException {
        Busy(String message) {
            super(message);
        }
    }

    /** The replica as forward copying writes it (for tests: a write held open there holds failover). */
    FencedReplica fenced() {
        return fenced;
    }

    public boolean failedOver() {
        return ledger.meta().failedOver();
    }

    /**
     * Reverses the pair once ({@link Failback}): the replica's changes since the last copy go back to the source, the
     * keys changed at both sides are reported as conflicts. Forward passes resume afterwards; they leave conflicting
     * keys alone until {@link #resolve} or until both sides agree.
     */
    FailbackReport failback() throws InterruptedException {
        running.lockInterruptibly();
        try {
            return reverse();
        } finally {
            running.unlock();
        }
    }

    /**
     * {@link #failback()} when the replica serves as primary, read under the same lock; empty, doing nothing, when it
     * does not (failed back already: by an earlier attempt, or by someone else).
     *
     * @throws Busy when this replica's lock stayed taken for the whole {@code wait} (a failback under way here)
     */
    java.util.Optional<FailbackReport> failbackIfFailedOver(Duration wait) throws InterruptedException {
        if (!ledger.meta().failedOver()) {
            return java.util.Optional.empty(); // no waiting for a long forward pass to end
        }
        if (!running.tryLock(wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            throw new Busy("pair " + pair + ", replica " + replicaAt + ": a failback, conflict resolution or pass of it"
                    + " was under way here for the whole " + wait + "; nothing changed, retry");
        }
        try {
            return ledger.meta().failedOver() ? java.util.Optional.of(reverse()) : java.util.Optional.empty();
        } finally {
            running.unlock();
        }
    }

    /** A failover meanwhile is refused: the failback's end sets the flag from what it did, and would clear it. */
    private FailbackReport reverse() throws InterruptedException {
        synchronized (flagChange) {
            failingBack = true;
        }
        try {
            return failback.reverse();
        } finally {
            synchronized (flagChange) {
                failingBack = false;
            }
        }
    }

    /**
     * The meta of the ledger's snapshot on disk, read without this replica's lock and
     * without touching the journal: with several worker replicas sharing the ledger directory, what another one set.
     */
    public Ledger.Meta storedMeta() {
        return ledger.storedMeta();
    }

    /** What this replica's ledger holds now (its copy in this process). */
    public Ledger.Meta meta() {
        return ledger.meta();
    }

    /** What both sides hold at {@code key} now, as a person settling its conflict sees it. */
    ConflictResolver.Sides sides(String key) {
        return resolver.sides(key);
    }

    /**
     * Settles a conflict by keeping one side's object: {@code source} copies it to the replica, {@code replica}
     * copies the replica's to the source (a side without the object has the deletion kept), if both sides hold still
     * what {@code seen} says ({@link ConflictResolver#resolve}).
     */
    void resolve(String key, boolean keepSource, ConflictResolver.Sides seen) throws InterruptedException {
        running.lockInterruptibly();
        try {
            resolver.resolve(key, keepSource, seen);
        } finally {
            running.unlock();
        }
    }

    /** How far behind the replica is, now, as this process's ledger and passes say. */
    public ReplicationStatus status() {
        return status(ledger.meta(), true);
    }

    /**
     * How far behind the replica is, now, as {@code meta} says.
     *
     * @param passesHere this process runs the replica's passes: its last pass and the one under way tell the backlog
     *                   and errors. When another worker replica runs them ({@link ReplicationService#status}), only the
     *                   shared ledger's meta is known: the lag, the conflicts, and how the last pass went (it could not
     *                   list: {@code lastListing} before {@code lastAttempt}, {@code failing}; it had errors:
     *                   {@code lastSuccess} before {@code lastAttempt}, {@code behind})
     */
    ReplicationStatus status(Ledger.Meta meta, boolean passesHere) {
        Instant now = clock.instant();
        PassReport l = passesHere ? last : null;
        PassProgress p = passesHere ? progress : null;
        long backlogObjects = p != null
                ? p.remainingObjects() + meta.conflicts().size()
                : l != null
                        ? l.backlogObjects()
                        : passesHere ? 0 : meta.conflicts().size();
        long backlogBytes = p != null ? p.remainingBytes() : l != null ? l.backlogBytes() : 0;
        Instant attempt = meta.lastAttempt();
        boolean lastPassUnlisted = passesHere
                ? l != null && !l.listed()
                : attempt != null
                        && (meta.lastListing() == null || meta.lastListing().isBefore(attempt));
        boolean lastPassFailed = passesHere
                ? l != null && l.errorCount() > 0
                : attempt != null
                        && (meta.lastSuccess() == null || meta.lastSuccess().isBefore(attempt));
        String state;
        if (meta.failedOver()) {
            state = "failed-over";
        } else if (lastPassUnlisted) {
            state = "failing";
        } else if (meta.consistentAt() == null) {
            state = "initial-copy";
        } else if (backlogObjects > 0 || !meta.conflicts().isEmpty() || lastPassFailed) {
            state = "behind";
        } else {
            state = "in-sync";
        }
        Double lag = meta.consistentAt() == null
                ? null
                : Math.max(0, Duration.between(meta.consistentAt(), now).toMillis()) / 1000.0;
        List<String> conflictKeys = meta.conflicts().keySet().stream()
                .sorted()
                .limit(MAX_CONFLICTS_SHOWN)
                .toList();
        return new ReplicationStatus(
                pair,
                sourceAt.toString(),
                replicaAt.toString(),
                mode.label(),
                state,
                lag,
                meta.consistentAt(),
                l == null ? null : l.oldestPending(),
                backlogObjects,
                backlogBytes,
                l == null ? null : l.started(),
                meta.lastSuccess(),
                l == null ? 0 : l.copiedObjects(),
                l == null ? 0 : l.copiedBytes(),
                l == null ? 0 : l.deletedObjects(),
                conflictKeys,
                meta.conflicts().size(),
                l == null ? List.of() : l.errors(),
                l == null ? 0 : l.errorCount(),
                now);
    }

    /** The conflicts with what each side holds. */
    public Map<String, String> conflicts() {
        return ledger.meta().conflicts();
    }

    public PassReport lastPass() {
        return last;
    }

    public long totalCopiedBytes() {
        return totalCopiedBytes.get();
    }

    public long totalCopiedObjects() {
        return totalCopiedObjects.get();
    }

    public long totalErrors() {
        return totalErrors.get();
    }

    /** An exception's message for a report, or its type when it has none. */
    static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        ledger.close();
    }
}
