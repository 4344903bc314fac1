package io.baran.worker.action;

import io.baran.events.ReplicationStatus;
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
import java.util.Set;

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
    static final Set<String> FIELDS = Set.of("source", "replica", "maxLag");

    private final ReplicationService replication;

    public StorageCheckReplica(ReplicationService replication) {
        this.replication = replication;
    }

    /** The step's {@code with:} block, bound. */
    record Input(Location source, Location replica, Duration maxLag, String maxLagText) {

        static Input bind(StepCommand command) {
            WithBlock with = new WithBlock(command, FIELDS);
            Location source = location(with, "source", with.requiredString("source"));
            Location replica = location(with, "replica", with.requiredString("replica"));
            String maxLag = with.requiredDurationText("maxLag");
            if (source != null && source.equals(replica)) {
                with.invalid("replica", "is the same bucket as source");
            }
            with.throwIfInvalid();
            return new Input(source, replica, WithBlock.duration(maxLag), maxLag);
        }

        private static Location location(WithBlock with, String field, String text) {
            if (text == null) {
                return null;
            }
            try {
                return Location.parse(text);
            } catch (IllegalArgumentException e) {
                with.invalid(field, e.getMessage());
                return null;
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = Input.bind(command);
        ReplicationStatus status = replicator(command, in).status();
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("state", status.state());
        if (status.lagSeconds() != null) {
            observed.put("lagSeconds", status.lagSeconds());
        }
        return new StepPlan(command.step(), NAME, false, "check " + in.replica() + " lags " + in.source() + " by at most " + in.maxLagText()
                + " (now: " + (status.lagSeconds() == null ? "initial copy under way" : seconds(status.lagSeconds())) + ")",
                observed, Map.of());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        PlanCheck.of(NAME, command, plan);
        Input in = Input.bind(command);
        Replicator replicator = replicator(command, in);
        ReplicationStatus s = replicator.status();
        String where = in.replica() + " (pair " + s.pair() + ", " + s.state() + ", backlog " + s.backlogObjects() + " objects / "
                + s.backlogBytes() + " bytes" + (s.conflictCount() > 0 ? ", " + s.conflictCount() + " conflicts" : "")
                + (s.errorCount() > 0 ? ", last pass: " + s.errors().get(0) : "") + ")";
        if (s.lagSeconds() == null) {
            throw Failures.of(FailureTypes.HEALTH_CHECK_FAILED, "step " + command.step() + ": RPO unknown: " + where
                    + " has not finished its initial copy from " + in.source());
        }
        if (s.lagSeconds() * 1000 > in.maxLag().toMillis()) {
            throw Failures.of(FailureTypes.HEALTH_CHECK_FAILED, "step " + command.step() + ": RPO " + seconds(s.lagSeconds()) + " exceeds maxLag "
                    + in.maxLagText() + ": " + where + " holds every change of " + in.source() + " made before " + s.consistentAt()
                    + ", none after");
        }
        return new StepOutcome(command.step(), false, "RPO " + seconds(s.lagSeconds()) + " (maxLag " + in.maxLagText() + "): " + where
                + " holds every change of " + in.source() + " made before " + s.consistentAt());
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        return new StepOutcome(command.step(), false, NAME + " changes nothing; nothing to undo");
    }

    private Replicator replicator(StepCommand command, Input in) {
        return replication.find(in.source(), in.replica()).orElseThrow(() -> Failures.of(FailureTypes.CAPABILITY_MISSING,
                "step " + command.step() + ": no replication pair of this replication-worker copies " + in.source() + " to "
                        + in.replica() + " (pairs: " + (replication.pairs().isEmpty() ? "none"
                        : String.join("; ", replication.pairs().stream().map(p -> p.name() + ": " + p.source() + " -> "
                        + p.replicas().stream().map(r -> r.replicaAt().toString()).toList()).toList())) + ")"));
    }

    /** e.g. {@code 12.3s}. */
    static String seconds(double s) {
        return String.format(java.util.Locale.ROOT, "%.1fs", s);
    }
}
