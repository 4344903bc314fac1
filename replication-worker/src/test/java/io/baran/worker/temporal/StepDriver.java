package io.baran.worker.temporal;

import io.baran.workflow.StepCommand;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Runs {@link StepDriverWorkflow} on a Temporal server for a test, and reads back its history. */
final class StepDriver implements AutoCloseable {

    private final WorkflowClient client;
    private final WorkerFactory factory;
    private String lastWorkflowId;

    StepDriver(WorkflowClient client) {
        this.client = client;
        this.factory = WorkerFactory.newInstance(client);
        factory.newWorker(StepDriverWorkflow.TASK_QUEUE)
                .registerWorkflowImplementationTypes(StepDriverWorkflowImpl.class);
        factory.start();
    }

    StepTrace run(StepCommand command, int applies, boolean undo) {
        lastWorkflowId = "step-driver-" + UUID.randomUUID();
        // Bounded: a failure retried forever ends as a timeout instead of hanging the test.
        StepDriverWorkflow workflow = client.newWorkflowStub(
                StepDriverWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setTaskQueue(StepDriverWorkflow.TASK_QUEUE)
                        .setWorkflowId(lastWorkflowId)
                        .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                        .build());
        return workflow.run(command, applies, undo);
    }

    List<HistoryEvent> lastHistory() {
        return client.fetchHistory(lastWorkflowId).getHistory().getEventsList();
    }

    /** How many activities of the last run ended in a timeout. */
    long activityTimeouts() {
        return lastHistory().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
                .count();
    }

    /** The attempt number each activity of the last run finished on: 1 means it was not retried. */
    List<Integer> activityAttempts() {
        return lastHistory().stream()
                .filter(HistoryEvent::hasActivityTaskStartedEventAttributes)
                .map(e -> e.getActivityTaskStartedEventAttributes().getAttempt())
                .toList();
    }

    @Override
    public void close() {
        factory.shutdown();
        factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
