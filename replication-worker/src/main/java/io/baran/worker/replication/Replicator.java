package io.baran.worker.replication;

import io.baran.events.ReplicationStatus;
import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps one replica in step with its source by list-and-compare passes, and measures how far behind it is.
 *
 * <p>A pass lists both sides, then for each key: in step when the ledger's record of the last copy matches
 * both sides' versions, or when both sides' checksums say the content is the same; otherwise copied (new or
 * changed at the source), deleted (gone from the source, in mirror mode), or reported as a conflict (the
 * replica was changed by someone else since Baran wrote it: never overwritten). A pass that cannot list a
 * side changes nothing: an unreachable source is never read as an empty one.
 *
 * <p>The lag (the RPO) is measured from {@code consistentAt}: the moment up to which the replica is known to
 * hold every change of the source. A pass that ends with nothing left to do moves it to when the pass began
 * listing the source; one that leaves a backlog, to the oldest change still missing (or the listing, if
 * earlier). While the source cannot be listed it stays put, so the lag grows.
 */
public final class Replicator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Replicator.class);
    private static final int MAX_ERRORS = 10;
    private static final int MAX_CONFLICTS_SHOWN = 20;
    /** Lists replicas while their sources are listed; daemon threads, created as needed, gone when idle. */
    private static final java.util.concurrent.ExecutorService LISTINGS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baran-replication-list");
        t.setDaemon(true);
        return t;
    });

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
    private final int maxDeletePercent;

    private volatile PassReport last;
    private volatile Progress progress;
    private final AtomicLong totalCopiedBytes = new AtomicLong();
    private final AtomicLong totalCopiedObjects = new AtomicLong();
    private final AtomicLong totalErrors = new AtomicLong();

    /** A pass under way: what it found to do, and what it has done. */
    private static final class Progress {
        final long plannedObjects;
        final long plannedBytes;
        final AtomicLong doneObjects = new AtomicLong();
        final AtomicLong doneBytes = new AtomicLong();

        Progress(long plannedObjects, long plannedBytes) {
            this.plannedObjects = plannedObjects;
            this.plannedBytes = plannedBytes;
        }
    }

    private enum Kind { COPY, DELETE, VERIFY, VERIFY_OR_CONFLICT }

    /** One thing a pass found to do, and when the change behind it was made at the source. */
    private record Work(Kind kind, String key, Blob source, Blob replica, Instant changedAt) {
        long bytes() {
            return kind == Kind.DELETE || source == null ? 0 : source.size();
        }
    }

    /** A replica with at least this many objects is guarded against mass deletion; smaller ones are not. */
    static final int GUARDED_SIZE = 10;

    public Replicator(String pair, Mode mode, String filter, Location sourceAt, BlobStore source, Location replicaAt,
                      BlobStore replica, Ledger ledger, Copier copier, Clock clock) {
        this(pair, mode, filter, sourceAt, source, replicaAt, replica, ledger, copier, clock, 50);
    }

    /**
     * @param filter            only keys (relative to the locations) starting with it are replicated; empty for all
     * @param maxDeletePercent  a mirror pass that would delete more than this share of a replica's objects (of at
     *                          least {@value #GUARDED_SIZE}) deletes none and says so: a source emptied by mistake
     *                          or by an attacker must not empty its disaster-recovery copy; 100 turns the guard off
     */
    public Replicator(String pair, Mode mode, String filter, Location sourceAt, BlobStore source, Location replicaAt,
                      BlobStore replica, Ledger ledger, Copier copier, Clock clock, int maxDeletePercent) {
        this.maxDeletePercent = maxDeletePercent;
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

    public boolean passUnderWay() {
        return running.isLocked();
    }

    private PassReport runPass() throws InterruptedException {
        Instant started = clock.instant();
        Ledger.Meta meta = ledger.meta();
        if (meta.failedOver()) {
            return new PassReport(started, clock.instant(), false, "the replica serves as primary (failed over); failback reverses it",
                    0, 0, 0, 0, 0, null, meta.conflicts(), List.of(), 0);
        }
        Map<String, Blob> src;
        Map<String, Blob> dst;
        try {
            // Both sides at once: a listing of many pages is a good part of a pass that finds little to copy.
            java.util.concurrent.CompletableFuture<Map<String, Blob>> replicaListing =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> list(replica, replicaAt), LISTINGS);
            src = list(source, sourceAt);
            dst = join(replicaListing);
        } catch (RuntimeException e) {
            LOG.warnf("pair %s, replica %s: pass not run: %s", pair, replicaAt, e.getMessage());
            PassReport before = last;
            return new PassReport(started, clock.instant(), false, null, 0, 0, 0,
                    before == null ? 0 : before.backlogObjects(), before == null ? 0 : before.backlogBytes(),
                    before == null ? null : before.oldestPending(), meta.conflicts(), List.of(message(e)), 1);
        }

        Map<String, Ledger.Entry> entries = ledger.entries();
        Map<String, String> conflicts = new ConcurrentHashMap<>();
        List<Work> work = new ArrayList<>();
        for (Map.Entry<String, Blob> e : src.entrySet()) {
            Work w = decide(e.getKey(), e.getValue(), dst.get(e.getKey()), entries.get(e.getKey()), meta, conflicts, started);
            if (w != null) {
                work.add(w);
            }
        }
        Instant deletedSince = meta.lastListing() != null ? meta.lastListing() : started;
        for (Map.Entry<String, Blob> e : dst.entrySet()) {
            String key = e.getKey();
            if (src.containsKey(key) || mode == Mode.ARCHIVE) {
                continue;
            }
            Ledger.Entry recorded = entries.get(key);
            Blob r = e.getValue();
            if (meta.conflicts().containsKey(key) || (recorded != null && !recorded.replicaVersion().equals(r.version()))) {
                conflicts.put(key, "deleted at the source; the replica holds " + r.describe() + ", written since Baran copied it");
            } else {
                // The deletion happened after the last listing that still saw the object.
                work.add(new Work(Kind.DELETE, key, null, r, deletedSince));
            }
        }
        for (String key : entries.keySet()) {
            if (!src.containsKey(key) && !dst.containsKey(key)) {
                ledger.removed(key);
            }
        }
        List<Work> deletions = work.stream().filter(w -> w.kind() == Kind.DELETE).toList();
        String guard = null;
        if (dst.size() >= GUARDED_SIZE && deletions.size() * 100L > (long) maxDeletePercent * dst.size()) {
            // Kept as backlog, so the lag holds and storage.check-replica fails until a person decides.
            guard = "pair " + pair + ": the source no longer has " + deletions.size() + " of the replica's " + dst.size()
                    + " objects (more than " + maxDeletePercent + "%); none deleted. Delete them at the replica yourself, or raise "
                    + "baran.replication.pairs.\"" + pair + "\".max-delete-percent, if the source was emptied on purpose";
            LOG.warn(guard);
            work.removeAll(deletions);
        }

        // Largest first: the long copies start at once instead of trailing alone at the end of the pass.
        work.sort(java.util.Comparator.comparingLong(Work::bytes).reversed());
        Progress p = new Progress(work.size(), work.stream().mapToLong(Work::bytes).sum());
        progress = p;
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger errorCount = new AtomicInteger();
        if (guard != null) {
            error(errors, errorCount, guard);
        }
        AtomicLong copiedObjects = new AtomicLong();
        AtomicLong copiedBytes = new AtomicLong();
        AtomicLong deleted = new AtomicLong();
        Set<Work> pending = ConcurrentHashMap.newKeySet();
        pending.addAll(work);
        if (guard != null) {
            pending.addAll(deletions);
        }
        List<Future<?>> futures = new ArrayList<>();
        for (Work w : work) {
            futures.add(copier.submit(() -> {
                if (ledger.meta().failedOver()) {
                    return null; // failed over meanwhile: the replica is now written by others; left as backlog
                }
                try {
                    if (run(w, conflicts, p, copiedBytes)) {
                        if (w.kind() == Kind.DELETE) {
                            deleted.incrementAndGet();
                        } else {
                            copiedObjects.incrementAndGet();
                        }
                    }
                    pending.remove(w); // done, or now counted among the conflicts
                    p.doneObjects.incrementAndGet();
                } catch (BlobStoreException e) {
                    if (!e.changed()) {
                        error(errors, errorCount, e.getMessage());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    error(errors, errorCount, "pair " + pair + ": interrupted while copying " + w.key());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "pair %s, replica %s: %s failed", pair, replicaAt, w.key());
                    error(errors, errorCount, w.key() + ": " + message(e));
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

        long backlogObjects = pending.size() + conflicts.size();
        long backlogBytes = pending.stream().mapToLong(Work::bytes).sum();
        Instant oldest = pending.stream().map(Work::changedAt).min(Instant::compareTo).orElse(null);
        for (String key : conflicts.keySet()) {
            Blob s = src.get(key);
            Instant at = s != null && s.modified() != null ? s.modified() : deletedSince;
            oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
        }
        Instant consistentAt = oldest == null || oldest.isAfter(started) ? started : oldest;
        Instant ended = clock.instant();
        PassReport report = new PassReport(started, ended, true, null, copiedObjects.get(), copiedBytes.get(), deleted.get(),
                backlogObjects, backlogBytes, oldest, conflicts, new ArrayList<>(errors), errorCount.get());
        ledger.checkpoint(m -> new Ledger.Meta(consistentAt, started, report.successful() ? ended : m.lastSuccess(), m.failedOver(),
                new TreeMap<>(conflicts)));
        totalCopiedObjects.addAndGet(copiedObjects.get());
        return report;
    }

    /**
     * What to do about one key the source holds, given what the replica holds (null: nothing): null when they are in
     * step (the ledger says it copied these very versions, or the checksums say the contents are the same); a key
     * changed at both sides goes to {@code conflicts} instead.
     */
    private Work decide(String key, Blob s, Blob r, Ledger.Entry recorded, Ledger.Meta meta, Map<String, String> conflicts,
                        Instant started) {
        boolean flagged = meta.conflicts().containsKey(key);
        if (r != null && recorded != null && !flagged && recorded.sourceVersion().equals(s.version())
                && recorded.replicaVersion().equals(r.version())) {
            return null;
        }
        Blob.Match match = r == null ? null : s.compare(r);
        if (match == Blob.Match.SAME) {
            ledger.copied(key, new Ledger.Entry(s.version(), s.size(), s.sha256() != null ? s.sha256() : r.sha256(), r.version()));
            return null;
        }
        Instant changedAt = s.modified() != null ? s.modified() : started;
        boolean replicaChanged = r != null && (flagged || (recorded != null && !recorded.replicaVersion().equals(r.version())));
        if (replicaChanged) {
            if (match == Blob.Match.DIFFERENT) {
                conflicts.put(key, conflict(s, r, flagged ? meta.conflicts().get(key) : null));
                return null;
            }
            return new Work(Kind.VERIFY_OR_CONFLICT, key, s, r, changedAt);
        }
        return new Work(r == null || match == Blob.Match.DIFFERENT ? Kind.COPY : Kind.VERIFY, key, s, r, changedAt);
    }

    /**
     * Copies the keys a change notification named (relative to the source location), now, without listing: the
     * same comparison as a pass, for those keys only. Waits for a pass under way to end. Leaves to the passes what
     * needs the whole picture: deletions (judged under the mass-deletion guard), conflicts (reported by the pass),
     * and the lag (measured by complete listings only). A key that cannot be read or copied now is left to the next
     * pass, and named in what this returns.
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
            Map<String, Ledger.Entry> entries = ledger.entries();
            Map<String, String> conflicts = new ConcurrentHashMap<>();
            Map<String, Future<Boolean>> copies = new LinkedHashMap<>();
            Set<String> failed = new TreeSet<>();
            for (String key : new TreeSet<>(keys)) {
                if (!key.startsWith(filter)) {
                    continue;
                }
                try {
                    Blob s = source.stat(sourceAt.key(key));
                    Work w = s == null ? null : decide(key, s, replica.stat(replicaAt.key(key)), entries.get(key), meta, conflicts, now);
                    if (w != null && w.kind() != Kind.VERIFY_OR_CONFLICT) {
                        Progress p = new Progress(1, w.bytes());
                        copies.put(key, copier.submit(() -> run(w, conflicts, p, new AtomicLong())));
                    }
                } catch (BlobStoreException e) {
                    failed.add(key);
                    LOG.warnf("pair %s, replica %s: %s not copied on notification, left to the next pass: %s", pair, replicaAt, key,
                            e.getMessage());
                }
            }
            int copied = 0;
            for (Map.Entry<String, Future<Boolean>> f : copies.entrySet()) {
                try {
                    copied += f.getValue().get() ? 1 : 0;
                } catch (ExecutionException e) {
                    failed.add(f.getKey());
                    LOG.warnf("pair %s, replica %s: the copy of %s on notification failed, left to the next pass: %s", pair, replicaAt,
                            f.getKey(), message(e.getCause()));
                }
            }
            totalCopiedObjects.addAndGet(copied);
            return new NotifiedCopy(copied, Set.copyOf(failed));
        } finally {
            running.unlock();
        }
    }

    /** What {@link #copyNow} did: objects copied, and the keys whose change it could not record (left to the next pass). */
    public record NotifiedCopy(int copied, Set<String> failed) {
    }

    /** @return true when it changed the replica */
    private boolean run(Work w, Map<String, String> conflicts, Progress p, AtomicLong copiedBytes) throws InterruptedException {
        switch (w.kind()) {
            case DELETE -> {
                replica.delete(replicaAt.key(w.key()));
                ledger.removed(w.key());
                return true;
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
                    conflicts.put(w.key(), conflict(s, r, null));
                    return false;
                }
                return copy(w, p, copiedBytes);
            }
            default -> {
                return copy(w, p, copiedBytes);
            }
        }
    }

    private boolean copy(Work w, Progress p, AtomicLong copiedBytes) throws InterruptedException {
        Blob stored = copier.copy(source, w.source(), replica, replicaAt.key(w.key()), ledger, w.key(), bytes -> {
            p.doneBytes.addAndGet(bytes);
            copiedBytes.addAndGet(bytes);
            totalCopiedBytes.addAndGet(bytes);
        });
        ledger.copied(w.key(), new Ledger.Entry(w.source().version(), w.source().size(), stored.sha256(), stored.version()));
        return true;
    }

    private static Map<String, Blob> join(java.util.concurrent.CompletableFuture<Map<String, Blob>> listing) throws InterruptedException {
        try {
            return listing.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static String conflict(Blob s, Blob r, String earlier) {
        return earlier != null ? earlier : "the source holds " + s.describe() + "; the replica holds " + r.describe()
                + ", written since Baran copied it";
    }

    /** Lists a location's objects by key relative to it, keeping only the pair's filter. */
    private Map<String, Blob> list(BlobStore store, Location at) {
        Map<String, Blob> found = new HashMap<>();
        store.list(at.key(filter), b -> {
            String relative = at.relative(b.key());
            if (relative != null && !relative.isEmpty()) {
                found.put(relative, b);
            }
        });
        return found;
    }

    /**
     * The replica now serves as primary: forward passes stop until {@link #failback()}, so nothing written there is
     * overwritten. Takes effect at once: a pass under way starts no further copy, and this waits (up to a minute)
     * for the copies already under way to end.
     *
     * @return true when no copy is under way any more
     */
    public boolean failover() throws InterruptedException {
        ledger.checkpoint(m -> new Ledger.Meta(m.consistentAt(), m.lastListing(), m.lastSuccess(), true, m.conflicts()));
        LOG.infof("pair %s: replica %s failed over; forward copying paused", pair, replicaAt);
        if (running.tryLock(1, java.util.concurrent.TimeUnit.MINUTES)) {
            running.unlock();
            return true;
        }
        return false;
    }

    public boolean failedOver() {
        return ledger.meta().failedOver();
    }

    /**
     * Reverses the pair once: every change made at the replica since the last copy (written, or deleted in
     * mirror mode) is copied back to the source, unless the source changed too: then the key is a conflict,
     * reported and left as it is on both sides. Forward passes resume afterwards; they leave conflicting
     * keys alone until {@link #resolve} or until both sides agree.
     */
    public FailbackReport failback() throws InterruptedException {
        running.lockInterruptibly();
        try {
            Ledger.Meta meta = ledger.meta();
            Map<String, Blob> src = list(source, sourceAt);
            Map<String, Blob> dst = list(replica, replicaAt);
            Map<String, Ledger.Entry> entries = ledger.entries();
            Set<String> keys = new TreeSet<>(src.keySet());
            keys.addAll(dst.keySet());
            keys.addAll(entries.keySet());
            Map<String, String> conflicts = new ConcurrentHashMap<>(meta.conflicts());
            List<String> copiedBack = Collections.synchronizedList(new ArrayList<>());
            List<String> deletedAtSource = Collections.synchronizedList(new ArrayList<>());
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> futures = new ArrayList<>();
            for (String key : keys) {
                if (!key.startsWith(filter)) {
                    continue;
                }
                Blob s = src.get(key);
                Blob r = dst.get(key);
                Ledger.Entry recorded = entries.get(key);
                boolean sourceChanged = recorded == null ? s != null : s == null || !s.version().equals(recorded.sourceVersion());
                boolean replicaChanged = recorded == null ? r != null : r == null || !r.version().equals(recorded.replicaVersion());
                if (!replicaChanged) {
                    continue; // unchanged at the replica: forward passes take care of the source's changes
                }
                futures.add(copier.submit(() -> {
                    try {
                        if (sourceChanged || meta.conflicts().containsKey(key)) {
                            if (same(key, s, r)) {
                                ledger.copied(key, new Ledger.Entry(s.version(), s.size(), r.sha256(), r.version()));
                                conflicts.remove(key);
                            } else if (s == null && r == null) {
                                ledger.removed(key);
                                conflicts.remove(key);
                            } else {
                                conflicts.put(key, "changed at both sides while failed over: the source holds "
                                        + (s == null ? "nothing (deleted)" : s.describe()) + "; the replica holds "
                                        + (r == null ? "nothing (deleted)" : r.describe()));
                            }
                        } else if (r != null) {
                            Blob stored = copier.copy(replica, r, source, sourceAt.key(key), null, key, n -> totalCopiedBytes.addAndGet(n));
                            ledger.copied(key, new Ledger.Entry(stored.version(), stored.size(), stored.sha256(), r.version()));
                            copiedBack.add(key);
                        } else if (mode == Mode.MIRROR && s != null) {
                            source.delete(sourceAt.key(key));
                            ledger.removed(key);
                            deletedAtSource.add(key);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        errors.add(key + ": interrupted");
                    } catch (RuntimeException e) {
                        errors.add(key + ": " + message(e));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    errors.add(message(e.getCause()));
                }
            }
            ledger.checkpoint(m -> new Ledger.Meta(m.consistentAt(), m.lastListing(), m.lastSuccess(), !errors.isEmpty(),
                    new TreeMap<>(conflicts)));
            FailbackReport report = new FailbackReport(pair, replicaAt.toString(), sorted(copiedBack), sorted(deletedAtSource),
                    new TreeMap<>(conflicts), errors);
            LOG.infof("pair %s: replica %s reversed on failback: %d copied back, %d deleted at the source, %d conflicts, %d errors%s",
                    pair, replicaAt, copiedBack.size(), deletedAtSource.size(), conflicts.size(), errors.size(),
                    errors.isEmpty() ? "; forward copying resumes" : "; still failed over, failback again once the errors are fixed");
            return report;
        } finally {
            running.unlock();
        }
    }

    /**
     * Settles a conflict by keeping one side's object: {@code source} copies it to the replica, {@code replica}
     * copies the replica's to the source (a side without the object has the deletion kept).
     */
    public void resolve(String key, boolean keepSource) throws InterruptedException {
        running.lockInterruptibly();
        try {
            Ledger.Meta meta = ledger.meta();
            if (!meta.conflicts().containsKey(key)) {
                throw new IllegalArgumentException("pair " + pair + ", replica " + replicaAt + ": " + key + " is not in conflict");
            }
            BlobStore from = keepSource ? source : replica;
            BlobStore to = keepSource ? replica : source;
            Location fromAt = keepSource ? sourceAt : replicaAt;
            Location toAt = keepSource ? replicaAt : sourceAt;
            Blob kept = from.stat(fromAt.key(key));
            if (kept == null) {
                to.delete(toAt.key(key));
                ledger.removed(key);
            } else {
                Blob stored = copier.copy(from, kept, to, toAt.key(key), null, key, n -> totalCopiedBytes.addAndGet(n));
                Blob s = keepSource ? kept : stored;
                Blob r = keepSource ? stored : kept;
                ledger.copied(key, new Ledger.Entry(s.version(), s.size(), stored.sha256(), r.version()));
            }
            ledger.checkpoint(m -> {
                Map<String, String> conflicts = new TreeMap<>(m.conflicts());
                conflicts.remove(key);
                return new Ledger.Meta(m.consistentAt(), m.lastListing(), m.lastSuccess(), m.failedOver(), conflicts);
            });
        } finally {
            running.unlock();
        }
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

    /** How far behind the replica is, now. */
    public ReplicationStatus status() {
        Instant now = clock.instant();
        Ledger.Meta meta = ledger.meta();
        PassReport l = last;
        Progress p = progress;
        long backlogObjects = p != null ? Math.max(0, p.plannedObjects - p.doneObjects.get()) + meta.conflicts().size()
                : l != null ? l.backlogObjects() : 0;
        long backlogBytes = p != null ? Math.max(0, p.plannedBytes - p.doneBytes.get()) : l != null ? l.backlogBytes() : 0;
        String state;
        if (meta.failedOver()) {
            state = "failed-over";
        } else if (l != null && !l.listed()) {
            state = "failing";
        } else if (meta.consistentAt() == null) {
            state = "initial-copy";
        } else if (backlogObjects > 0 || !meta.conflicts().isEmpty() || (l != null && l.errorCount() > 0)) {
            state = "behind";
        } else {
            state = "in-sync";
        }
        Double lag = meta.consistentAt() == null ? null : Math.max(0, Duration.between(meta.consistentAt(), now).toMillis()) / 1000.0;
        List<String> conflictKeys = meta.conflicts().keySet().stream().sorted().limit(MAX_CONFLICTS_SHOWN).toList();
        return new ReplicationStatus(pair, sourceAt.toString(), replicaAt.toString(), mode.label(), state, lag, meta.consistentAt(),
                l == null ? null : l.oldestPending(), backlogObjects, backlogBytes, l == null ? null : l.started(), meta.lastSuccess(),
                l == null ? 0 : l.copiedObjects(), l == null ? 0 : l.copiedBytes(), l == null ? 0 : l.deletedObjects(),
                conflictKeys, meta.conflicts().size(), l == null ? List.of() : l.errors(), l == null ? 0 : l.errorCount(), now);
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

    private static void error(Queue<String> errors, AtomicInteger count, String message) {
        if (count.incrementAndGet() <= MAX_ERRORS) {
            errors.add(message);
        }
    }

    private static List<String> sorted(List<String> keys) {
        List<String> copy = new ArrayList<>(keys);
        Collections.sort(copy);
        return copy;
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        ledger.close();
    }
}
