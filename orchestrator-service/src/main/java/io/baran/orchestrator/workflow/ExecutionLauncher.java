package io.baran.orchestrator.workflow;

import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.runbook.Runbook;
import io.baran.workflow.Actor;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.SearchAttributes;
import io.baran.workflow.TaskQueues;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts and signals runbook executions. The execution id is the workflow id. At most one execution runs
 * per protected service: a second outage for the service joins the running execution, a second drill is
 * refused.
 */
@ApplicationScoped
public class ExecutionLauncher {

    private static final Logger LOG = Logger.getLogger(ExecutionLauncher.class);

    @Inject
    WorkflowClient client;

    @Inject
    RunbookVersions versions;

    /** Why an execution could not start. */
    public static final class Busy extends RuntimeException {
        private final String runningId;

        Busy(String service, String runningId) {
            super("service " + service + " already has a running execution, " + runningId
                    + "; wait for it to finish or abort it (POST /api/executions/" + runningId + "/abort)");
            this.runningId = runningId;
        }

        public String runningId() {
            return runningId;
        }
    }

    /**
     * A drill, a plan or a failover started by a person: a fresh execution every time.
     *
     * @param startedBy the verified person starting it; for a live failover, they cannot approve it themselves
     */
    public String startByHand(Runbook runbook, Mode mode, Duration hold, int version, Actor startedBy) {
        return startByHand(runbook, mode, hold, version, null, startedBy);
    }

    /**
     * @param scope     the outage the drill or plan is for, or null
     * @param startedBy the verified person starting it; for a live failover, they cannot approve it themselves
     */
    public String startByHand(Runbook runbook, Mode mode, Duration hold, int version, String scope, Actor startedBy) {
        if (mode != Mode.PLAN) {
            running(runbook.protects()).ifPresent(id -> {
                throw new Busy(runbook.protects(), id);
            });
        }
        String id = mode.name().toLowerCase() + "-" + runbook.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
        start(id, new ExecutionRequest(id, mode, runbook, null, scope, hold.toSeconds(), null, 0, version, null, startedBy));
        LOG.infof("started %s of runbook %s as %s", mode.name().toLowerCase(), runbook.name(), id);
        return id;
    }

    /**
     * The failover of one runbook for one incident. A redelivered event maps to the same workflow id, which
     * Temporal refuses to start twice, even after the first execution closed. When another execution already
     * runs for the protected service, it is told of this outage instead (its failback waits anew).
     *
     * @param startedBy {@link Actor#system} with the id of the outage event acted on
     * @return the id of the execution that now handles the incident
     */
    public String startForIncident(Runbook runbook, String incidentId, String scope, Long outageSince, int version,
                                   Duration approvalTimeout, Actor startedBy) {
        String id = RunbookWorkflow.idForIncident(runbook.name(), incidentId);
        Optional<String> running = running(runbook.protects());
        if (running.isPresent() && !running.get().equals(id)) {
            client.newWorkflowStub(RunbookWorkflow.class, running.get()).outageDetected(incidentId);
            LOG.infof("outage of %s (incident %s): service %s is already handled by %s; told it of the new outage",
                    scope, incidentId, runbook.protects(), running.get());
            return running.get();
        }
        try {
            start(id, new ExecutionRequest(id, Mode.FAILOVER, runbook, incidentId, scope, 0, outageSince,
                    approvalTimeout.toSeconds(), version, null, startedBy));
            LOG.infof("outage of %s (incident %s): started failover of runbook %s as %s", scope, incidentId, runbook.name(), id);
        } catch (WorkflowExecutionAlreadyStarted already) {
            LOG.infof("incident %s already has execution %s of runbook %s; nothing started", incidentId, id, runbook.name());
        }
        return id;
    }

    /** Tells the failover of one runbook for one incident that its scope recovered. */
    public boolean signalRecovered(Runbook runbook, String incidentId) {
        String id = RunbookWorkflow.idForIncident(runbook.name(), incidentId);
        try {
            client.newWorkflowStub(RunbookWorkflow.class, id).outageRecovered(incidentId);
            LOG.infof("incident %s recovered: signalled %s", incidentId, id);
            return true;
        } catch (WorkflowNotFoundException gone) {
            // The incident may have joined another execution of the same service.
            Optional<String> running = running(runbook.protects());
            if (running.isPresent()) {
                client.newWorkflowStub(RunbookWorkflow.class, running.get()).outageRecovered(incidentId);
                LOG.infof("incident %s recovered: signalled %s, which handles service %s", incidentId, running.get(), runbook.protects());
                return true;
            }
            LOG.infof("incident %s recovered: runbook %s has no running execution for it", incidentId, runbook.name());
            return false;
        }
    }

    /** The running execution of a protected service, if any. */
    public Optional<String> running(String service) {
        return client.listExecutions(SearchAttributes.SERVICE.getName() + " = '" + service.replace("'", "")
                        + "' AND ExecutionStatus = 'Running'")
                .map(WorkflowExecutionMetadata::getExecution)
                .map(e -> e.getWorkflowId())
                .findFirst();
    }

    private void start(String id, ExecutionRequest request) {
        Runbook runbook = request.runbook();
        WorkflowOptions options = WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                        .set(SearchAttributes.RUNBOOK, runbook.name())
                        .set(SearchAttributes.SERVICE, runbook.protects())
                        .set(SearchAttributes.MODE, request.mode().name().toLowerCase())
                        .set(SearchAttributes.PHASE, Phase.STARTING.value())
                        .build())
                .setStaticSummary(request.mode().name().toLowerCase() + " of runbook " + runbook.name() + " for service "
                        + runbook.protects() + (request.scope() == null ? "" : " (outage of " + request.scope() + ")"))
                .build();
        RunbookWorkflow workflow = client.newWorkflowStub(RunbookWorkflow.class, options);
        WorkflowClient.start(workflow::run, request);
        // After the start, so only executions that run are recorded; never throws (a failover does not wait on it).
        versions.recordExecution(id, runbook.name(), request.runbookVersion());
    }
}
