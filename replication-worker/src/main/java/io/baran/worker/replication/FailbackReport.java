package io.baran.worker.replication;

import java.util.List;
import java.util.Map;

/**
 * What reversing a replica on failback did: the changes made at the replica while it served as primary,
 * copied back to the source; and the conflicts, keys changed on both sides, which are reported and left as
 * they are on both sides.
 *
 * @param copiedBack        objects copied from the replica to the source
 * @param deletedAtSource   objects deleted at the replica and so at the source (mirror mode)
 * @param deletionsHeldBack objects deleted at the replica that the mass-deletion guard kept at the source (its
 *                          refusal is among the errors; the replica stays failed over)
 * @param conflicts         key → what each side holds
 * @param errors            copies back that failed (the failback is incomplete when any did)
 */
public record FailbackReport(
        String pair,
        String replica,
        List<String> copiedBack,
        List<String> deletedAtSource,
        List<String> deletionsHeldBack,
        Map<String, String> conflicts,
        List<String> errors) {

    public FailbackReport {
        copiedBack = List.copyOf(copiedBack);
        deletedAtSource = List.copyOf(deletedAtSource);
        deletionsHeldBack = List.copyOf(deletionsHeldBack);
        conflicts = Map.copyOf(conflicts);
        errors = List.copyOf(errors);
    }

    /** Every change at the replica is back at the source, and nothing conflicts. */
    public boolean clean() {
        return conflicts.isEmpty() && errors.isEmpty();
    }
}
