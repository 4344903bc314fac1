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

    /**
     * Plans the step and applies that plan in one call, for a failover: it saves the workflow a task and the
     * worker a poll per step. Before it changes anything it records the plan on the server as the activity's
     * heartbeat details ({@link RecordedPlan}), and it attaches the plan to every failure it raises after that,
     * so the workflow can undo the step whatever happens to the attempt: a retry applies the recorded plan again
     * (apply is idempotent) instead of planning anew from the changed world.
     */
    @ActivityMethod(name = "PlanApplyStep")
    StepRun planAndApply(StepCommand command);

    /** Restores what the plan observed, if the world is still as the plan left it. */
    @ActivityMethod(name = "UndoStep")
    StepOutcome undo(StepCommand command, StepPlan plan);
}
