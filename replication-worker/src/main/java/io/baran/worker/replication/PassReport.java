package io.baran.worker.replication;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one pass of one replica did.
 *
 * @param listed         both sides were listed (a pass that could not list changes nothing)
 * @param skipped        why the pass did not run (the replica is failed over), or null
 * @param copiedBack     objects written at the replica after a failback and copied to the source
 * @param backlogObjects objects still to copy or delete when the pass ended, conflicts included
 * @param backlogBytes   bytes still to copy
 * @param oldestPending  when the oldest change still missing at the replica was made, or null
 * @param conflicts      keys changed on both sides, with what each side holds
 * @param errors         the first errors (at most ten), {@code errorCount} of them in all
 */
public record PassReport(
        Instant started,
        Instant ended,
        boolean listed,
        String skipped,
        long copiedObjects,
        long copiedBytes,
        long deletedObjects,
        long copiedBack,
        long backlogObjects,
        long backlogBytes,
        Instant oldestPending,
        Map<String, String> conflicts,
        List<String> errors,
        int errorCount) {

    public PassReport {
        conflicts = conflicts == null ? Map.of() : Map.copyOf(conflicts);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** Listed both sides and did everything it found to do without an error. */
    public boolean successful() {
        return listed && skipped == null && errorCount == 0;
    }

    public String describe() {
        if (skipped != null) {
            return "skipped: " + skipped;
        }
        if (!listed) {
            return "failed: " + String.join("; ", errors);
        }
        return "copied " + copiedObjects + " objects (" + copiedBytes + " bytes), deleted " + deletedObjects
                + (copiedBack > 0 ? ", copied back " + copiedBack + " written at the replica after failback" : "")
                + ", backlog " + backlogObjects + " objects (" + backlogBytes + " bytes), " + conflicts.size()
                + " conflicts, " + errorCount + " errors";
    }
}
