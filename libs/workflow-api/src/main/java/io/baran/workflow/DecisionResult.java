package io.baran.workflow;

import java.util.List;

/**
 * What a decision did.
 *
 * @param outcome         approved (the execution goes on), rejected, or still pending more approvals
 * @param on              what the decision was on, e.g. {@code approval to start the failover}
 * @param step            the step the execution waited at, null for its start or its failback
 * @param by              who decided
 * @param approvals       distinct people who approved this decision so far
 * @param approvalsNeeded how many distinct approvals it needs
 * @param approvedBy      who approved it so far, in order
 * @param breakGlass      an {@code admin} approved alone, with a reason
 */
public record DecisionResult(
        Outcome outcome,
        String on,
        String step,
        String by,
        int approvals,
        int approvalsNeeded,
        List<String> approvedBy,
        boolean breakGlass) {

    public enum Outcome {
        APPROVED,
        REJECTED,
        PENDING
    }

    public DecisionResult {
        approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
    }
}
