package io.baran.orchestrator.workflow;

import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.RunbookWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads an execution's state from Temporal: the workflow's status and its own account of its steps. */
@ApplicationScoped
public class ExecutionReader {

    @Inject
    WorkflowClient client;

    /** The workflow status as Temporal reports it, e.g. {@code running}, {@code completed}, {@code failed}. */
    public record Execution(String status, ExecutionProgress progress) {
    }

    public Optional<Execution> read(String executionId) {
        WorkflowExecutionStatus status;
        try {
            status = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                    DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(executionId))
                            .build()).getWorkflowExecutionInfo().getStatus();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                return Optional.empty();
            }
            throw e;
        }
        String statusName = status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase();
        ExecutionProgress progress;
        WorkflowStub stub = client.newUntypedWorkflowStub(executionId);
        if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
            try {
                progress = stub.getResult(5, TimeUnit.SECONDS, ExecutionProgress.class);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Temporal did not return the result of completed execution " + executionId, e);
            }
        } else {
            progress = client.newWorkflowStub(RunbookWorkflow.class, executionId).progress();
        }
        return Optional.of(new Execution(statusName, progress));
    }
}
