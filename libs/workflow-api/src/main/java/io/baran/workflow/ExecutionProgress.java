package io.baran.workflow;

import java.util.List;

/**
 * What the workflow reports about itself (query {@code progress}) and returns at the end.
 *
 * @param phase one of {@code planning, awaiting-approval, failing-over, failed-over, failing-back, done,
 *              planned, compensating, compensated, failed}
 */
public record ExecutionProgress(
        String executionId,
        String runbook,
        String protects,
        Mode mode,
        String phase,
        String currentStep,
        List<StepStatus> steps,
        String error) {

    public ExecutionProgress {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }
}
