package io.baran.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A person's decision on what an execution waits for, sent as the Update {@link RunbookWorkflow#decide}.
 *
 * @param verdict   approve or reject
 * @param step      optional: the decision counts only if the execution waits at this step (an approval step or
 *                  a held step); needed when several steps of a parallel group wait at once
 * @param by        the verified person deciding (never a name the client chose)
 * @param reason    why; required for a break-glass approval by an {@code admin}
 * @param requestId the caller's id for this decision: the same id sent again returns the first answer and
 *                  records nothing twice; may be null
 * @param seal      the orchestrator's seal of all the above for one execution ({@code DecisionSeals}): without a
 *                  valid one the workflow does not take the person it names
 * @param gateOnly  the decision counts only at a gate of the execution's own, its start (or a turn round's) or the
 *                  blast-radius guard's hold, never at a step or its failback: an approval of every execution an
 *                  outage holds ({@code approve-incident}) must not approve what one of them waits for next
 */
public record DecisionRequest(
        Verdict verdict,
        String step,
        Actor by,
        String reason,
        String requestId,
        String seal,
        // Written only when set: Temporal's JSON converter refuses fields it does not know, so a worker older than
        // the field still takes every other decision during a rolling upgrade (and refuses only these).
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean gateOnly) {

    public DecisionRequest(Verdict verdict, String step, Actor by, String reason, String requestId) {
        this(verdict, step, by, reason, requestId, null, false);
    }

    public DecisionRequest(Verdict verdict, String step, Actor by, String reason, String requestId, String seal) {
        this(verdict, step, by, reason, requestId, seal, false);
    }

    public DecisionRequest withSeal(String seal) {
        return new DecisionRequest(verdict, step, by, reason, requestId, seal, gateOnly);
    }

    /** The same decision, counting only at the execution's start gate or the guard's hold. */
    public DecisionRequest atGateOnly() {
        return new DecisionRequest(verdict, step, by, reason, requestId, seal, true);
    }
}
