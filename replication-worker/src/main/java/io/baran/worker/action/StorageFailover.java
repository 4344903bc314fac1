package io.baran.worker.action;

import io.baran.runbook.ActionType;
import io.baran.runbook.BoundWith;
import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.replication.FailbackReport;
import io.baran.worker.replication.Ledger;
import io.baran.worker.replication.Location;
import io.baran.worker.replication.ReplicationService;
import io.baran.worker.replication.Replicator;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code storage.failover}: the replica of a replication pair this worker runs serves as primary. Forward copying
 * stops ({@link ReplicationService#failover}: writes being made visible at the replica are waited for, up to
 * {@link #FENCE_WAIT} or {@code baran.replication.failover-wait} if shorter; with several worker
 * replicas, under the pair's pass lock), so what the
 * services write there is never overwritten or deleted by it. The summary starts {@code RPO <seconds>s}: every change
 * of the source made before the replica's last consistent moment is at the replica, none after.
 *
 * <p>Undo is the pair's failback ({@link ReplicationService#failback}): the replica's changes since the failover are
 * copied back to the source, keys changed on both sides are reported (conflicts, left as they are on both sides: a
 * person settles each with the replication API), and forward copying resumes. A replica that already served as primary
 * when the step was planned is left as it is, by apply and by undo (someone failed it over by hand; they fail it
 * back). A failback the mass-deletion guard held back fails the undo for a person ({@code PlanUnsafe}); copies back
 * that failed fail it for a retry ({@code ProviderUnavailable}): the replica stays failed over either way.
 */
@Singleton
public class StorageFailover implements Action {

    public static final String NAME = "storage.failover";
    private static final ActionType TYPE = StepInput.definition(NAME);
    private static final String FAILED_OVER = "failedOver";

    /**
     * The longest a step waits for the writes under way at the replica (at most {@code failover-wait}): below the
     * apply's heartbeat timeout (30 s), since that wait sends no heartbeat; a step that did not get there is retried. It
     * waits for the pair's pass lock up to {@code failover-wait}, heartbeating.
     */
    static final Duration FENCE_WAIT = Duration.ofSeconds(20);

    private final ReplicationService replication;
    private final Heartbeat heartbeat;

    public StorageFailover(ReplicationService replication, Heartbeat heartbeat) {
        this.replication = replication;
        this.heartbeat = heartbeat;
    }

    private Duration fenceWait() {
        Duration configured = replication.failoverWait();
        return configured.compareTo(FENCE_WAIT) < 0 ? configured : FENCE_WAIT;
    }

    /** The step's {@code with:} block, its buckets as the replication pairs name them. */
    record Input(Location source, Location replica) {}

    @Override
    public ActionType type() {
        return TYPE;
    }

    @Override
    public Input input(BoundWith with) {
        return new Input(StorageCheckReplica.location(with, "source"), StorageCheckReplica.location(with, "replica"));
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    Input input(StepCommand command) {
        return StepInput.read(this, command);
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        Replicator r = StorageCheckReplica.replicator(replication, command, in.source(), in.replica());
        // The ledger as it is now (the shared one's snapshot with several worker replicas), not this process's copy.
        Ledger.Meta meta = replication.meta(r);
        boolean failedOver = meta.failedOver();
        Double lag = lagSeconds(meta);
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("pair", r.pair());
        observed.put(FAILED_OVER, failedOver);
        if (lag != null) {
            observed.put("lagSeconds", lag);
        }
        String summary = failedOver
                ? in.replica() + " already serves as primary (pair " + r.pair() + " failed over): nothing to change"
                : "fail over " + in.replica() + " (pair " + r.pair() + "): forward copying from " + in.source()
                        + " stops and the replica takes writes (RPO now: "
                        + (lag == null ? "unknown, its initial copy is under way" : StorageCheckReplica.seconds(lag))
                        + ")";
        return new StepPlan(command.step(), NAME, !failedOver, summary, observed, Map.of(FAILED_OVER, true));
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        Target t = target(command, plan);
        Input in = t.in();
        Replicator r = t.replicator();
        if (wasFailedOver(plan)) {
            return new StepOutcome(
                    command.step(),
                    false,
                    in.replica() + " already served as primary when the step was planned (pair " + r.pair()
                            + "): nothing changed, and failback leaves it so");
        }
        if (!replication.failedOver(r)) {
            Replicator.Failover done;
            try {
                done = replication.failover(
                        r,
                        replication.failoverWait(),
                        fenceWait(),
                        () -> heartbeat.beat("failing over " + in.replica()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while failing over " + in.replica(), e);
            } catch (ReplicationService.NoPasses
                    | io.baran.worker.replication.PassLock.Unreachable
                    | io.baran.worker.replication.PassLock.Lost
                    | java.io.UncheckedIOException e) {
                throw Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, "step " + command.step() + ": " + e.getMessage());
            }
            if (!done.done()) {
                String why = switch (done.refused()) {
                    case PASS_ELSEWHERE ->
                        "the pair's pass lock was held elsewhere for the whole " + replication.failoverWait();
                    case FAILING_BACK -> "its failback was under way";
                    case WRITES_UNDER_WAY ->
                        done.writesUnderWay() + " copies were still being written to it after " + fenceWait();
                };
                throw Failures.of(
                        FailureTypes.PROVIDER_UNAVAILABLE,
                        "step " + command.step() + ": " + in.replica() + " not failed over yet: " + why
                                + "; nothing changed, retried");
            }
            replication.publish(r);
        }
        // The ledger as it is now (the shared one with several worker replicas): the RPO is measured as this answers.
        Ledger.Meta meta = replication.meta(r);
        Double lag = lagSeconds(meta);
        String serves = in.replica() + " serves as primary (pair " + r.pair() + "): forward copying from " + in.source()
                + " stopped; ";
        return new StepOutcome(
                command.step(),
                true,
                lag == null
                        ? "RPO unknown: " + serves + "its initial copy had not finished, so objects of the source may"
                                + " be missing there"
                        : "RPO " + StorageCheckReplica.seconds(lag) + ": " + serves
                                + "it holds every change of the source made before " + meta.consistentAt());
    }

    /** Now less the moment up to which the replica holds every change of its source; null before its first. */
    private static Double lagSeconds(Ledger.Meta meta) {
        return meta.consistentAt() == null
                ? null
                : Math.max(
                                0,
                                Duration.between(meta.consistentAt(), Instant.now())
                                        .toMillis())
                        / 1000.0;
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        Target t = target(command, plan);
        Input in = t.in();
        Replicator r = t.replicator();
        if (wasFailedOver(plan)) {
            return new StepOutcome(
                    command.step(),
                    false,
                    in.replica() + " served as primary before this step (pair " + r.pair()
                            + "): left as it is; fail it back with the replication API");
        }
        Optional<FailbackReport> failedBack;
        try {
            failedBack = replication.failbackIfFailedOver(
                    r, replication.failoverWait(), () -> heartbeat.beat("failing back " + in.replica()));
        } catch (ReplicationService.PassElsewhere
                | ReplicationService.NoPasses
                | Replicator.Busy
                | io.baran.worker.replication.PassLock.Unreachable
                | io.baran.worker.replication.PassLock.Lost
                | java.io.UncheckedIOException e) {
            throw Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, "step " + command.step() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while failing back " + in.replica(), e);
        }
        String resolve = "POST /api/replication/pairs/" + r.pair() + "/";
        if (failedBack.isEmpty()) {
            // Failed back already: by an earlier attempt of this undo (whose answer was lost), or by a person.
            Map<String, String> left = replication.meta(r).conflicts();
            return new StepOutcome(
                    command.step(),
                    false,
                    in.replica() + " does not serve as primary (pair " + r.pair() + ": failed back already, by an"
                            + " earlier attempt or by hand, or never failed over): nothing to undo; "
                            + (left.isEmpty()
                                    ? "no conflicts left"
                                    : left.size() + " conflicts left (e.g. "
                                            + left.keySet().stream()
                                                    .sorted()
                                                    .findFirst()
                                                    .orElseThrow()
                                            + "): settle each with " + resolve + "conflicts/resolve"));
        }
        FailbackReport report = failedBack.get();
        replication.publish(r);
        if (!report.deletionsHeldBack().isEmpty()) {
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    "step " + command.step() + ": failback of " + in.replica() + " incomplete: the mass-deletion guard"
                            + " held back " + report.deletionsHeldBack().size() + " deletions at " + in.source()
                            + " (first: " + report.deletionsHeldBack().get(0)
                            + "); the replica still serves as primary:"
                            + " review them, then fail back with " + resolve + "failback");
        }
        if (!report.errors().isEmpty()) {
            throw Failures.of(
                    FailureTypes.PROVIDER_UNAVAILABLE,
                    "step " + command.step() + ": failback of " + in.replica() + " incomplete: "
                            + report.errors().size() + " copies back to the source failed (first: "
                            + report.errors().get(0) + "); the replica still serves as primary, retried");
        }
        String conflicts = report.conflicts().isEmpty()
                ? "no conflicts"
                : report.conflicts().size() + " keys changed at both sides left as they are (conflicts, e.g. "
                        + report.conflicts().keySet().stream()
                                .sorted()
                                .findFirst()
                                .orElseThrow()
                        + "): settle each with " + resolve + "conflicts/resolve";
        return new StepOutcome(
                command.step(),
                true,
                "failed back " + in.replica() + " (pair " + r.pair() + "): "
                        + report.copiedBack().size()
                        + " objects copied back to " + in.source() + ", "
                        + report.deletedAtSource().size()
                        + " deleted there; " + conflicts + "; forward copying resumed");
    }

    /** What apply and undo act on, once the plan given is checked to be this action's. */
    private record Target(Input in, Replicator replicator) {}

    private Target target(StepCommand command, StepPlan plan) {
        PlanCheck.of(NAME, command, plan);
        Input in = input(command);
        return new Target(in, StorageCheckReplica.replicator(replication, command, in.source(), in.replica()));
    }

    private static boolean wasFailedOver(StepPlan plan) {
        return Boolean.TRUE.equals(plan.observed().get(FAILED_OVER));
    }
}
