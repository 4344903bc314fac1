package io.baran.worker.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.worker.budget.CallPriority;
import io.baran.workflow.PriorityHeader;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tier an execution puts on its activity calls (the orchestrator's {@link PriorityHeader}) is the tier the
 * worker's activity runs as ({@link CallPriority}), which its API budgets serve by.
 */
class PriorityInterceptorTest {

    private static final String QUEUE = "priority-test";

    private TestWorkflowEnvironment env;

    @BeforeEach
    void start() {
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new PriorityHeader(), new PriorityInterceptor())
                        .build())
                .build());
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(CallsOnce.class);
        worker.registerActivitiesImplementations(new SeesItsTier());
        env.start();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void theActivityRunsAsTheTierItsExecutionCarries() {
        assertEquals(1, run(1));
        assertEquals(5, run(5));
    }

    @Test
    void aCallWithoutTheHeaderRunsAsTheDefaultTier() {
        assertEquals(CallPriority.DEFAULT, run(0));
        assertEquals(3, CallPriority.DEFAULT, "a runbook without spec.priority is tier 3");
    }

    private int run(int tier) {
        return env.getWorkflowClient()
                .newWorkflowStub(
                        Probe.class,
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(QUEUE)
                                .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                                .build())
                .run(tier);
    }

    @WorkflowInterface
    public interface Probe {
        /** @param tier the tier to carry, or 0 for none */
        @WorkflowMethod
        int run(int tier);
    }

    @ActivityInterface
    public interface TierSeen {
        @ActivityMethod
        int tierSeen();
    }

    public static class CallsOnce implements Probe {
        @Override
        public int run(int tier) {
            if (tier > 0) {
                PriorityHeader.set(tier);
            }
            return Workflow.newActivityStub(
                            TierSeen.class,
                            ActivityOptions.newBuilder()
                                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                                    .build())
                    .tierSeen();
        }
    }

    public static class SeesItsTier implements TierSeen {
        @Override
        public int tierSeen() {
            return CallPriority.current();
        }
    }
}
