package io.baran.worker.action;

import io.baran.runbook.ActionType;
import io.baran.runbook.BoundWith;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.StepRun;
import java.util.List;

/**
 * One action a runbook step may name. Its {@code with:} block is bound and validated by the runbook model's
 * class for the action ({@link #type()}: every violation at once, before any call to a provider); the action
 * observes before it changes, and undoes exactly what its plan recorded. Failures carry a
 * {@link io.baran.workflow.FailureTypes} type.
 */
public interface Action {

    /** The runbook model's definition of this action, which declares and checks its {@code with:} block. */
    ActionType type();

    /** The name runbooks use, e.g. {@code dns.switch}. */
    default String name() {
        return type().name();
    }

    /**
     * What plan, apply and undo work with, read from the step's {@code with:} block as the model bound it. Reads
     * every field the model declares (ActionContractTest checks it) and checks nothing the model does not.
     */
    Object input(BoundWith with);

    /** Observes current state and says what apply would change. Changes nothing. */
    StepPlan plan(StepCommand command);

    /** Applies the plan. Applying it again changes nothing. */
    StepOutcome apply(StepCommand command, StepPlan plan);

    /** Makes a plan known where the workflow finds it (the Temporal server), returning only once it is there. */
    @FunctionalInterface
    interface PlanRecord {
        void record(StepPlan plan);
    }

    /**
     * Plans and applies in one call (a PlanApplyStep): {@code recorder} is given the plan, when it changes anything,
     * before anything changes. By default: plan, record, apply. An action whose provider observes the resource just
     * before changing it anyway (Route 53's zone batches) plans from that observation instead, saving a read.
     */
    default StepRun planAndApply(StepCommand command, PlanRecord recorder) {
        StepPlan plan = plan(command);
        if (plan.changes()) {
            recorder.record(plan);
        }
        return new StepRun(plan, apply(command, plan));
    }

    /** Restores what the plan observed, if the world is still as the plan left it. */
    StepOutcome undo(StepCommand command, StepPlan plan);

    /**
     * For readiness: the provider quotas a step of this action draws on, as the provider's API reports them, given the
     * step's plan. Reads only; a quota the API does not answer is returned as not checked, saying why. Empty for an
     * action that draws on none, or whose provider's API reports none.
     */
    default List<StepCheck.Quota> quotas(StepCommand command, StepPlan plan) {
        return List.of();
    }
}
