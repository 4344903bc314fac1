package io.baran.orchestrator.workflow;

/**
 * The execution refused a decision or a failback request: the workflow's validator said why (not waiting for a
 * decision, not allowed to decide, the two-person rule, ...). Nothing was recorded.
 */
public class DecisionRefused extends RuntimeException {

    public DecisionRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
