package io.baran.workflow;

/**
 * A person aborts an execution: what it changed is undone; sent as the Update {@link RunbookWorkflow#abort}. The
 * workflow's validator refuses it while a live failover is failed over (its undoing is its failback), when the
 * execution has finished or is being aborted already, and when the person may not abort it.
 *
 * @param by        the verified person aborting
 * @param reason    why, for the record; may be null
 * @param requestId the caller's id for this request: the same id sent again by the same person returns the first
 *                  answer; may be null
 * @param seal      the orchestrator's seal of all the above for one execution ({@code DecisionSeals})
 */
public record AbortRequest(Actor by, String reason, String requestId, String seal) {

    /**
     * The failure type of a refusal because of where the execution stands (finished, being aborted, a live failover
     * that is failed over): the REST API answers 409. Other refusals (the seal, who may) are 403. (The class's name:
     * Temporal carries a validator's exception as a failure of that type.)
     */
    public static final String REFUSED_NOW = RefusedNow.class.getName();

    /** The validator refuses the abort because of where the execution stands, not because of who asks. */
    public static final class RefusedNow extends IllegalStateException {
        public RefusedNow(String message) {
            super(message);
        }
    }

    public AbortRequest(Actor by, String reason, String requestId) {
        this(by, reason, requestId, null);
    }

    public AbortRequest withSeal(String seal) {
        return new AbortRequest(by, reason, requestId, seal);
    }
}
