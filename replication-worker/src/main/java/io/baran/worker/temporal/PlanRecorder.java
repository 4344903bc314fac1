package io.baran.worker.temporal;

import com.google.protobuf.ByteString;
import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.RecordedPlan;
import io.baran.workflow.StepPlan;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatRequest;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatResponse;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records a step's plan on the Temporal server as its activity's heartbeat details, and returns only once the
 * server has it. The SDK's own heartbeat cannot be used for this: it is sent in the background, throttled, and a
 * failed send is only logged, so a worker could change the world with the plan still unknown to the server, and a
 * retry would then plan from the changed world and lose the state to restore.
 */
public final class PlanRecorder {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private PlanRecorder() {}

    /**
     * Sets the plan the step's heartbeats carry ({@link ActivityHeartbeat#carrying}) and replaces the SDK's pending
     * heartbeat (a planning line) with it, both under the plan's lock, so no later background send of a line can
     * overwrite the plan recorded on the server.
     */
    static RecordedPlan handOver(ActivityExecutionContext context, StepPlan plan, AtomicReference<StepPlan> carried) {
        RecordedPlan details = new RecordedPlan(plan, "planned: " + plan.summary());
        synchronized (carried) {
            carried.set(plan);
            context.heartbeat(details);
        }
        return details;
    }

    /**
     * @param carried the plan the step's heartbeats carry, set here
     * @throws io.temporal.failure.ApplicationFailure of type {@link FailureTypes#PLAN_NOT_RECORDED} (retryable) when
     *     the server did not take it: the caller must then change nothing
     */
    public static void record(ActivityExecutionContext context, StepPlan plan, AtomicReference<StepPlan> carried) {
        RecordedPlan details = handOver(context, plan, carried);
        WorkflowClient client = context.getWorkflowClient();
        Optional<Payloads> payloads = client.getOptions().getDataConverter().toPayloads(details);
        RecordActivityTaskHeartbeatResponse response;
        try {
            response = client.getWorkflowServiceStubs()
                    .blockingStub()
                    .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setTaskToken(ByteString.copyFrom(context.getTaskToken()))
                            .setIdentity(client.getOptions().getIdentity())
                            .setDetails(payloads.orElseThrow())
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                // The attempt timed out or the execution ended meanwhile: another attempt may be running.
                throw new ActivityCanceledException(context.getInfo());
            }
            throw Failures.of(
                    FailureTypes.PLAN_NOT_RECORDED,
                    "step " + plan.step() + ": Temporal did not record its plan ("
                            + e.getStatus().getCode() + "), so nothing was changed");
        }
        if (response.getCancelRequested()) {
            throw new ActivityCanceledException(context.getInfo());
        }
    }
}
