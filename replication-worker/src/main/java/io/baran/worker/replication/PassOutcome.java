package io.baran.worker.replication;

import io.baran.worker.replication.PassPlan.Conflict;
import io.baran.worker.replication.PassPlan.Step;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What carrying out a {@link PassPlan} did, and what it measures: the backlog (the steps not done, the conflicts)
 * and the oldest change the replica still lacks, which sets {@code consistentAt} and so the lag.
 *
 * @param copiedBack late writes at the replica copied to the source
 * @param pending   steps not done (failed, held back by the guard, or not started because the replica failed over)
 * @param conflicts the plan's conflicts and those found while comparing contents
 * @param errors    the first errors, {@code errorCount} of them in all
 */
record PassOutcome(
        long copiedObjects,
        long copiedBytes,
        long deletedObjects,
        long copiedBack,
        Collection<Step> pending,
        Map<String, Conflict> conflicts,
        List<String> errors,
        int errorCount) {

    PassOutcome {
        pending = List.copyOf(pending);
        conflicts = Map.copyOf(conflicts);
        errors = List.copyOf(errors);
    }

    /**
     * This outcome with each change still missing at the replica dated no later than when an earlier pass found its key
     * missing ({@code since}): a key is dated by its latest write at the source, which an object rewritten faster than
     * it is copied keeps moving on, while the replica has lacked it since the first.
     */
    PassOutcome datedBy(Map<String, Instant> since) {
        if (since.isEmpty()) {
            return this;
        }
        List<Step> dated = pending.stream()
                .map(s -> earlier(since.get(s.key()), s.changedAt())
                        ? new Step(s.kind(), s.key(), s.source(), s.replica(), since.get(s.key()))
                        : s)
                .toList();
        Map<String, Conflict> datedConflicts = new TreeMap<>();
        conflicts.forEach((key, c) -> datedConflicts.put(
                key, earlier(since.get(key), c.changedAt()) ? new Conflict(c.description(), since.get(key)) : c));
        return new PassOutcome(
                copiedObjects, copiedBytes, deletedObjects, copiedBack, dated, datedConflicts, errors, errorCount);
    }

    private static boolean earlier(Instant candidate, Instant than) {
        return candidate != null && (than == null || candidate.isBefore(than));
    }

    /** When each key still missing at the replica was first found missing, as far as this outcome knows. */
    Map<String, Instant> missingSince() {
        Map<String, Instant> since = new java.util.HashMap<>();
        pending.stream()
                .filter(s -> s.kind() != PassPlan.Kind.COPY_BACK && s.changedAt() != null)
                .forEach(s -> since.merge(s.key(), s.changedAt(), (a, b) -> a.isBefore(b) ? a : b));
        conflicts.forEach((key, c) -> {
            if (c.changedAt() != null) {
                since.merge(key, c.changedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        });
        return since;
    }

    long backlogObjects() {
        return pending.size() + conflicts.size();
    }

    long backlogBytes() {
        return pending.stream().mapToLong(Step::bytes).sum();
    }

    /**
     * When the oldest change still missing at the replica was made (conflicts included), or null when none is; a copy back
     * still to do is missing at the source, not at the replica.
     */
    Instant oldestPending() {
        return Stream.concat(
                        pending.stream()
                                .filter(s -> s.kind() != PassPlan.Kind.COPY_BACK)
                                .map(Step::changedAt),
                        conflicts.values().stream().map(Conflict::changedAt))
                .min(Instant::compareTo)
                .orElse(null);
    }

    /**
     * Up to when the replica holds every change of the source: when the pass began listing it, or the oldest change
     * still missing if earlier.
     */
    Instant consistentAt(Instant started) {
        Instant oldest = oldestPending();
        return oldest == null || oldest.isAfter(started) ? started : oldest;
    }

    /** The conflicts as reported and kept in the ledger: key → what each side holds. */
    Map<String, String> conflictDescriptions() {
        Map<String, String> described = new TreeMap<>();
        conflicts.forEach((key, c) -> described.put(key, c.description()));
        return described;
    }

    PassReport report(Instant started, Instant ended) {
        return new PassReport(
                started,
                ended,
                true,
                null,
                copiedObjects,
                copiedBytes,
                deletedObjects,
                copiedBack,
                backlogObjects(),
                backlogBytes(),
                oldestPending(),
                conflictDescriptions(),
                errors,
                errorCount);
    }
}
