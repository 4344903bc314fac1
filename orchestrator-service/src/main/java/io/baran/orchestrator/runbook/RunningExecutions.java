package io.baran.orchestrator.runbook;

import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.orchestrator.workflow.VisibilityQuery;
import io.baran.workflow.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Which executions of a runbook still run, as Temporal says: those recorded in the database (asked one by
 * one, so one started a moment ago counts, and one an outage claimed but has not started yet too), and those
 * Temporal's visibility lists by the runbook's search attribute (so executions recorded nowhere here count too).
 */
@ApplicationScoped
public class RunningExecutions {

    private static final Logger LOG = Logger.getLogger(RunningExecutions.class);

    /**
     * How long an execution claimed by an outage being dispatched ({@link RunbookVersions#claimDispatch}) counts as
     * running before Temporal knows it. A claim whose start fails is released at once; this covers an orchestrator
     * that stopped between claim and start (the redelivered event starts it, or nothing does).
     */
    public static final Duration STARTING_GRACE = Duration.ofMinutes(2);

    @Inject
    WorkflowClient client;

    @Inject
    RunbookVersions versions;

    @Inject
    ExecutionReader reader;

    /**
     * @throws StatusRuntimeException when Temporal cannot be asked
     */
    public List<String> of(String runbook) {
        Set<String> running = new LinkedHashSet<>();
        Instant claimedSince = Instant.now().minus(STARTING_GRACE);
        for (RunbookVersions.Execution execution : versions.unfinishedExecutions(runbook)) {
            if (stateOf(execution, claimedSince) != State.ENDED) {
                running.add(execution.executionId());
            }
        }
        try {
            client.listExecutions(VisibilityQuery.where()
                            .equal(SearchAttributes.RUNBOOK, runbook)
                            .equal("ExecutionStatus", "Running")
                            .build())
                    .map(WorkflowExecutionMetadata::getExecution)
                    .forEach(e -> running.add(e.getWorkflowId()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
                throw e;
            }
            // The search attribute is not registered on this Temporal cluster: the recorded executions must do.
            LOG.debugf("cannot list executions by %s: %s", SearchAttributes.RUNBOOK.getName(), e.getMessage());
        }
        return List.copyOf(running);
    }

    /** What a recorded execution is, as Temporal says. */
    public enum State {
        /** Temporal runs it. */
        RUNNING,
        /** Claimed by an outage being dispatched less than {@link #STARTING_GRACE} ago; Temporal does not know it yet. */
        STARTING,
        /** Closed, or claimed longer ago and never started: marked finished. */
        ENDED
    }

    /**
     * Whether an execution recorded in the database (unfinished there) still runs; one that does not is marked
     * finished.
     *
     * @throws StatusRuntimeException when Temporal cannot be asked
     */
    public State stateOf(RunbookVersions.Execution execution) {
        return stateOf(execution, Instant.now().minus(STARTING_GRACE));
    }

    private State stateOf(RunbookVersions.Execution execution, Instant claimedSince) {
        String id = execution.executionId();
        Boolean isRunning = isRunning(id);
        if (Boolean.TRUE.equals(isRunning)) {
            return State.RUNNING;
        }
        if (isRunning == null
                && execution.startedAt() != null
                && execution.startedAt().isAfter(claimedSince)) {
            return State.STARTING; // claimed by an outage being dispatched, not started yet
        }
        versions.finished(id);
        return State.ENDED;
    }

    /** @return whether Temporal runs it; null when Temporal does not know it (not started yet, or long gone) */
    private Boolean isRunning(String executionId) {
        return reader.status(executionId)
                .map(status -> status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
                .orElse(null);
    }
}
