package io.baran.workflow;

/**
 * A person asks a failed-over execution to fail back now, without waiting for recovery and stability; sent as
 * the Update {@link RunbookWorkflow#requestFailback}. It is never an approval: a runbook whose failback needs
 * approval still waits for approvers.
 *
 * @param by        the verified person asking
 * @param reason    why, for the record; may be null
 * @param requestId the caller's id for this request: the same id sent again returns the first answer; may be null
 */
public record FailbackRequest(Actor by, String reason, String requestId) {}
