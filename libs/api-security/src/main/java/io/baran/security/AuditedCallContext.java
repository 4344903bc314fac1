package io.baran.security;

import jakarta.enterprise.context.RequestScoped;

/**
 * What an {@link AuditedCall}'s resource method and {@link CallAudit} tell each other during one call: the target,
 * when the path does not say (a target named in the body); the request id and target of the {@code requested} row
 * (null while the trail keeps no rows); an outcome row the resource method wrote itself (a request left for a second
 * person); and a break-glass reason.
 */
@RequestScoped
public class AuditedCallContext {

    private String target;
    private String requestId;
    private String recordedAction;
    private String recordedTarget;
    private boolean outcomeRecorded;
    private String breakGlassReason;

    /** The target, learnt from the body: the outcome's row names it. */
    public void target(String target) {
        this.target = target;
    }

    /** The id of this call's {@code requested} row, or null when none was written (no trail kept). */
    public String requestId() {
        return requestId;
    }

    /** The action the {@code requested} row names (the call's {@link AuditedCall}). */
    public String recordedAction() {
        return recordedAction;
    }

    /** The target the {@code requested} row names. */
    public String recordedTarget() {
        return recordedTarget;
    }

    /**
     * The resource method wrote the call's outcome row itself (a request left pending, written before it is answered):
     * {@link CallAudit} writes none for a 2xx answer.
     */
    public void outcomeRecorded() {
        this.outcomeRecorded = true;
    }

    /** The caller acted alone where the rules ask for two people, giving this reason: flagged in the outcome's row. */
    public void breakGlass(String reason) {
        this.breakGlassReason = reason;
    }

    String bodyTarget() {
        return target;
    }

    boolean wroteOutcome() {
        return outcomeRecorded;
    }

    String breakGlassReason() {
        return breakGlassReason;
    }

    void recorded(String requestId, String action, String target) {
        this.requestId = requestId;
        this.recordedAction = action;
        this.recordedTarget = target;
    }
}
