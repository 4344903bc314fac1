package io.baran.workflow;

import io.baran.runbook.Runbook;
import java.util.List;

/**
 * Input of {@link RunbookWorkflow}: the exact runbook version to interpret, so a replay sees what the
 * original run saw.
 *
 * @param incidentId             the outage this execution answers; null for a drill started by hand
 * @param scope                  the scope that failed; null for a drill started by hand
 * @param holdSeconds            for a drill, how long to stay failed over before failing back
 * @param outageSince            when the detector saw the outage begin (epoch ms), for the RTO report; null when unknown
 * @param approvalTimeoutSeconds how long the approval before the first step is awaited; 0 waits without limit
 * @param runbookVersion         the stored version of the runbook, 0 when it came from a file only
 * @param carried                state carried from the previous run after a continue-as-new; null on the first run
 * @param startedBy              the verified person who started it, or {@link Actor#system} with the outage event's id;
 *                               null for executions recorded before it was kept (an unknown starter)
 * @param heldBy                 why this automatic failover waits for a person's approval before its first step although
 *                               its runbook does not ask for it (the blast-radius guard tripped: "held by blast-radius
 *                               guard: N of M services in K scopes"); null when it is not held
 * @param cappedProviders        the providers its steps use that have a cap on concurrent executions
 *                               ({@code baran.dispatch.provider-cap."<provider>"}): it takes a slot of each before it
 *                               changes anything, and waits (phase {@code queued}) while they are taken; empty: none
 * @param incidentsSearchable    the namespace knows {@code BaranIncidents}: an execution started without it (a drill,
 *                               a failover started by hand) adds the outages that join it there, so their recoveries
 *                               find it whatever happens to the runbook catalog; false for executions recorded before
 *                               (they keep routing those recoveries through the catalog)
 */
public record ExecutionRequest(
        String executionId,
        Mode mode,
        Runbook runbook,
        String incidentId,
        String scope,
        long holdSeconds,
        Long outageSince,
        long approvalTimeoutSeconds,
        int runbookVersion,
        CarriedState carried,
        Actor startedBy,
        String heldBy,
        List<String> cappedProviders,
        boolean incidentsSearchable) {

    public ExecutionRequest {
        cappedProviders = cappedProviders == null ? List.of() : List.copyOf(cappedProviders);
    }

    /** Without {@code incidentsSearchable}: as recorded before it existed. */
    public ExecutionRequest(
            String executionId,
            Mode mode,
            Runbook runbook,
            String incidentId,
            String scope,
            long holdSeconds,
            Long outageSince,
            long approvalTimeoutSeconds,
            int runbookVersion,
            CarriedState carried,
            Actor startedBy,
            String heldBy,
            List<String> cappedProviders) {
        this(
                executionId,
                mode,
                runbook,
                incidentId,
                scope,
                holdSeconds,
                outageSince,
                approvalTimeoutSeconds,
                runbookVersion,
                carried,
                startedBy,
                heldBy,
                cappedProviders,
                false);
    }

    /** Not held by the guard. */
    public ExecutionRequest(
            String executionId,
            Mode mode,
            Runbook runbook,
            String incidentId,
            String scope,
            long holdSeconds,
            Long outageSince,
            long approvalTimeoutSeconds,
            int runbookVersion,
            CarriedState carried,
            Actor startedBy) {
        this(
                executionId,
                mode,
                runbook,
                incidentId,
                scope,
                holdSeconds,
                outageSince,
                approvalTimeoutSeconds,
                runbookVersion,
                carried,
                startedBy,
                null,
                null);
    }

    /** Without a starter: the starter is unknown, so nobody is excluded from approving. */
    public ExecutionRequest(
            String executionId, Mode mode, Runbook runbook, String incidentId, String scope, long holdSeconds) {
        this(executionId, mode, runbook, incidentId, scope, holdSeconds, null, 0, 0, null, null);
    }

    /** Without a starter: the starter is unknown, so nobody is excluded from approving. */
    public ExecutionRequest(
            String executionId,
            Mode mode,
            Runbook runbook,
            String incidentId,
            String scope,
            long holdSeconds,
            Long outageSince,
            long approvalTimeoutSeconds,
            int runbookVersion,
            CarriedState carried) {
        this(
                executionId,
                mode,
                runbook,
                incidentId,
                scope,
                holdSeconds,
                outageSince,
                approvalTimeoutSeconds,
                runbookVersion,
                carried,
                null);
    }

    public ExecutionRequest continuing(CarriedState state) {
        return new ExecutionRequest(
                executionId,
                mode,
                runbook,
                incidentId,
                scope,
                holdSeconds,
                outageSince,
                approvalTimeoutSeconds,
                runbookVersion,
                state,
                startedBy,
                heldBy,
                cappedProviders,
                incidentsSearchable);
    }

    /** The same request, saying whether the namespace knows {@code BaranIncidents}. */
    public ExecutionRequest withIncidentsSearchable(boolean searchable) {
        return new ExecutionRequest(
                executionId,
                mode,
                runbook,
                incidentId,
                scope,
                holdSeconds,
                outageSince,
                approvalTimeoutSeconds,
                runbookVersion,
                carried,
                startedBy,
                heldBy,
                cappedProviders,
                searchable);
    }
}
