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
 * @param startedBy              the verified person who started it, or {@link Actor#system} with the outage event's id;
 *                               null for executions recorded before it was kept (an unknown starter)
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
        CarriedState carried,
        Actor startedBy) {

    /** Without a starter: the starter is unknown, so nobody is excluded from approving. */
    public ExecutionRequest(String executionId, Mode mode, Runbook runbook, String incidentId, String scope, long holdSeconds) {
        this(executionId, mode, runbook, incidentId, scope, holdSeconds, null, 0, 0, null, null);
    }

    /** Without a starter: the starter is unknown, so nobody is excluded from approving. */
    public ExecutionRequest(String executionId, Mode mode, Runbook runbook, String incidentId, String scope, long holdSeconds,
                            Long outageSince, long approvalTimeoutSeconds, int runbookVersion, CarriedState carried) {
        this(executionId, mode, runbook, incidentId, scope, holdSeconds, outageSince, approvalTimeoutSeconds, runbookVersion,
                carried, null);
    }

    public ExecutionRequest continuing(CarriedState state) {
        return new ExecutionRequest(executionId, mode, runbook, incidentId, scope, holdSeconds, outageSince,
                approvalTimeoutSeconds, runbookVersion, state, startedBy);
    }
}
