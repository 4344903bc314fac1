package io.baran.worker.action;

import io.baran.events.ReplicationStatus;
import io.baran.runbook.ActionType;
import io.baran.runbook.BoundWith;
import io.baran.worker.Failures;
import io.baran.worker.replication.Location;
import io.baran.worker.replication.ReplicationService;
import io.baran.worker.replication.Replicator;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code storage.check-replica}: passes when a replica of a replication pair this worker runs lags its source
 * by no more than {@code maxLag}, and reports the measured lag (the RPO) in its summary, which starts
 * {@code RPO <seconds>s}. Fails with {@code HealthCheckFailed} when the replica is staler, or has not finished
 * its initial copy; with {@code CapabilityMissing} when no configured pair copies source to replica.
 * Changes nothing, so its undo does nothing.
 */
@Singleton
public class StorageCheckReplica implements Action {

    public static final String NAME = "storage.check-replica";
    private static final ActionType TYPE = StepInput.definition(NAME);

    private final ReplicationService replication;

    public StorageCheckReplica(ReplicationService replication) {
        this.replication = replication;
    }

    /** The step's {@code with:} block, its buckets as the replication pairs name them. */
    record Input(Location source, Location replica, Duration maxLag, String maxLagText) {}

    @Override
    public ActionType type() {
        return TYPE;
    }

    /**
     * The model has checked the form {@code provider:scheme://bucket}; a scheme no replication store reads
     * (only s3, gs, az and file) is refused here, as InvalidInput.
     */
    @Override
    public Input input(BoundWith with) {
        return new Input(
                location(with, "source"),
                location(with, "replica"),
                with.duration("maxLag"),
                with.durationText("maxLag"));
    }

    /** The {@code with:} field's bucket as the replication pairs name it; IllegalArgumentException naming the field. */
    static Location location(BoundWith with, String field) {
        try {
            return Location.parse(with.text(field));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("with." + field + " " + e.getMessage(), e);
        }
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    Input input(StepCommand command) {
        return StepInput.read(this, command);
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        ReplicationStatus status = replication.status(replicator(command, in));
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("state", status.state());
        if (status.lagSeconds() != null) {
            observed.put("lagSeconds", status.lagSeconds());
        }
        return new StepPlan(
                command.step(),
                NAME,
                false,
                "check " + in.replica() + " lags " + in.source() + " by at most " + in.maxLagText() + " (now: "
                        + (status.lagSeconds() == null ? "initial copy under way" : seconds(status.lagSeconds())) + ")",
                observed,
                Map.of());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        PlanCheck.of(NAME, command, plan);
        Input in = input(command);
        ReplicationStatus s = replication.status(replicator(command, in));
        String where = in.replica() + " (pair " + s.pair() + ", " + s.state() + ", backlog " + s.backlogObjects()
                + " objects / "
                + s.backlogBytes() + " bytes" + (s.conflictCount() > 0 ? ", " + s.conflictCount() + " conflicts" : "")
                + (s.errorCount() > 0 ? ", last pass: " + s.errors().get(0) : "") + ")";
        if (s.lagSeconds() == null) {
            throw Failures.of(
                    FailureTypes.HEALTH_CHECK_FAILED,
                    "step " + command.step() + ": RPO unknown: " + where + " has not finished its initial copy from "
                            + in.source());
        }
        if (s.lagSeconds() * 1000 > in.maxLag().toMillis()) {
            throw Failures.of(
                    FailureTypes.HEALTH_CHECK_FAILED,
                    "step " + command.step() + ": RPO " + seconds(s.lagSeconds()) + " exceeds maxLag "
                            + in.maxLagText() + ": " + where + " holds every change of " + in.source() + " made before "
                            + s.consistentAt()
                            + ", none after");
        }
        return new StepOutcome(
                command.step(),
                false,
                "RPO " + seconds(s.lagSeconds()) + " (maxLag " + in.maxLagText() + "): " + where
                        + " holds every change of " + in.source() + " made before " + s.consistentAt());
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        return new StepOutcome(command.step(), false, NAME + " changes nothing; nothing to undo");
    }

    private Replicator replicator(StepCommand command, Input in) {
        return replicator(replication, command, in.source(), in.replica());
    }

    /** The replicator copying source to replica; fails (CapabilityMissing) naming every pair this worker runs. */
    static Replicator replicator(
            ReplicationService replication, StepCommand command, Location source, Location replica) {
        return replication
                .find(source, replica)
                .orElseThrow(() -> Failures.of(
                        FailureTypes.CAPABILITY_MISSING,
                        "step " + command.step() + ": no replication pair of this replication-worker copies "
                                + source + " to "
                                + replica + " (pairs: "
                                + (replication.pairs().isEmpty()
                                        ? "none"
                                        : String.join(
                                                "; ",
                                                replication.pairs().stream()
                                                        .map(p -> p.name() + ": " + p.source() + " -> "
                                                                + p.replicas().stream()
                                                                        .map(r -> r.replicaAt()
                                                                                .toString())
                                                                        .toList())
                                                        .toList()))
                                + ")"));
    }

    /** e.g. {@code 12.3s}. */
    static String seconds(double s) {
        return String.format(java.util.Locale.ROOT, "%.1fs", s);
    }
}
