package io.baran.orchestrator.readiness;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The readiness schedule: one workflow for the whole deployment (id {@value #ID}), so however many orchestrators
 * run, one round evaluates every runbook at a time and a runbook is never evaluated twice at once. It evaluates
 * at once, then every interval, as a durable timer; it continues as new every few rounds, so its history stays short.
 */
@WorkflowInterface
public interface ReadinessWorkflow {

    String ID = "baran-readiness";

    /** @param schedule the interval and the time a step's check may take */
    @WorkflowMethod(name = "ReadinessSchedule")
    void run(Schedule schedule);

    /** Ends the current wait: the next round starts now. */
    @SignalMethod
    void evaluateNow();

    /** Waits this long between rounds from the next round on. */
    @SignalMethod
    void setInterval(long intervalMillis);

    /**
     * @param intervalMillis     between the end of one round and the start of the next
     * @param checkTimeoutMillis how long one step's check may take before the step counts as not ready
     */
    record Schedule(long intervalMillis, long checkTimeoutMillis) {}
}
