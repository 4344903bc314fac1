package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.baran.orchestrator.readiness.ReadinessWorkflowImpl;
import io.baran.workflow.PriorityHeader;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.TraceHeader;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every recorded history with the current interpreter: a change that would make a running
 * execution take another path fails here, and must be guarded with Workflow.getVersion.
 */
class HistoryReplayTest {

    @TestFactory
    Stream<DynamicTest> everyRecordedHistoryReplays() throws IOException {
        Path dir = Path.of("src", "test", "resources", "histories");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no recorded histories in " + dir);
        return files.stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    // With the production worker's interceptors: the trace and priority headers change no replay.
                    try (TestWorkflowEnvironment env =
                            TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                                    .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
                                            .setWorkerInterceptors(new PriorityHeader(), TraceHeader.worker())
                                            .build())
                                    .build())) {
                        Worker worker = env.newWorker(TaskQueues.ORCHESTRATION, TestWorkers.OPTIONS);
                        worker.registerWorkflowImplementationTypes(
                                RunbookWorkflowImpl.class, ReadinessWorkflowImpl.class);
                        WorkflowReplayer.replayWorkflowExecution(
                                WorkflowExecutionHistory.fromJson(Files.readString(file)), worker);
                    }
                }));
    }
}
