package io.baran.orchestrator.workflow;

import io.baran.runbook.Runbook;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.TaskQueues;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.UUID;

/** Starts and signals runbook executions. The execution id is the workflow id. */
@ApplicationScoped
public class ExecutionLauncher {

    private static final Logger LOG = Logger.getLogger(ExecutionLauncher.class);

    @Inject
    WorkflowClient client;

    /** A drill or a plan started by a person: a fresh execution every time. */
    public String startByHand(Runbook runbook, Mode mode, Duration hold) {
        String id = mode.name().toLowerCase() + "-" + runbook.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
        start(id, new ExecutionRequest(id, mode, runbook, null, null, hold.toSeconds()));
        LOG.infof("started %s of runbook %s as %s", mode.name().toLowerCase(), runbook.name(), id);
        return id;
    }

    /**
     * The failover of one runbook for one incident. A redelivered event maps to the same workflow id, which
     * Temporal refuses to start twice, even after the first execution closed.
     *
     * @return true when this call started it
     */
    public boolean startForIncident(Runbook runbook, String incidentId, String scope) {
        String id = RunbookWorkflow.idForIncident(runbook.name(), incidentId);
        try {
            start(id, new ExecutionRequest(id, Mode.FAILOVER, runbook, incidentId, scope, 0));
            LOG.infof("outage of %s (incident %s): started failover of runbook %s as %s", scope, incidentId, runbook.name(), id);
            return true;
        } catch (WorkflowExecutionAlreadyStarted already) {
            LOG.infof("incident %s already has execution %s of runbook %s; nothing started", incidentId, id, runbook.name());
            return false;
        }
    }

    /** Tells the failover of one runbook for one incident that its scope recovered. */
    public boolean signalRecovered(Runbook runbook, String incidentId) {
        String id = RunbookWorkflow.idForIncident(runbook.name(), incidentId);
        try {
            client.newWorkflowStub(RunbookWorkflow.class, id).outageRecovered(incidentId);
            LOG.infof("incident %s recovered: signalled %s", incidentId, id);
            return true;
        } catch (WorkflowNotFoundException gone) {
            LOG.infof("incident %s recovered: runbook %s has no running execution for it", incidentId, runbook.name());
            return false;
        }
    }

    private void start(String id, ExecutionRequest request) {
        WorkflowOptions options = WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build();
        RunbookWorkflow workflow = client.newWorkflowStub(RunbookWorkflow.class, options);
        WorkflowClient.start(workflow::run, request);
    }
}
