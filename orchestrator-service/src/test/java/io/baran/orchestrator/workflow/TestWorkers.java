package io.baran.orchestrator.workflow;

import io.baran.workflow.SearchAttributes;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.temporal.AesGcmPayloadCodec;
import io.baran.workflow.temporal.PayloadEncryption;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Worker options for tests on a loaded 2-core machine, where a cold workflow thread can be slow to yield. */
final class TestWorkers {

    /** The SDK's default of one second reports false deadlocks while classes load under load; real ones still show. */
    static final WorkerOptions OPTIONS = WorkerOptions.newBuilder()
            .setDefaultDeadlockDetectionTimeout(30_000)
            .build();

    /**
     * A started time-skipping environment knowing Baran's search attributes, with the interpreter and
     * {@code orchestrationActivities} on the orchestration task queue and {@code world} on the actions task queue.
     */
    static TestWorkflowEnvironment start(
            TestEnvironmentOptions options, InMemoryWorld world, Object... orchestrationActivities) {
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options);
        for (var key : SearchAttributes.ALL) {
            env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
        }
        for (var key : SearchAttributes.KEYWORD_LISTS) {
            env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
        }
        var orchestration = env.newWorker(TaskQueues.ORCHESTRATION, OPTIONS);
        orchestration.registerWorkflowImplementationFactory(
                io.baran.workflow.RunbookWorkflow.class,
                () -> new RunbookWorkflowImpl(ENCRYPTION.decisionSeals().orElseThrow()));
        orchestration.registerActivitiesImplementations(orchestrationActivities);
        env.newWorker(TaskQueues.ACTIONS, OPTIONS).registerActivitiesImplementations(world);
        env.start();
        return env;
    }

    /** The payload codec of the tests' orchestrator: its keys seal people's decisions (the workflows check them). */
    static final PayloadEncryption ENCRYPTION = new PayloadEncryption(Optional.of(new AesGcmPayloadCodec(
            "test", java.util.Map.of("test", "test-only-key-for-baran-tests-01".getBytes(StandardCharsets.UTF_8)))));

    /**
     * Decisions sent to the executions of {@code env}, as the REST API sends them: sealed by the orchestrator, at the
     * environment's (skipped) time.
     */
    static ExecutionDecisions decisions(TestWorkflowEnvironment env) {
        ExecutionDecisions decisions = new ExecutionDecisions();
        decisions.client = env.getWorkflowClient();
        decisions.encryption = ENCRYPTION;
        decisions.clock = env::currentTimeMillis;
        return decisions;
    }

    private TestWorkers() {}

    /** A stub for a new execution {@code id} on the orchestration task queue. */
    static io.baran.workflow.RunbookWorkflow stub(io.temporal.client.WorkflowClient client, String id) {
        return client.newWorkflowStub(
                io.baran.workflow.RunbookWorkflow.class,
                io.temporal.client.WorkflowOptions.newBuilder()
                        .setWorkflowId(id)
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
                        .build());
    }
}
