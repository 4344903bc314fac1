package io.baran.orchestrator.readiness;

import io.baran.orchestrator.config.TemporalConfig;
import io.baran.workflow.TaskQueues;
import io.quarkus.runtime.StartupEvent;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Starts the readiness schedule ({@link ReadinessWorkflow}) when an orchestrator starts. Every replica tries; Temporal
 * keeps one: the workflow id is fixed, and a replica that finds it running only passes on its configured interval.
 */
@ApplicationScoped
public class ReadinessSchedule {

    private static final Logger LOG = Logger.getLogger(ReadinessSchedule.class);

    @Inject
    WorkflowClient client;

    @Inject
    ReadinessConfig config;

    @Inject
    TemporalConfig temporal;

    @Inject
    ReadinessGauges gauges;

    void start(@Observes StartupEvent event) {
        ReadinessRules.checkQuotaPercents(config.quotaDegradedPercent(), config.quotaNotReadyPercent());
        if (!config.enabled() || !temporal.worker()) {
            return;
        }
        gauges.refresh();
        try {
            ensureRunning();
        } catch (RuntimeException e) {
            // Temporal may not answer yet; the next orchestrator start (or any replica's) starts it.
            LOG.warnf("readiness schedule not started (%s); runbooks are not evaluated until it is", e.getMessage());
        }
    }

    /** Starts the schedule unless it runs; when it runs, sets its interval to this orchestrator's. */
    public void ensureRunning() {
        ReadinessWorkflow schedule = client.newWorkflowStub(
                ReadinessWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(ReadinessWorkflow.ID)
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
                        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                        .build());
        try {
            WorkflowClient.start(
                    schedule::run,
                    new ReadinessWorkflow.Schedule(
                            config.interval().toMillis(), config.checkTimeout().toMillis()));
            LOG.infof("readiness schedule started: every runbook evaluated every %s", config.interval());
        } catch (WorkflowExecutionAlreadyStarted running) {
            client.newWorkflowStub(ReadinessWorkflow.class, ReadinessWorkflow.ID)
                    .setInterval(config.interval().toMillis());
        }
    }
}
