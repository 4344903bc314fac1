package io.baran.orchestrator.schedule;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Deterministic: one activity call, whose answer is the result. */
public class ScheduledDrillWorkflowImpl implements ScheduledDrillWorkflow {

    private final ScheduledDrills drills = Workflow.newActivityStub(
            ScheduledDrills.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(60))
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setMaximumAttempts(5)
                            .setMaximumInterval(Duration.ofSeconds(30))
                            .build())
                    .build());

    @Override
    public String run(String runbook) {
        return drills.start(runbook, Workflow.getInfo().getWorkflowId());
    }
}
