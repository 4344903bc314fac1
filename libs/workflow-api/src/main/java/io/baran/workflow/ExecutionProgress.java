package io.baran.workflow;

import java.util.List;

/**
 * What the workflow reports about itself (query {@code progress}) and returns at the end.
 *
 * @param phase    one of {@code starting, planning, planned, awaiting-approval, rejected, failing-over, held,
 *                 failed-over, awaiting-stability, awaiting-failback-approval, failing-back, done, compensating,
 *                 compensated, failed}
 * @param awaiting what the execution waits for a person to decide, null when nothing
 * @param phases   every phase change with its time, oldest first
 * @param decideMillis time spent waiting for people (approvals, held steps)
 */
public record ExecutionProgress(
        String executionId,
        String runbook,
        String protects,
        Mode mode,
        String phase,
        String currentStep,
        List<StepStatus> steps,
        String error,
        String scope,
        String incidentId,
        Long outageSince,
        int runbookVersion,
        String awaiting,
        List<PhaseChange> phases,
        long decideMillis) {

    public ExecutionProgress {
        steps = steps == null ? List.of() : List.copyOf(steps);
        phases = phases == null ? List.of() : List.copyOf(phases);
    }
}
