package io.baran.worker.temporal;

import io.baran.workflow.StepCommand;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Drives one step through the real activities, the way the orchestrator's workflow does: plan, apply
 * some times, maybe undo. Lives in tests only.
 */
@WorkflowInterface
public interface StepDriverWorkflow {

    String TASK_QUEUE = "baran-test-driver";

    @WorkflowMethod
    StepTrace run(StepCommand command, int applies, boolean undo);
}
