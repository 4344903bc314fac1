package io.baran.worker.temporal;

import io.baran.workflow.ActionActivities;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class StepDriverWorkflowImpl implements StepDriverWorkflow {

    /**
     * Unlimited retries, like the orchestrator's: only the failure type stops a retry. The heartbeat
     * timeout is shorter than a slow health check, so a check that did not heartbeat would time out.
     */
    private final ActionActivities actions = Workflow.newActivityStub(
            ActionActivities.class,
            ActivityOptions.newBuilder()
                    .setTaskQueue(TaskQueues.ACTIONS)
                    .setStartToCloseTimeout(Duration.ofSeconds(60))
                    .setHeartbeatTimeout(Duration.ofSeconds(2))
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setInitialInterval(Duration.ofMillis(200))
                            .setMaximumInterval(Duration.ofSeconds(1))
                            .build())
                    .build());

    @Override
    public StepTrace run(StepCommand command, int applies, boolean undo) {
        StepPlan plan = actions.plan(command);
        List<StepOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < applies; i++) {
            outcomes.add(actions.apply(command, plan));
        }
        return new StepTrace(plan, outcomes, undo ? actions.undo(command, plan) : null);
    }
}
