package io.baran.orchestrator.workflow;

/**
 * The execution refused a decision or a failback request: the workflow's validator said why (not waiting for a
 * decision, not allowed to decide, the two-person rule, ...). Nothing was recorded.
 */
public class DecisionRefused extends RuntimeException {

    private final boolean becauseOfPhase;

    public DecisionRefused(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param becauseOfPhase refused because of where the execution stands (it has finished, is being aborted, is a live
     *                       failover that is failed over), not because of who asked
     */
    public DecisionRefused(String message, Throwable cause, boolean becauseOfPhase) {
        super(message, cause);
        this.becauseOfPhase = becauseOfPhase;
    }

    /** Refused because of where the execution stands, not because of who asked: a conflict (409), not a 403. */
    public boolean becauseOfPhase() {
        return becauseOfPhase;
    }
}
