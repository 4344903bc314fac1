package io.baran.orchestrator.schedule;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * What a runbook's drill schedule starts: one short workflow that asks the orchestrator to start a drill of the
 * runbook's current version ({@link ScheduledDrills}), so a scheduled drill goes through the same checks as one
 * started by hand (the runbook still served, the protected service not busy) and is recorded the same way.
 */
@WorkflowInterface
public interface ScheduledDrillWorkflow {

    /**
     * @param runbook the runbook's name
     * @return the drill's execution id, or why none was started ({@code skipped: ...})
     */
    @WorkflowMethod(name = "ScheduledDrill")
    String run(String runbook);
}
