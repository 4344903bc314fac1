package io.baran.workflow;

/**
 * What a failback request did.
 *
 * @param next            the execution fails back now, or first waits for failback approval
 * @param by              who asked
 * @param approvalsNeeded how many distinct approvals the failback waits for; 0 when it fails back now
 */
public record FailbackResult(Next next, String by, int approvalsNeeded) {

    public enum Next {
        FAILING_BACK,
        AWAITING_APPROVAL
    }
}
