package io.baran.workflow;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Every action that touches the outside world, hosted by replication-worker on
 * {@link TaskQueues#ACTIONS}. Failures carry one of the {@link FailureTypes}.
 */
@ActivityInterface
public interface ActionActivities {

    /** Observes current state and returns what applying the step would change. Changes nothing. */
    @ActivityMethod(name = "PlanStep")
    StepPlan plan(StepCommand command);

    /** Applies a plan. Idempotent: applying the same plan again changes nothing. */
    @ActivityMethod(name = "ApplyStep")
    StepOutcome apply(StepCommand command, StepPlan plan);

    /** Restores what the plan observed, if the world is still as the plan left it. */
    @ActivityMethod(name = "UndoStep")
    StepOutcome undo(StepCommand command, StepPlan plan);
}
