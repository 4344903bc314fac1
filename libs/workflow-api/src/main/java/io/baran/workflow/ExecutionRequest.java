package io.baran.workflow;

import io.baran.runbook.Runbook;

/**
 * Input of {@link RunbookWorkflow}: the exact runbook version to interpret, so a replay sees what the
 * original run saw.
 *
 * @param incidentId  the outage this execution answers; null for a drill started by hand
 * @param scope       the scope that failed; null for a drill started by hand
 * @param holdSeconds for a drill, how long to stay failed over before failing back
 */
public record ExecutionRequest(
        String executionId,
        Mode mode,
        Runbook runbook,
        String incidentId,
        String scope,
        long holdSeconds) {
}
