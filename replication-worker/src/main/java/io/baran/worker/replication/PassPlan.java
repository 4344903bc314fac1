package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What one pass of one replica will do, decided from the two listings and the ledger before anything is
 * changed: the objects to copy (largest first), the objects to delete, the conflicts, the objects found in
 * step by their checksums (recorded in the ledger, not copied), the ledger records of objects gone from both
 * sides, and the mass-deletion guard's verdict. A value: printable ({@link #describe()}, {@link #render(int)})
 * and carried out by {@link PassExecutor}.
 *
 * @param pair         the pair it belongs to (named in the guard's refusal)
 * @param started      when the pass began listing the source
 * @param deletedSince when the changes the pass finds gone from the source were made, at the latest: when the
 *                     last listing that still saw them began (the start of this pass on the first one)
 * @param copies       objects new or changed at the source, largest first
 * @param copiesBack   late writes at the replica after a failback, to copy to the source
 *                     ({@link PassPlanner.LateWrites})
 * @param deletions    objects the source no longer has (mirror mode), whether or not the guard lets them go
 * @param conflicts    keys changed at both sides: left alone
 * @param inStep       keys whose contents the checksums show to be the same on both sides, with the ledger record
 *                     that says so from now on
 * @param forgotten    keys the ledger knows that neither side holds any more
 * @param guard        the mass-deletion guard's verdict on {@code deletions}
 */
public record PassPlan(
        String pair,
        Instant started,
        Instant deletedSince,
        List<Step> copies,
        List<Step> copiesBack,
        List<Step> deletions,
        Map<String, Conflict> conflicts,
        Map<String, Ledger.Entry> inStep,
        Set<String> forgotten,
        Guard guard) {

    /** What a step does: copy, delete, or compare the contents first (no checksum both listings know could tell). */
    public enum Kind {
        /** Copy the source's object over the replica's (or where it has none). */
        COPY,
        /** Delete the replica's object (the source no longer has it). */
        DELETE,
        /** Compare the contents by reading their checksums first; copy when they differ. */
        VERIFY,
        /** The replica changed since Baran wrote it: compare first; a difference is a conflict, never overwritten. */
        VERIFY_OR_CONFLICT,
        /**
         * A late write at the replica after a failback: copy the replica's object to the source, which does not have
         * the key or holds what Baran last copied of it.
         */
        COPY_BACK
    }

    /** One thing to do, and when the change behind it was made at the source. */
    public record Step(Kind kind, String key, Blob source, Blob replica, Instant changedAt) {
        /** The bytes it copies: the source object's size (the replica's for a copy back); nothing for a deletion. */
        public long bytes() {
            if (kind == Kind.COPY_BACK) {
                return replica.size();
            }
            return kind == Kind.DELETE || source == null ? 0 : source.size();
        }
    }

    /** A key changed at both sides: what each holds, and when the source's change was made (it holds the lag). */
    public record Conflict(String description, Instant changedAt) {}

    /**
     * The mass-deletion guard's verdict.
     *
     * @param deletions        deletions the pass found
     * @param objects          objects the side deleted from holds (the replica; the source on failback)
     * @param maxDeletePercent the largest share of them a pass may delete
     * @param tripped          more than that share, of at least {@value PassPlanner#GUARDED_SIZE} objects: none is
     *                         deleted
     */
    public record Guard(int deletions, int objects, int maxDeletePercent, boolean tripped) {}

    public PassPlan {
        copies = List.copyOf(copies);
        copiesBack = List.copyOf(copiesBack);
        deletions = List.copyOf(deletions);
        conflicts = Map.copyOf(conflicts);
        inStep = Map.copyOf(inStep);
        forgotten = Set.copyOf(forgotten);
    }

    /**
     * What the pass carries out: the copies, largest first, the copies back, then the deletions unless the guard holds
     * them back.
     */
    public List<Step> steps() {
        if (copiesBack.isEmpty() && (guard.tripped() || deletions.isEmpty())) {
            return copies;
        }
        List<Step> steps = new ArrayList<>(copies.size() + copiesBack.size() + deletions.size());
        steps.addAll(copies);
        steps.addAll(copiesBack);
        if (!guard.tripped()) {
            steps.addAll(deletions);
        }
        return steps;
    }

    /** The deletions the guard held back: they stay backlog until a person decides. */
    public List<Step> withheld() {
        return guard.tripped() ? deletions : List.of();
    }

    /** The bytes {@link #steps()} copy, either way. */
    public long bytes() {
        return Stream.concat(copies.stream(), copiesBack.stream())
                .mapToLong(Step::bytes)
                .sum();
    }

    /** When a change found at the source was made: the object's time, or {@link #deletedSince} when unknown or gone. */
    public Instant changedAt(Blob source) {
        return source != null && source.modified() != null ? source.modified() : deletedSince;
    }

    /** Why the pass deletes nothing, and what a person can do; null when the guard let the deletions go. */
    public String guardRefusal() {
        if (!guard.tripped()) {
            return null;
        }
        return "pair " + pair + ": the source no longer has " + guard.deletions() + " of the replica's "
                + guard.objects()
                + " objects (more than " + guard.maxDeletePercent()
                + "%); none deleted. Delete them at the replica yourself, or raise "
                + "baran.replication.pairs.\"" + pair + "\".max-delete-percent, if the source was emptied on purpose";
    }

    /** One line: {@code pair assets: copy 3 objects (12 bytes, 1 to compare first), delete 1, 0 conflicts, ...}. */
    public String describe() {
        long compare = copies.stream().filter(s -> s.kind() != Kind.COPY).count();
        return "pair " + pair + ": copy " + copies.size() + " objects (" + bytes() + " bytes"
                + (compare > 0 ? ", " + compare + " to compare first" : "") + "), "
                + (copiesBack.isEmpty()
                        ? ""
                        : "copy back " + copiesBack.size() + " written at the replica after failback, ")
                + "delete "
                + (guard.tripped() ? "0 (" + deletions.size() + " held back)" : deletions.size())
                + ", " + conflicts.size() + " conflicts, " + inStep.size() + " found in step, " + forgotten.size()
                + " forgotten; mass-deletion guard " + (guard.tripped() ? "tripped" : "passed") + " ("
                + guard.deletions() + " of "
                + guard.objects() + ", at most " + guard.maxDeletePercent() + "%)";
    }

    /**
     * {@link #describe()}, then a line per key ({@code +} copy, {@code ?} compare, {@code <} copy back, {@code -}
     * delete, {@code !} conflict), at most {@code max}.
     */
    public String render(int max) {
        StringBuilder out = new StringBuilder(describe());
        List<String> lines = Stream.of(
                        copies.stream()
                                .map(s ->
                                        (s.kind() == Kind.COPY ? "+ " : "? ") + s.key() + " (" + s.bytes() + " bytes)"),
                        copiesBack.stream()
                                .map(s -> "< " + s.key() + " (" + s.bytes() + " bytes, written at the replica after "
                                        + "failback)"),
                        deletions.stream()
                                .map(s -> "- " + s.key() + (guard.tripped() ? " (held back by the guard)" : "")),
                        conflicts.entrySet().stream()
                                .sorted(Map.Entry.comparingByKey())
                                .map(c ->
                                        "! " + c.getKey() + ": " + c.getValue().description()))
                .flatMap(s -> s)
                .toList();
        lines.stream().limit(max).forEach(l -> out.append('\n').append("  ").append(l));
        if (lines.size() > max) {
            out.append('\n').append("  ... and ").append(lines.size() - max).append(" more");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
