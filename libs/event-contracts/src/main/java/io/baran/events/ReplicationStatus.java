package io.baran.events;

import java.time.Instant;
import java.util.List;

/**
 * The payload of {@code io.baran.replication.status} on {@link Topics#REPLICATION_STATUS}, keyed by pair name:
 * how far one replica of an object-store replication pair is behind its source. Published after every pass,
 * and when a pass fails.
 *
 * <p>Fields are only ever added at the end, nullable or defaulted, so that older consumers read newer events
 * and newer consumers read older ones.
 *
 * @param pair                the pair's name, as configured ({@code baran.replication.pairs."<name>"})
 * @param source              the source location, e.g. {@code aws-main:s3://shop-assets}
 * @param replica             the replica location, e.g. {@code gcp-dr:gs://shop-assets}
 * @param mode                {@code mirror} (deletes propagate) or {@code archive} (they do not)
 * @param state               {@code initial-copy} (no complete pass yet), {@code in-sync}, {@code behind}
 *                            (the last pass left a backlog), {@code failing} (the last pass could not run),
 *                            or {@code failed-over} (the replica serves as primary; forward copy paused)
 * @param lagSeconds          the RPO: seconds since the newest moment up to which the replica is known to hold
 *                            every change of the source; null while the initial copy runs
 * @param consistentAt        that moment; null while the initial copy runs
 * @param oldestPendingChange when the oldest change the replica still lacks was made at the source; null when
 *                            the last pass left none
 * @param backlogObjects      objects to copy or delete that the last pass did not manage
 * @param backlogBytes        bytes to copy that the last pass did not manage
 * @param lastPassStarted     when the last pass began listing, successful or not
 * @param lastSuccessfulPass  when the last pass that listed both sides and finished ended
 * @param copiedObjects       objects copied by the last pass
 * @param copiedBytes         bytes copied by the last pass
 * @param deletedObjects      objects deleted at the replica by the last pass
 * @param conflicts           keys changed on both sides (or at a replica that should not change), never
 *                            overwritten; at most the first 20, with {@code conflictCount} the total
 * @param conflictCount       how many keys are in conflict
 * @param errors              the last pass's errors, at most the first 10, with {@code errorCount} the total
 * @param errorCount          how many errors the last pass had
 * @param at                  when this status was taken
 */
public record ReplicationStatus(
        String pair,
        String source,
        String replica,
        String mode,
        String state,
        Double lagSeconds,
        Instant consistentAt,
        Instant oldestPendingChange,
        long backlogObjects,
        long backlogBytes,
        Instant lastPassStarted,
        Instant lastSuccessfulPass,
        long copiedObjects,
        long copiedBytes,
        long deletedObjects,
        List<String> conflicts,
        int conflictCount,
        List<String> errors,
        int errorCount,
        Instant at) {

    public static final String TYPE = "io.baran.replication.status";

    public ReplicationStatus {
        conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
