package io.baran.worker.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.baran.runbook.ActionType;
import io.baran.runbook.BoundWith;
import io.baran.worker.temporal.ActivityHeartbeat;
import io.baran.workflow.ActionActivities;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.RecordedPlan;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.StepRun;
import io.baran.workflow.temporal.AesGcmPayloadCodec;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's PlanApplyStep on the SDK's test server: the plan is on the server before the action changes anything,
 * a retry applies the recorded plan instead of planning from the changed world, and a failure after the plan carries
 * it to the workflow.
 */
class PlanAndApplyTest {

    private static final String QUEUE = "plan-and-apply-test";

    /** As the worker runs: every payload encrypted, the plans in heartbeat details too. */
    private static final DataConverter ENCRYPTING = new CodecDataConverter(
            DefaultDataConverter.newDefaultInstance(),
            List.of(new AesGcmPayloadCodec("k1", Map.of("k1", new byte[32]))),
            true);

    private TestWorkflowEnvironment env;
    private final SettingAction action = new SettingAction();
    private final List<Payloads> rawDetails = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                        .setDataConverter(ENCRYPTING)
                        .build())
                .build());
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(CallsPlanAndApply.class);
        worker.registerActivitiesImplementations(new ActionActivitiesImpl(new ActionRegistry(List.of(action))));
        env.start();
        action.world.put("www", "primary");
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void thePlanIsOnTheServerBeforeTheActionChangesAnything() {
        RecordedPlan[] seenByTheServer = new RecordedPlan[1];
        action.beforeChange.add(attempt -> seenByTheServer[0] = pendingHeartbeat("first"));

        Outcome outcome = call("first", 1);

        assertNotNull(outcome.run(), outcome.toString());
        assertNotNull(seenByTheServer[0], "the pending activity's heartbeat details when the change began");
        assertEquals(outcome.run().plan(), seenByTheServer[0].plan());
        assertEquals("primary", seenByTheServer[0].plan().observed().get("value"));
        assertEquals("standby", action.world.get("www"));
        Payload stored = rawDetails.get(0).getPayloads(0);
        assertEquals(
                AesGcmPayloadCodec.ENCODING,
                stored.getMetadataMap().get("encoding").toStringUtf8(),
                "the recorded plan is encrypted as every payload is");
        assertFalse(
                stored.toByteString().toStringUtf8().contains("primary"), "no plain text of the plan on the server");
    }

    @Test
    void aRetryAppliesTheRecordedPlanAndNeverPlansAgain() {
        // The first attempt changes the record, reports progress, then loses its connection.
        action.afterChange.add(attempt -> {
            new ActivityHeartbeat().beat("waiting for the change to sync");
            throw ApplicationFailure.newFailure("connection reset", FailureTypes.PROVIDER_UNAVAILABLE);
        });

        Outcome outcome = call("retried", 3);

        assertNotNull(outcome.run(), outcome.toString());
        assertEquals(1, action.plans.size(), "planned once: " + action.plans);
        assertEquals(2, action.applied.size());
        assertEquals(action.applied.get(0), action.applied.get(1), "the second attempt applies the first plan");
        assertEquals("primary", outcome.run().plan().observed().get("value"), "the state before the failover");
        assertEquals("standby", action.world.get("www"));
    }

    @Test
    void aFailureAfterThePlanCarriesItToTheWorkflow() {
        action.afterChange.add(attempt -> {
            throw ApplicationFailure.newNonRetryableFailure("the record changed meanwhile", FailureTypes.PLAN_UNSAFE);
        });

        Outcome outcome = call("refused", 3);

        assertNull(outcome.run());
        assertEquals(FailureTypes.PLAN_UNSAFE, outcome.failureType());
        assertNotNull(outcome.planOfFailure(), "the workflow can undo the step");
        assertEquals("primary", outcome.planOfFailure().observed().get("value"));
        assertEquals(1, action.applied.size(), "not retried: the type is not retryable");
    }

    @Test
    void aStepThatHadNothingToChangeRecordsNoPlanAndItsFailureCarriesNone() {
        action.world.put("www", "standby");
        action.beforeChange.add(attempt -> {
            throw ApplicationFailure.newNonRetryableFailure("GET did not answer", FailureTypes.HEALTH_CHECK_FAILED);
        });

        Outcome outcome = call("unchanged", 1);

        assertEquals(FailureTypes.HEALTH_CHECK_FAILED, outcome.failureType());
        assertNull(outcome.planOfFailure());
    }

    private Outcome call(String id, int attempts) {
        return env.getWorkflowClient()
                .newWorkflowStub(
                        Caller.class,
                        WorkflowOptions.newBuilder()
                                .setWorkflowId(id)
                                .setTaskQueue(QUEUE)
                                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                                .build())
                .call(
                        new StepCommand(id, "move-www", SettingAction.NAME, Map.of("record", "www", "to", "standby")),
                        attempts);
    }

    /** What the server holds as the pending activity's heartbeat details, read as the workflow's side reads them. */
    private RecordedPlan pendingHeartbeat(String workflowId) {
        DescribeWorkflowExecutionResponse described = env.getWorkflowClient()
                .getWorkflowServiceStubs()
                .blockingStub()
                .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                        .setNamespace(env.getNamespace())
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                        .build());
        if (described.getPendingActivitiesCount() == 0
                || !described.getPendingActivities(0).hasHeartbeatDetails()) {
            return null;
        }
        Payloads details = described.getPendingActivities(0).getHeartbeatDetails();
        rawDetails.add(details);
        return ENCRYPTING.fromPayloads(0, Optional.of(details), RecordedPlan.class, RecordedPlan.class);
    }

    /** What the test workflow saw: the step's run, or its failure's type and the plan the failure carried. */
    public record Outcome(StepRun run, String failureType, StepPlan planOfFailure) {}

    @WorkflowInterface
    public interface Caller {
        @WorkflowMethod
        Outcome call(StepCommand command, int attempts);
    }

    public static class CallsPlanAndApply implements Caller {
        @Override
        public Outcome call(StepCommand command, int attempts) {
            ActionActivities activities = Workflow.newActivityStub(
                    ActionActivities.class,
                    ActivityOptions.newBuilder()
                            .setTaskQueue(QUEUE)
                            .setStartToCloseTimeout(Duration.ofMinutes(1))
                            .setRetryOptions(RetryOptions.newBuilder()
                                    .setInitialInterval(Duration.ofSeconds(1))
                                    .setMaximumAttempts(attempts)
                                    .setDoNotRetry(FailureTypes.NON_RETRYABLE.toArray(String[]::new))
                                    .build())
                            .build());
            try {
                return new Outcome(activities.planAndApply(command), null, null);
            } catch (ActivityFailure failure) {
                ApplicationFailure cause = (ApplicationFailure) failure.getCause();
                return new Outcome(
                        null, cause.getType(), RecordedPlan.of(failure).orElse(null));
            }
        }
    }

    /** Sets {@code with.record} to {@code with.to} in a map; hooks run by attempt, before and after the change. */
    static final class SettingAction implements Action {
        static final String NAME = "test.set";

        final Map<String, String> world = new ConcurrentHashMap<>();
        final List<StepPlan> plans = new CopyOnWriteArrayList<>();
        final List<StepPlan> applied = new CopyOnWriteArrayList<>();
        final List<Consumer<Integer>> beforeChange = new CopyOnWriteArrayList<>();
        final List<Consumer<Integer>> afterChange = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public ActionType type() {
            throw new UnsupportedOperationException("a test action: no runbook names it");
        }

        @Override
        public Object input(BoundWith with) {
            throw new UnsupportedOperationException("a test action: no runbook names it");
        }

        @Override
        public StepPlan plan(StepCommand command) {
            String record = (String) command.with().get("record");
            String current = world.get(record);
            Object to = command.with().get("to");
            StepPlan plan = new StepPlan(
                    command.step(),
                    command.action(),
                    !to.equals(current),
                    record + ": " + current + " -> " + to,
                    Map.of("value", current),
                    Map.of("value", to));
            plans.add(plan);
            return plan;
        }

        @Override
        public StepOutcome apply(StepCommand command, StepPlan plan) {
            applied.add(plan);
            int attempt = applied.size();
            if (!beforeChange.isEmpty()) {
                beforeChange.remove(0).accept(attempt);
            }
            if (!plan.changes()) {
                return new StepOutcome(command.step(), false, "nothing to do");
            }
            boolean changed = !plan.desired()
                    .get("value")
                    .equals(world.put((String) command.with().get("record"), (String)
                            plan.desired().get("value")));
            if (!afterChange.isEmpty()) {
                afterChange.remove(0).accept(attempt);
            }
            return new StepOutcome(command.step(), changed, plan.summary());
        }

        @Override
        public StepOutcome undo(StepCommand command, StepPlan plan) {
            throw new UnsupportedOperationException();
        }
    }
}
