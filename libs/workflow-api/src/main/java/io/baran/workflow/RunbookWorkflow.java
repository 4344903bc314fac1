package io.baran.workflow;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Interprets one runbook version: failover, hold, failback; compensates on failure. A person aborts it with the
 * Update {@link #abort} (what was changed is undone); cancelling the workflow in Temporal still aborts it too, without
 * any of the abort's checks (executions started before the Update, and whoever reaches Temporal directly).
 */
@WorkflowInterface
public interface RunbookWorkflow {

    /** Workflow id of the execution started by an outage: the same incident never starts a runbook twice. */
    static String idForIncident(String runbook, String incidentId) {
        return "failover-" + runbook + "-" + incidentId.replaceAll("[^A-Za-z0-9._@-]", "_");
    }

    @WorkflowMethod
    ExecutionProgress run(ExecutionRequest request);

    /** The detector saw the outage's scope healthy again. */
    @SignalMethod
    void outageRecovered(String incidentId);

    /**
     * The scope failed again (or another outage hit the protected service): failback waits anew. Sent by dispatchers
     * before {@link #joinOutage}, and to workers that do not know that Update yet; acted on as it is, but taken even
     * when the execution acts on no further outage.
     */
    @SignalMethod
    void outageDetected(String incidentId);

    /**
     * An outage joins the execution acting on its service: taken as {@link #outageDetected} is (it reconciles while
     * failed over, turns a failback round, is decided anew at a gate), and answered only once taken. The validator
     * refuses it ({@link JoinRefused}) once the execution acts on no further outage: its last decision is made (it
     * ends, its last journal entries possibly still in flight), it is being aborted, or it is a plan. The dispatcher
     * then starts the outage's own failover once this execution has ended, instead of counting a join nothing acts on.
     */
    @UpdateMethod
    void joinOutage(String incidentId);

    @UpdateValidatorMethod(updateName = "joinOutage")
    void validateJoinOutage(String incidentId);

    /**
     * The blast-radius guard tripped after this execution started: an automatic failover not yet through its failover
     * steps waits for a person's decision before its next one (approve: go on; reject, or nobody deciding in time:
     * undo what it changed). Ignored by drills, by failovers a person started or approved, and by failovers already
     * through their steps.
     */
    @SignalMethod
    void guardTripped(LateHold hold);

    /**
     * A verified person approves or rejects what the execution waits for: the start of a failover whose trigger
     * requires approval, an {@code approval} step, going on after a held step, or failback. The validator
     * ({@link #validateDecide}) refuses what the rules do not allow, and a decision without the orchestrator's seal for
     * this execution ({@code DecisionSeals}); nothing is recorded for a refused decision.
     *
     * <p>The rules: the execution must wait for a decision (at {@code step}, if given); the decider must be a
     * person in the runbook's {@code access.approve} groups, or hold group {@code admin}. A live failover (mode
     * failover) needs {@code access.approvals} distinct approvers, and the person who started it may not approve
     * it (nor may the person who asked for failback approve that failback); rejecting is always allowed, as it
     * is the safe direction, and one rejection decides. A drill needs one approval and its starter may give it.
     * Break-glass: an {@code admin} may approve alone where the rules ask for someone else or for more people, even
     * their own failover, but only with a non-blank {@code reason}; the decision is flagged {@code breakGlass}.
     */
    @UpdateMethod
    DecisionResult decide(DecisionRequest request);

    @UpdateValidatorMethod(updateName = "decide")
    void validateDecide(DecisionRequest request);

    /**
     * A verified person asks a failed-over execution to fail back now, without waiting for recovery and
     * stability. Never an approval: refused while the execution waits for its start approval, at an approval
     * step or at a held step (approve or reject those, or abort the execution). When the runbook's failback
     * needs approval, the execution then waits for it, and the requester cannot approve it. Allowed to the
     * runbook's {@code access.failover} groups and to {@code admin}.
     */
    @UpdateMethod
    FailbackResult requestFailback(FailbackRequest request);

    @UpdateValidatorMethod(updateName = "requestFailback")
    void validateRequestFailback(FailbackRequest request);

    /**
     * A verified person aborts the execution: what it changed is undone, as a cancellation of the workflow undoes it,
     * and the execution records who aborted ({@link ExecutionProgress#abortedBy()}) and why (its error). Returns once
     * the undo has begun. The validator ({@link #validateAbort}) refuses, recording nothing, an abort without the
     * orchestrator's seal for this execution ({@code DecisionSeals}); of an execution that has finished or is being
     * aborted already; of a live failover (or a drill a real outage joined or turned round) that is failed over
     * ({@code failed-over}, {@code awaiting-stability}, {@code awaiting-failback-approval}): undoing it is its
     * failback; and by a person who may not: a drill needs group {@code drill-operator} and one of the runbook's
     * {@code access.drill} groups, a live failover {@code failover-operator} and one of its {@code access.failover}
     * groups; {@code admin} may always. Refusals because of where the execution stands carry the failure type {@link
     * AbortRequest#REFUSED_NOW}.
     */
    @UpdateMethod
    AbortResult abort(AbortRequest request);

    @UpdateValidatorMethod(updateName = "abort")
    void validateAbort(AbortRequest request);

    /**
     * Kept so executions recorded before decisions carried a verified identity still replay. Executions started
     * since ignore it (it says nothing about who decided): use {@link #decide}.
     */
    @SignalMethod
    void approve(String by);

    /** Kept for replay, like {@link #approve}; ignored by executions started since: use {@link #decide}. */
    @SignalMethod
    void reject(String by);

    /** Kept for replay, like {@link #approve}; ignored by executions started since: use {@link #requestFailback}. */
    @SignalMethod
    void failback(String by);

    @QueryMethod
    ExecutionProgress progress();
}
