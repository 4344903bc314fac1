package io.baran.orchestrator.api;

import io.baran.workflow.Actor;
import io.baran.workflow.Phase;
import io.baran.workflow.StepState;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Where an execution stands ({@code GET /api/executions/{id}}). Fields without a value are sent as {@code null}.
 *
 * @param status          Temporal's status of the workflow: running, completed, failed, canceled, terminated, ...;
 *                        an execution a person aborted reads canceled (aborted through Baran's API, it ends
 *                        completed in Temporal, and only this view says canceled: lists show Temporal's status)
 * @param runbookVersion  the stored version of the runbook it runs
 * @param protects        the protected service
 * @param phase           e.g. failing-over, failed-over, awaiting-approval, done, compensated
 * @param awaiting        what a person must decide (for a failover the blast-radius guard holds: "held by blast-radius
 *                        guard: N of M services in K scopes ..."), or, in phase queued, the provider slots it waits for;
 *                        null when nothing
 * @param currentStep     the step it is at, null when none
 * @param scope           the outage it runs for (or plans for), e.g. aws/us-east-1
 * @param incidentId      the detector's incident, for executions an outage started
 * @param startedBy       who started it; null for executions started before it was recorded
 * @param approvalsNeeded how many more distinct approvals what it waits for needs
 * @param decisions       every decision taken on it, oldest first
 * @param failbackRequestedBy who asked for failback, null when nobody did
 * @param abortedBy       who aborted it through Baran's API, null when nobody did (a cancellation sent to Temporal
 *                        directly names nobody)
 * @param reapplied       what it applied again for outages that joined it, oldest first
 * @param phases          every phase it entered, oldest first
 * @param error           why it failed, null when it did not
 */
public record ExecutionView(
        String executionId,
        String status,
        String runbook,
        int runbookVersion,
        String protects,
        @Schema(enumeration = {"plan", "drill", "failover"}) String mode,
        Phase phase,
        String awaiting,
        String currentStep,
        String scope,
        String incidentId,
        Actor startedBy,
        int approvalsNeeded,
        List<DecisionView> decisions,
        String failbackRequestedBy,
        String abortedBy,
        List<ReappliedView> reapplied,
        List<StepView> steps,
        List<PhaseAt> phases,
        String error) {

    /**
     * A step the execution applied again because a new outage joined it and found the step's change drifted.
     *
     * @param at      ISO-8601
     * @param summary what the re-apply did; null when it failed
     * @param error   why the re-apply failed; null when it did not
     */
    public record ReappliedView(String step, String incidentId, String at, String summary, String error) {}

    /**
     * One step.
     *
     * @param state     pending, running, applied, unchanged, passed, done, failed, undoing, undone, undo-failed, ...
     * @param summary   the plan's or the outcome's line
     * @param error     why it failed; kept when it is undone afterwards
     * @param startedAt ISO-8601, null before it started
     * @param endedAt   ISO-8601, null before its failover part ended
     * @param replaced  the state it replaced (what its plan observed); empty for steps that change nothing
     */
    public record StepView(
            String name,
            String action,
            StepState state,
            String summary,
            String error,
            String startedAt,
            String endedAt,
            Map<String, Object> replaced) {}

    /** The execution entered {@code phase} at {@code at} (ISO-8601). */
    public record PhaseAt(Phase phase, String at) {}

    /**
     * A decision a person took.
     *
     * @param on         what the execution waited for, e.g. approval to start the failover
     * @param step       the step it waited at; null for its start or its failback
     * @param at         ISO-8601
     * @param breakGlass an admin approved alone where the runbook asks for other or more approvers
     */
    public record DecisionView(
            String on,
            String step,
            @Schema(enumeration = {"approve", "reject"}) String verdict,
            String by,
            String at,
            boolean breakGlass,
            String reason) {}
}
