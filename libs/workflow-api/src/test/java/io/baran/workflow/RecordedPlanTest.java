package io.baran.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The workflow finds the plan a failed PlanApplyStep recorded, in the failure as it arrives from the server (through
 * Temporal's failure converter): in the details of an application failure, or in the last heartbeat of a timeout.
 */
class RecordedPlanTest {

    private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();
    private static final StepPlan PLAN = new StepPlan(
            "move-www",
            "dns.switch",
            true,
            "www CNAME primary -> standby",
            Map.of("exists", true, "value", "primary"),
            Map.of("value", "standby"));

    /** The failure as the workflow sees it: serialized by the worker's side, read back by the workflow's. */
    private static ActivityFailure asReceived(Throwable cause) {
        ActivityFailure sent = new ActivityFailure(
                "activity failed",
                5,
                6,
                "PlanApplyStep",
                "7",
                RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
                "w",
                cause);
        return (ActivityFailure) CONVERTER.failureToException(CONVERTER.exceptionToFailure(sent));
    }

    @Test
    void anApplicationFailureRaisedAfterThePlanCarriesIt() {
        ApplicationFailure failure = ApplicationFailure.newBuilder()
                .setMessage("refused")
                .setType(FailureTypes.PLAN_UNSAFE)
                .setNonRetryable(true)
                .setDetails(new RecordedPlan(PLAN, "failed: refused"))
                .build();
        assertEquals(Optional.of(PLAN), RecordedPlan.of(asReceived(failure)));
    }

    @Test
    void aTimedOutAttemptGivesThePlanOfItsLastHeartbeat() {
        TimeoutFailure timeout = new TimeoutFailure(
                "heartbeat timeout",
                new RecordedPlan(PLAN, "waiting for the change"),
                TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
        assertEquals(Optional.of(PLAN), RecordedPlan.of(asReceived(timeout)));
    }

    @Test
    void aFailureBeforeThePlanWasRecordedCarriesNone() {
        assertTrue(RecordedPlan.of(
                        asReceived(ApplicationFailure.newFailure("no credentials", FailureTypes.PROVIDER_REJECTED)))
                .isEmpty());
        TimeoutFailure whilePlanning = new TimeoutFailure(
                "heartbeat timeout", new RecordedPlan(null, "reading zone"), TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
        assertTrue(RecordedPlan.of(asReceived(whilePlanning)).isEmpty());
        TimeoutFailure neverBeat =
                new TimeoutFailure("start-to-close timeout", null, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
        assertTrue(RecordedPlan.of(asReceived(neverBeat)).isEmpty());
    }
}
