package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.replication.PassPlan.Conflict;
import io.baran.worker.replication.PassPlan.Kind;
import io.baran.worker.replication.PassPlan.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides what a pass does from what it listed, without calling a store or writing the ledger: for each key,
 * in step when the ledger's record of the last copy matches both sides' versions, or when both sides'
 * checksums say the content is the same; otherwise copied (new or changed at the source), deleted (gone from
 * the source, in mirror mode), or a conflict (the replica was changed by someone else since Baran wrote it:
 * never overwritten). Then the mass-deletion guard judges the deletions.
 */
final class PassPlanner {

    /** A replica with at least this many objects is guarded against mass deletion; smaller ones are not. */
    static final int GUARDED_SIZE = 10;

    /**
     * How much earlier than the failover a late write may seem to be made: the failover's time is the worker's clock,
     * an object's the store's.
     */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final String pair;
    private final Mode mode;
    private final int maxDeletePercent;
    private final Duration lateWriteWindow;

    /**
     * @param maxDeletePercent a mirror pass that would delete more than this share of a replica's objects (of at
     *                         least {@value #GUARDED_SIZE}) deletes none: a source emptied by mistake or by an
     *                         attacker must not empty its disaster-recovery copy; 100 turns the guard off
     */
    PassPlanner(String pair, Mode mode, int maxDeletePercent) {
        this(pair, mode, maxDeletePercent, Duration.ZERO);
    }

    /**
     * @param lateWriteWindow how long after a failback writes still reaching the replica (clients that cached its
     *                        address) are copied back to the source instead of being deleted or overwritten; zero for
     *                        none
     */
    PassPlanner(String pair, Mode mode, int maxDeletePercent, Duration lateWriteWindow) {
        this.pair = pair;
        this.mode = mode;
        this.maxDeletePercent = maxDeletePercent;
        this.lateWriteWindow = lateWriteWindow;
    }

    /**
     * Writes at the replica made while it served as primary, or within the late-write window after its failback ended:
     * failback copies back what it listed, but clients may still write to the replica after that (the DNS TTL of its
     * address); such a write is the newest of its key and goes to the source, never deleted or overwritten.
     *
     * @param since the failover, less {@link #CLOCK_SKEW}; null: no failback recorded
     * @param until the end of the window after the failback
     */
    record LateWrites(Instant since, Instant until) {
        static final LateWrites NONE = new LateWrites(null, null);

        static LateWrites of(Ledger.Meta meta, Duration window) {
            if (meta.failedOver()
                    || meta.failedOverAt() == null
                    || meta.failedBackAt() == null
                    || meta.failedBackAt().isBefore(meta.failedOverAt())
                    || window.isZero()) {
                return NONE;
            }
            return new LateWrites(
                    meta.failedOverAt().minus(CLOCK_SKEW), meta.failedBackAt().plus(window));
        }

        /**
         * Whether the replica's object was written within the window; one whose store gives no time is taken for a late
         * write while the window lasts ({@code now}).
         */
        boolean covers(Blob r, Instant now) {
            if (since == null || r == null) {
                return false;
            }
            Instant written = r.modified();
            return written == null ? now.isBefore(until) : !written.isBefore(since) && !written.isAfter(until);
        }
    }

    /** The late writes this planner honours after the failback the meta records. */
    LateWrites lateWrites(Ledger.Meta meta) {
        return LateWrites.of(meta, lateWriteWindow);
    }

    /**
     * @param source  the source's objects by key relative to its location
     * @param replica the replica's, likewise
     * @param entries the ledger's records of the last copies
     * @param meta    what the last pass concluded (the conflicts it left, when it last listed)
     * @param started when this pass began listing the source
     */
    PassPlan plan(
            Map<String, Blob> source,
            Map<String, Blob> replica,
            Map<String, Ledger.Entry> entries,
            Ledger.Meta meta,
            Instant started) {
        Instant deletedSince = meta.lastListing() != null ? meta.lastListing() : started;
        LateWrites late = lateWrites(meta);
        List<Step> copies = new ArrayList<>();
        List<Step> copiesBack = new ArrayList<>();
        Map<String, Conflict> conflicts = new HashMap<>();
        Map<String, Ledger.Entry> inStep = new HashMap<>();
        for (Map.Entry<String, Blob> e : source.entrySet()) {
            String key = e.getKey();
            Blob s = e.getValue();
            Decision d = decide(key, s, replica.get(key), entries.get(key), meta.conflicts(), started, late);
            if (d.step() != null) {
                (d.step().kind() == Kind.COPY_BACK ? copiesBack : copies).add(d.step());
            } else if (d.conflict() != null) {
                conflicts.put(key, new Conflict(d.conflict(), s.modified() != null ? s.modified() : deletedSince));
            } else if (d.inStep() != null) {
                inStep.put(key, d.inStep());
            }
        }
        List<Step> deletions = new ArrayList<>();
        for (Map.Entry<String, Blob> e : replica.entrySet()) {
            String key = e.getKey();
            if (source.containsKey(key)) {
                continue;
            }
            Ledger.Entry recorded = entries.get(key);
            Blob r = e.getValue();
            if (recorded == null && !meta.conflicts().containsKey(key) && late.covers(r, started)) {
                // Written at the replica by a client after failback listed it: the source has never had it.
                copiesBack.add(new Step(Kind.COPY_BACK, key, null, r, started));
                continue;
            }
            if (mode == Mode.ARCHIVE) {
                continue;
            }
            if (meta.conflicts().containsKey(key)
                    || (recorded != null && !recorded.replicaVersion().equals(r.version()))) {
                conflicts.put(
                        key,
                        new Conflict(
                                "deleted at the source; the replica holds " + r.describe()
                                        + ", written since Baran copied it",
                                deletedSince));
            } else {
                // The deletion happened after the last listing that still saw the object.
                deletions.add(new Step(Kind.DELETE, key, null, r, deletedSince));
            }
        }
        Set<String> forgotten = new HashSet<>();
        for (String key : entries.keySet()) {
            if (!source.containsKey(key) && !replica.containsKey(key)) {
                forgotten.add(key);
            }
        }
        // Largest first: the long copies start at once instead of trailing alone at the end of the pass.
        copies.sort(Comparator.comparingLong(Step::bytes).reversed());
        return new PassPlan(
                pair,
                started,
                deletedSince,
                copies,
                copiesBack,
                deletions,
                conflicts,
                inStep,
                forgotten,
                guard(deletions.size(), replica.size(), maxDeletePercent));
    }

    /**
     * The mass-deletion guard, for forward passes and failback alike: it trips when the deletions are more than
     * {@code maxDeletePercent} of the objects the side being deleted from holds, when it holds at least
     * {@value #GUARDED_SIZE}. Exactly the share is allowed ({@code >}, not {@code >=}): so 100 lets every deletion go
     * (the guard off), and 0 still lets a pass that deletes nothing pass.
     */
    static PassPlan.Guard guard(int deletions, int objects, int maxDeletePercent) {
        boolean tripped = objects >= GUARDED_SIZE && deletions * 100L > (long) maxDeletePercent * objects;
        return new PassPlan.Guard(deletions, objects, maxDeletePercent, tripped);
    }

    /**
     * What to do about one key: a step, a conflict, or nothing (in step: {@code inStep} holds the ledger record
     * to write when only the checksums said so). At most one of the three is set.
     */
    record Decision(Step step, String conflict, Ledger.Entry inStep) {
        static final Decision NOTHING = new Decision(null, null, null);
    }

    /**
     * What to do about one key the source holds, given what the replica holds (null: nothing).
     *
     * @param flagged the conflicts the last pass left: such a key is copied only once both sides agree
     * @param started when the pass (or the notification) began: the time of a change whose object has none
     * @param late    the late writes at the replica after a failback: one the ledger does not know is a change of the
     *                replica (so a conflict when the source has the key too), and one made to an object the source has
     *                not changed since Baran copied it is copied back ({@link Kind#COPY_BACK})
     */
    static Decision decide(
            String key,
            Blob s,
            Blob r,
            Ledger.Entry recorded,
            Map<String, String> flagged,
            Instant started,
            LateWrites late) {
        boolean wasConflict = flagged.containsKey(key);
        if (r != null
                && recorded != null
                && !wasConflict
                && recorded.sourceVersion().equals(s.version())
                && recorded.replicaVersion().equals(r.version())) {
            return Decision.NOTHING;
        }
        Blob.Match match = r == null ? null : s.compare(r);
        if (match == Blob.Match.SAME) {
            return new Decision(
                    null,
                    null,
                    new Ledger.Entry(s.version(), s.size(), s.sha256() != null ? s.sha256() : r.sha256(), r.version()));
        }
        Instant changedAt = s.modified() != null ? s.modified() : started;
        boolean lateWrite = late.covers(r, started);
        boolean replicaChanged = r != null
                && (wasConflict
                        || (recorded != null && !recorded.replicaVersion().equals(r.version()))
                        || (recorded == null && lateWrite));
        if (replicaChanged) {
            if (!wasConflict
                    && lateWrite
                    && recorded != null
                    && recorded.sourceVersion().equals(s.version())) {
                // The source has not changed since Baran's copy: the replica's late write is the newest.
                return new Decision(new Step(Kind.COPY_BACK, key, s, r, changedAt), null, null);
            }
            if (match == Blob.Match.DIFFERENT) {
                return new Decision(null, wasConflict ? flagged.get(key) : conflict(s, r), null);
            }
            return new Decision(new Step(Kind.VERIFY_OR_CONFLICT, key, s, r, changedAt), null, null);
        }
        return new Decision(
                new Step(r == null || match == Blob.Match.DIFFERENT ? Kind.COPY : Kind.VERIFY, key, s, r, changedAt),
                null,
                null);
    }

    /** What a conflict between the two sides' objects says. */
    static String conflict(Blob s, Blob r) {
        return "the source holds " + s.describe() + "; the replica holds " + r.describe()
                + ", written since Baran copied it";
    }
}
