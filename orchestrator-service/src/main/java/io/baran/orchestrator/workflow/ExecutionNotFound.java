package io.baran.orchestrator.workflow;

/** No execution with this id is running (it is unknown, or it has already finished). */
public class ExecutionNotFound extends RuntimeException {

    private final String executionId;

    public ExecutionNotFound(String executionId, Throwable cause) {
        super("no running execution with id \"" + executionId + "\"", cause);
        this.executionId = executionId;
    }

    public String executionId() {
        return executionId;
    }
}
