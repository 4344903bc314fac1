package io.baran.worker.action;

import io.baran.runbook.BoundWith;
import io.baran.worker.Failures;
import io.baran.worker.provider.Capability;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DatabaseSwitchover;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.Topology;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * {@code database.switchover}: a planned switchover, which makes a replica (an Aurora global database's
 * secondary cluster, a Cloud SQL disaster-recovery replica) the primary and the old primary its replica,
 * losing no data. The plan records the topology it observed; the undo switches back to the member that was
 * primary then, and refuses (PlanUnsafe) when the topology changed since (someone else switched), as apply
 * does when it is no longer as planned.
 */
@Singleton
public class Switchover extends ProviderAction {

    public static final String NAME = "database.switchover";

    @Inject
    public Switchover(Providers providers) {
        super(NAME, providers);
    }

    /**
     * The step's {@code with:} block.
     *
     * @param instance the member that becomes primary (on aws an Aurora cluster's name or ARN)
     */
    public record Input(String provider, String instance) {}

    @Override
    public Input input(BoundWith with) {
        return new Input(with.text("provider"), with.text("instance"));
    }

    /** The step's input; fails (InvalidInput) with every violation of the with: block. */
    public Input input(StepCommand command) {
        return input(StepInput.bind(this, command));
    }

    @Override
    public StepPlan plan(StepCommand command) {
        Input in = input(command);
        Target t = target(in);
        Topology current = t.db.observeTopology(in.instance());
        if (!current.isMember(t.member)) {
            throw Failures.of(
                    FailureTypes.INVALID_INPUT,
                    "step " + command.step() + " (" + NAME + "): " + in.instance()
                            + " of provider " + in.provider()
                            + " cannot take the primary role by a switchover: the topology it was"
                            + " found in is " + current.describe());
        }
        Topology desired = current.switchedTo(t.member);
        boolean changes = !current.sameAs(desired);
        String summary = in.instance() + ": "
                + (changes
                        ? current.diff(desired) + " (" + current.primary()
                                + " becomes a secondary; no data lost; undo switches back to " + current.primary() + ")"
                        : "already " + current.describe())
                + t.controlPlane.note();
        return new StepPlan(
                command.step(), NAME, changes, summary, t.controlPlane.addTo(current.toMap()), desired.toMap());
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlannedStates<Topology> states = PlannedStates.of(NAME, command, plan, Topology::fromPlan);
        return roles(in).apply(command.step(), states.observed(), states.desired());
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        Input in = input(command);
        PlannedStates<Topology> states = PlannedStates.of(NAME, command, plan, Topology::fromPlan);
        // A switchover the apply asked for may still run at the provider: switch back from where it ends.
        String settled = target(in).db.settleTopology(in.instance());
        StepOutcome undone = roles(in).undo(command.step(), states.observed(), states.desired());
        return settled == null
                ? undone
                : new StepOutcome(undone.step(), undone.changed(), undone.summary() + " (" + settled + ")");
    }

    /** The provider's switchover, the member the step names, and where the API is served from. */
    private record Target(DatabaseSwitchover db, String member, ControlPlane controlPlane) {}

    private Target target(Input in) {
        ConfiguredProvider provider = providers.require(in.provider(), Capability.DATABASE_SWITCHOVER);
        if (!(provider.database() instanceof DatabaseSwitchover db)) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "provider " + in.provider() + " (type " + provider.type() + ") declares "
                            + Capability.DATABASE_SWITCHOVER + " but its database adapter cannot switch over");
        }
        return new Target(db, db.memberName(in.instance()), provider.database().controlPlane(in.instance()));
    }

    private GuardedChange<Topology> roles(Input in) {
        Target t = target(in);
        return new GuardedChange.OfPlanState<>() {
            @Override
            protected String label() {
                return in.instance() + ":";
            }

            @Override
            protected Topology observe() {
                return t.db.observeTopology(in.instance());
            }

            @Override
            protected void replace(Topology from, Topology to) {
                t.db.switchover(to.primary(), from);
            }

            @Override
            protected RuntimeException changedByHand(Topology current, String expected) {
                return Failures.of(
                        FailureTypes.PLAN_UNSAFE,
                        in.instance() + " of provider " + in.provider() + " is now in "
                                + current.describe() + ", but " + expected + ": it was switched by someone else since;"
                                + " Baran will not switch it again (check it, then plan again)");
            }
        };
    }
}
