package io.baran.workflow;

/**
 * A person asks a failed-over execution to fail back now, without waiting for recovery and stability; sent as
 * the Update {@link RunbookWorkflow#requestFailback}. It is never an approval: a runbook whose failback needs
 * approval still waits for approvers.
 *
 * @param by        the verified person asking
 * @param reason    why, for the record; may be null
 * @param requestId the caller's id for this request: the same id sent again returns the first answer; may be null
 * @param seal      the orchestrator's seal of all the above for one execution ({@code DecisionSeals})
 */
public record FailbackRequest(Actor by, String reason, String requestId, String seal) {

    public FailbackRequest(Actor by, String reason, String requestId) {
        this(by, reason, requestId, null);
    }

    public FailbackRequest withSeal(String seal) {
        return new FailbackRequest(by, reason, requestId, seal);
    }
}
