package io.baran.worker.action;

import io.baran.runbook.BoundWith;
import io.baran.worker.Failures;
import io.baran.worker.provider.Capability;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DatabaseProvider;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.ReplicaState;
import io.baran.worker.provider.ReplicaState.PrimaryWrites;
import io.baran.worker.provider.ReplicaState.Role;
import io.baran.worker.provider.Support;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code database.promote-replica}: makes a read replica the primary, after fencing the old primary
 * where the provider can, so two primaries never both take writes.
 *
 * <p>A promotion is one-way: a promoted replica cannot become a replica again without rebuilding it, so
 * once the promotion is done the undo refuses (CapabilityMissing) and says what a person must do; the old
 * primary stays fenced. Before the promotion is done (an apply that failed after fencing), the undo lifts
 * the fence exactly as the plan observed it.
 */
@Singleton
public class PromoteReplica extends ProviderAction {

    public static final String NAME = "database.promote-replica";

    @Inject
    public PromoteReplica(Providers providers) {
        super(NAME, providers);
    }

    /**
     * The step's {@code with:} block.
     *
     * @param fenceRequired true ({@code fence: required}, the default) refuses to promote unless the old
     *                      primary is made to refuse writes first; false ({@code fence: best-effort}) fences
     *                      it when the provider can and it answers, and promotes anyway otherwise
     */
    public record Input(String provider, String instance, boolean fenceRequired) {}

    @Override
    public Input input(BoundWith with) {
        return new Input(with.text("provider"), with.text("instance"), "required".equals(with.text("fence")));
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    public Input input(StepCommand command) {
        return input(StepInput.bind(this, command));
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        boolean canFence = canFence(in);
        DatabaseProvider db = providers.database(in.provider());
        ReplicaState current = db.observe(in.instance());
        boolean fence = canFence && current.primaryWrites() == PrimaryWrites.ACCEPTS;
        boolean changes = current.role() == Role.REPLICA || fence;
        ControlPlane controlPlane = db.controlPlane(in.instance());
        StringBuilder summary = new StringBuilder(in.instance() + ": " + current.describe());
        if (changes) {
            summary.append(" -> ").append(current.role() == Role.REPLICA ? "promoted to primary" : "stays primary");
            summary.append(fence ? "; old primary " + current.primary() + " fenced (refuses writes)" : "");
            summary.append(
                    fence && current.role() == Role.PRIMARY
                            ? ", not waiting for a replay: what it wrote after the promotion cannot be replayed on "
                                    + current.replica()
                            : "");
            boolean cannotReach = current.primaryWrites() == PrimaryWrites.UNREACHABLE
                    || (canFence && current.primaryWrites() == PrimaryWrites.UNKNOWN);
            if (cannotReach && current.role() == Role.REPLICA) {
                String why = current.primary() == null ? "no old primary configured" : "old primary unreachable";
                summary.append(
                        in.fenceRequired()
                                ? "; " + why + ": apply will refuse (fence: required)"
                                : "; " + why + ": not fenced (fence: best-effort)");
            } else if (!canFence) {
                summary.append("; old primary not fenced: the provider cannot");
            }
            summary.append("; one-way: undo cannot demote it");
        } else {
            summary.append(" already as wanted");
        }
        summary.append(controlPlane.note());
        Map<String, Object> desired = new LinkedHashMap<>();
        desired.put("role", Role.PRIMARY.name());
        desired.put("fencePrimary", fence);
        desired.put("reversible", false);
        return new StepPlan(
                command.step(), NAME, changes, summary.toString(), controlPlane.addTo(current.toMap()), desired);
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        Bound s = bind(command, plan);
        Input in = s.in();
        ReplicaState current = s.current();
        // A provider may forget the primary of a promoted instance (RDS does); while it replicates, it must be the same
        // one.
        if (!same(current.replica(), s.observed().replica())
                || (current.role() == Role.REPLICA
                        && !same(current.primary(), s.observed().primary()))) {
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    in.instance() + " of provider " + in.provider() + " is now " + current.describe() + ", not "
                            + s.observed().describe() + " as planned; plan again");
        }
        boolean fenceNow = s.canFence()
                && current.primaryWrites() != PrimaryWrites.UNREACHABLE
                && current.primaryWrites() != PrimaryWrites.UNKNOWN;
        if (current.role() == Role.PRIMARY && (!fenceNow || current.primaryWrites() == PrimaryWrites.REFUSES)) {
            return new StepOutcome(
                    command.step(), false, in.instance() + " already " + current.describe() + s.waited());
        }
        if (s.canFence() && in.fenceRequired() && !fenceNow) {
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    "refusing to promote " + in.instance() + " of provider " + in.provider()
                            + ": its primary "
                            + (current.primary() == null ? "is not configured" : current.primary() + " is unreachable")
                            + ", so it cannot be fenced, and fence: required forbids two primaries."
                            + " If you know it is down, run the step with fence: best-effort");
        }
        if (fenceNow && current.role() == Role.PRIMARY) {
            return fenceAfterPromotion(command, s);
        }
        if (fenceNow) {
            s.db().fence(in.instance());
        }
        s.db().promote(in.instance());
        ReplicaState after = s.db().observe(in.instance());
        if (after.role() != Role.PRIMARY) {
            throw Failures.of(
                    FailureTypes.PROVIDER_UNAVAILABLE,
                    in.instance() + " of provider " + in.provider() + " is still a replica after the promotion");
        }
        String fenced = fenceNow
                ? "; old primary " + current.primary() + " fenced"
                        + (after.primaryWrites() == PrimaryWrites.REFUSES
                                ? " (refuses writes)"
                                : " (" + after.primaryWrites() + ")")
                : s.canFence()
                        ? "; old primary " + current.primary() + " NOT fenced: unreachable (fence: best-effort)"
                        : "; old primary not fenced: the provider cannot";
        return new StepOutcome(
                command.step(),
                true,
                in.instance() + " promoted: " + after.replica() + " is primary" + fenced + s.waited());
    }

    /**
     * The replica is primary already (an earlier attempt promoted it while the old primary could not be fenced) and the
     * old primary is back, taking writes: fence it now. The promoted replica replays nothing more, so this does not wait
     * for it to catch up, which it never would; what the old primary wrote after the promotion stays there, and the
     * outcome says so.
     */
    private StepOutcome fenceAfterPromotion(StepCommand command, Bound s) {
        Input in = s.in();
        String left = s.db().fenceAfterPromotion(in.instance());
        ReplicaState after = s.db().observe(in.instance());
        return new StepOutcome(
                command.step(),
                true,
                in.instance() + " already promoted: " + after.replica() + " is primary; old primary "
                        + s.current().primary() + " took writes again: fenced now"
                        + (after.primaryWrites() == PrimaryWrites.REFUSES
                                ? " (refuses writes)"
                                : " (" + after.primaryWrites() + ")")
                        + "; " + left);
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        Bound s = bind(command, plan);
        Input in = s.in();
        ReplicaState current = s.current();
        if (current.role() == Role.PRIMARY && s.observed().role() == Role.REPLICA) {
            Support demote = providers.find(in.provider()).support(Capability.DATABASE_DEMOTE);
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "cannot undo the promotion of " + in.instance() + " ("
                            + current.replica() + ") by provider " + in.provider() + ": " + demote.describe()
                            + ". It stays primary"
                            + (current.primaryWrites() == PrimaryWrites.REFUSES
                                    ? " and the old primary " + current.primary() + " stays fenced"
                                    : "")
                            + ". To fail back, rebuild the old primary as a replica of "
                            + current.replica() + ", then promote it" + s.waited());
        }
        boolean fencedByStep = s.canFence()
                && s.observed().primaryWrites() == PrimaryWrites.ACCEPTS
                && current.primaryWrites() == PrimaryWrites.REFUSES;
        if (!fencedByStep) {
            return new StepOutcome(
                    command.step(),
                    false,
                    in.instance() + " is " + current.describe() + "; nothing to undo" + s.waited());
        }
        if (s.observed().role() == Role.PRIMARY) {
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    "will not lift the fence of " + current.primary() + ": " + in.instance()
                            + " is primary too, and the plan observed two primaries taking writes");
        }
        s.db().unfence(in.instance(), s.observed());
        return new StepOutcome(
                command.step(),
                true,
                in.instance() + " was not promoted; the fence of its primary " + current.primary()
                        + " is lifted, as before the step");
    }

    /**
     * What apply and undo start from: the step's input, whether to fence, the replica as planned and as it is now, and
     * what the provider was still doing before (null when nothing: {@link DatabaseProvider#settle}).
     */
    private record Bound(
            Input in,
            boolean canFence,
            DatabaseProvider db,
            ReplicaState observed,
            ReplicaState current,
            String settled) {

        /** {@link #settled} as a clause for an outcome or an error, empty when nothing was under way. */
        String waited() {
            return settled == null ? "" : " (" + settled + ")";
        }
    }

    private Bound bind(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlanCheck.of(NAME, command, plan);
        ReplicaState observed = ReplicaState.fromPlan(plan.observed(), "plan of step " + command.step() + ": observed");
        boolean canFence = canFence(in);
        DatabaseProvider db = providers.database(in.provider());
        // A promotion an earlier attempt asked for may still be under way at the provider: act on where it ends.
        String settled = db.settle(in.instance());
        return new Bound(in, canFence, db, observed, db.observe(in.instance()), settled);
    }

    /** Whether to fence; refuses (CapabilityMissing) a step that requires fencing on a provider that cannot. */
    private boolean canFence(Input in) {
        ConfiguredProvider provider = providers.require(in.provider(), Capability.DATABASE_PROMOTE);
        Support fence = provider.support(Capability.DATABASE_FENCE);
        if (!fence.available() && in.fenceRequired()) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "provider " + in.provider() + " (type " + provider.type()
                            + ") cannot fence the old primary of " + in.instance() + ": " + fence.reason()
                            + ". With fence: required (the default) the step is refused; set fence: best-effort to promote without fencing");
        }
        return fence.available();
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
