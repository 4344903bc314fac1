package io.baran.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the workflow reports about itself (query {@code progress}) and returns at the end.
 *
 * @param phase    where the execution stands, written as {@code failed-over}, ... (see {@link Phase})
 * @param awaiting what the execution waits for a person to decide, null when nothing
 * @param phases   every phase change with its time, oldest first
 * @param decideMillis time spent waiting for people (approvals, held steps)
 * @param startedBy    who started the execution: a verified person, or the system acting on an outage event;
 *                     null when unknown (executions started before it was recorded)
 * @param decisions    every decision people took on it so far, oldest first
 * @param approvalsNeeded how many more distinct approvals the decision it waits for needs; 0 when it waits for none
 * @param failbackRequestedBy who asked for failback, null when nobody did
 * @param reapplied what the execution applied again when a new outage joined it and found the step's change
 *                  drifted, oldest first
 * @param wentLive  a drill that is a live failover since a real outage joined it while it held, or turned it round
 *                  while it failed back; false for a failover (live from its start) and for a drill that was not
 *                  joined (and as reported before this was)
 * @param abortedBy who aborted it through the Update {@code abort}; null when nobody did (and for an execution
 *                  cancelled in Temporal directly, which names nobody)
 */
public record ExecutionProgress(
        String executionId,
        String runbook,
        String protects,
        Mode mode,
        Phase phase,
        String currentStep,
        List<StepStatus> steps,
        String error,
        String scope,
        String incidentId,
        Long outageSince,
        int runbookVersion,
        String awaiting,
        List<PhaseChange> phases,
        long decideMillis,
        Actor startedBy,
        List<Decision> decisions,
        int approvalsNeeded,
        String failbackRequestedBy,
        List<Reapplied> reapplied,
        // Written only when set: Temporal's JSON converter refuses fields it does not know, so an orchestrator older
        // than the field still reads every other execution during a rolling upgrade.
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean wentLive,
        // Written only when set, for the same reason.
        @JsonInclude(JsonInclude.Include.NON_NULL) Actor abortedBy,
        // The outages told by signal once it acted on no further outage (its last decision made, being aborted, a
        // plan): dropped, as the Update joinOutage would have been refused. Written only when there are some.
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> droppedOutages) {

    public ExecutionProgress {
        droppedOutages = droppedOutages == null ? List.of() : List.copyOf(droppedOutages);
        steps = steps == null ? List.of() : List.copyOf(steps);
        reapplied = reapplied == null ? List.of() : List.copyOf(reapplied);
        phases = phases == null ? List.of() : List.copyOf(phases);
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
    }

    /** Of an execution that dropped no outage. */
    public ExecutionProgress(
            String executionId,
            String runbook,
            String protects,
            Mode mode,
            Phase phase,
            String currentStep,
            List<StepStatus> steps,
            String error,
            String scope,
            String incidentId,
            Long outageSince,
            int runbookVersion,
            String awaiting,
            List<PhaseChange> phases,
            long decideMillis,
            Actor startedBy,
            List<Decision> decisions,
            int approvalsNeeded,
            String failbackRequestedBy,
            List<Reapplied> reapplied,
            boolean wentLive,
            Actor abortedBy) {
        this(
                executionId,
                runbook,
                protects,
                mode,
                phase,
                currentStep,
                steps,
                error,
                scope,
                incidentId,
                outageSince,
                runbookVersion,
                awaiting,
                phases,
                decideMillis,
                startedBy,
                decisions,
                approvalsNeeded,
                failbackRequestedBy,
                reapplied,
                wentLive,
                abortedBy,
                List.of());
    }

    /** Of an execution nobody aborted through the Update {@code abort}. */
    public ExecutionProgress(
            String executionId,
            String runbook,
            String protects,
            Mode mode,
            Phase phase,
            String currentStep,
            List<StepStatus> steps,
            String error,
            String scope,
            String incidentId,
            Long outageSince,
            int runbookVersion,
            String awaiting,
            List<PhaseChange> phases,
            long decideMillis,
            Actor startedBy,
            List<Decision> decisions,
            int approvalsNeeded,
            String failbackRequestedBy,
            List<Reapplied> reapplied,
            boolean wentLive) {
        this(
                executionId,
                runbook,
                protects,
                mode,
                phase,
                currentStep,
                steps,
                error,
                scope,
                incidentId,
                outageSince,
                runbookVersion,
                awaiting,
                phases,
                decideMillis,
                startedBy,
                decisions,
                approvalsNeeded,
                failbackRequestedBy,
                reapplied,
                wentLive,
                null);
    }

    /** Of an execution that did not go live during a drill. */
    public ExecutionProgress(
            String executionId,
            String runbook,
            String protects,
            Mode mode,
            Phase phase,
            String currentStep,
            List<StepStatus> steps,
            String error,
            String scope,
            String incidentId,
            Long outageSince,
            int runbookVersion,
            String awaiting,
            List<PhaseChange> phases,
            long decideMillis,
            Actor startedBy,
            List<Decision> decisions,
            int approvalsNeeded,
            String failbackRequestedBy,
            List<Reapplied> reapplied) {
        this(
                executionId,
                runbook,
                protects,
                mode,
                phase,
                currentStep,
                steps,
                error,
                scope,
                incidentId,
                outageSince,
                runbookVersion,
                awaiting,
                phases,
                decideMillis,
                startedBy,
                decisions,
                approvalsNeeded,
                failbackRequestedBy,
                reapplied,
                false);
    }

    /** Without anything re-applied. */
    public ExecutionProgress(
            String executionId,
            String runbook,
            String protects,
            Mode mode,
            Phase phase,
            String currentStep,
            List<StepStatus> steps,
            String error,
            String scope,
            String incidentId,
            Long outageSince,
            int runbookVersion,
            String awaiting,
            List<PhaseChange> phases,
            long decideMillis,
            Actor startedBy,
            List<Decision> decisions,
            int approvalsNeeded,
            String failbackRequestedBy) {
        this(
                executionId,
                runbook,
                protects,
                mode,
                phase,
                currentStep,
                steps,
                error,
                scope,
                incidentId,
                outageSince,
                runbookVersion,
                awaiting,
                phases,
                decideMillis,
                startedBy,
                decisions,
                approvalsNeeded,
                failbackRequestedBy,
                List.of());
    }

    /** Without starter or decisions. */
    public ExecutionProgress(
            String executionId,
            String runbook,
            String protects,
            Mode mode,
            Phase phase,
            String currentStep,
            List<StepStatus> steps,
            String error,
            String scope,
            String incidentId,
            Long outageSince,
            int runbookVersion,
            String awaiting,
            List<PhaseChange> phases,
            long decideMillis) {
        this(
                executionId,
                runbook,
                protects,
                mode,
                phase,
                currentStep,
                steps,
                error,
                scope,
                incidentId,
                outageSince,
                runbookVersion,
                awaiting,
                phases,
                decideMillis,
                null,
                List.of(),
                0,
                null,
                List.of());
    }

    /**
     * Whether the execution moves production traffic for a real outage: a failover, or a drill a real outage joined
     * or turned round ({@link #wentLive()}, {@link #turnedRound()}). Who may act on it is who may on a failover.
     */
    public boolean liveFailover() {
        return mode == Mode.FAILOVER || wentLive || turnedRound();
    }

    /**
     * Whether the execution failed over again after a failback (or the undo of a failed failover) began: a new outage
     * turned it round. A drill that turned round is a live failover from then on, for the workflow's decisions and for
     * who may act on it.
     */
    public boolean turnedRound() {
        return turnedRound(phases);
    }

    /** As {@link #turnedRound()}, of the phase changes so far. */
    public static boolean turnedRound(List<PhaseChange> phases) {
        boolean failedBack = false;
        for (PhaseChange change : phases) {
            if (change.phase() == Phase.FAILING_BACK || change.phase() == Phase.COMPENSATING) {
                failedBack = true;
            } else if (failedBack && change.phase() == Phase.FAILING_OVER) {
                return true;
            }
        }
        return false;
    }
}
