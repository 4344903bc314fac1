package io.baran.workflow;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Interprets one runbook version: failover, hold, failback; compensates on failure. Cancelling the
 * workflow aborts it: what was changed is undone.
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

    /** The scope failed again (or another outage hit the protected service): failback waits anew. */
    @SignalMethod
    void outageDetected(String incidentId);

    /** A person approves what the execution waits for (the first step, going on after a held step, or failback). */
    @SignalMethod
    void approve(String by);

    /** A person refuses what the execution waits for. */
    @SignalMethod
    void reject(String by);

    /** A person asks to fail back now, without waiting for recovery and stability. */
    @SignalMethod
    void failback(String by);

    @QueryMethod
    ExecutionProgress progress();
}
