package io.baran.orchestrator.workflow;

import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowStub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Reads executions from Temporal: the workflow's status and its own account of its steps. */
@ApplicationScoped
public class ExecutionReader {

    /** The workflow type of executions; the namespace holds others (a scheduled drill's starter, readiness). */
    static final String EXECUTION_TYPE = io.temporal.common.metadata.POJOWorkflowInterfaceMetadata.newInstance(
                    RunbookWorkflow.class)
            .getWorkflowType()
            .orElseThrow();

    /** The most executions one list answers with. */
    public static final int LIST_LIMIT = 200;

    @Inject
    WorkflowClient client;

    /** The workflow status as Temporal reports it, e.g. {@code running}, {@code completed}, {@code failed}. */
    /** @param runId Temporal's run id of the execution's latest run (a long hold continues as new runs) */
    public record Execution(String status, ExecutionProgress progress, String runId) {}

    /** One line of a list of executions, from the search attributes (no workflow is replayed to list). */
    @Schema(name = "ExecutionSummary", description = "an execution as Temporal's visibility store lists it")
    public record Summary(
            String executionId,
            String status,
            String runbook,
            String service,
            String mode,
            String phase,
            String startedAt,
            String closedAt) {}

    public Optional<Execution> read(String executionId) {
        var info = info(executionId);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        Optional<WorkflowExecutionStatus> status = info.map(i -> i.getStatus());
        ExecutionProgress progress;
        if (status.get() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
            progress = result(executionId, Duration.ofSeconds(5));
        } else {
            progress =
                    client.newWorkflowStub(RunbookWorkflow.class, executionId).progress();
        }
        // Aborted through the Update abort, an execution ends completed in Temporal (nobody asked Temporal to cancel
        // it); it reads canceled, as an execution aborted by a cancellation does.
        String name = status.get() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
                        && progress != null
                        && progress.abortedBy() != null
                ? name(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED)
                : name(status.get());
        return Optional.of(
                new Execution(name, progress, info.get().getExecution().getRunId()));
    }

    /** Waits, at most {@code timeout}, for a short execution (a plan) to finish and returns its result. */
    public Optional<ExecutionProgress> awaitResult(String executionId, Duration timeout) {
        try {
            return Optional.of(client.newUntypedWorkflowStub(executionId)
                    .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, ExecutionProgress.class));
        } catch (TimeoutException e) {
            return Optional.empty();
        }
    }

    /** Executions (newest first, the visibility store's own order) that match the filter. */
    public List<Summary> list(ExecutionFilter filter) {
        return client.listExecutions(filter.query())
                .limit(LIST_LIMIT)
                .map(this::summary)
                .toList();
    }

    private Summary summary(WorkflowExecutionMetadata m) {
        var attributes = m.getTypedSearchAttributes();
        return new Summary(
                m.getExecution().getWorkflowId(),
                name(m.getStatus()),
                attributes.get(SearchAttributes.RUNBOOK),
                attributes.get(SearchAttributes.SERVICE),
                attributes.get(SearchAttributes.MODE),
                attributes.get(SearchAttributes.PHASE),
                m.getStartTime() == null ? null : m.getStartTime().toString(),
                m.getCloseTime() == null ? null : m.getCloseTime().toString());
    }

    /** Whether Temporal knows an execution of this id, running or closed (within the namespace's retention). */
    public boolean exists(String executionId) {
        return info(executionId).isPresent();
    }

    /**
     * Temporal's status of the execution; empty when Temporal does not know it (not started yet, never started, or gone
     * past the namespace's retention).
     *
     * @throws StatusRuntimeException when Temporal cannot be asked
     */
    public Optional<WorkflowExecutionStatus> status(String executionId) {
        return info(executionId).map(io.temporal.api.workflow.v1.WorkflowExecutionInfo::getStatus);
    }

    /** Temporal's description of the execution; empty for a workflow of the namespace that is not an execution. */
    private Optional<io.temporal.api.workflow.v1.WorkflowExecutionInfo> info(String executionId) {
        try {
            return Optional.of(client.getWorkflowServiceStubs()
                            .blockingStub()
                            .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                                    .setNamespace(client.getOptions().getNamespace())
                                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(executionId))
                                    .build())
                            .getWorkflowExecutionInfo())
                    .filter(info -> EXECUTION_TYPE.equals(info.getType().getName()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND
                    || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private ExecutionProgress result(String executionId, Duration timeout) {
        WorkflowStub stub = client.newUntypedWorkflowStub(executionId);
        try {
            return stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, ExecutionProgress.class);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Temporal did not return the result of completed execution " + executionId, e);
        }
    }

    private static String name(WorkflowExecutionStatus status) {
        return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase();
    }
}
