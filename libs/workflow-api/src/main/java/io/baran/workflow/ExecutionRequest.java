package io.baran.workflow;

import io.baran.runbook.Runbook;

/**
 * Input of {@link RunbookWorkflow}: the exact runbook version to interpret, so a replay sees what the
 * original run saw.
 *
 * @param incidentId             the outage this execution answers; null for a drill started by hand
 * @param scope                  the scope that failed; null for a drill started by hand
 * @param holdSeconds            for a drill, how long to stay failed over before failing back
 * @param outageSince            when the detector saw the outage begin (epoch ms), for the RTO report; null when unknown
 * @param approvalTimeoutSeconds how long the approval before the first step is awaited; 0 waits without limit
 * @param runbookVersion         the stored version of the runbook, 0 when it came from a file only
 * @param carried                state carried from the previous run after a continue-as-new; null on the first run
 */
public record ExecutionRequest(
        String executionId,
        Mode mode,
        Runbook runbook,
        String incidentId,
        String scope,
        long holdSeconds,
        Long outageSince,
        long approvalTimeoutSeconds,
        int runbookVersion,
        CarriedState carried) {

    public ExecutionRequest(String executionId, Mode mode, Runbook runbook, String incidentId, String scope, long holdSeconds) {
        this(executionId, mode, runbook, incidentId, scope, holdSeconds, null, 0, 0, null);
    }

    public ExecutionRequest continuing(CarriedState state) {
        return new ExecutionRequest(executionId, mode, runbook, incidentId, scope, holdSeconds, outageSince,
                approvalTimeoutSeconds, runbookVersion, state);
    }
}
