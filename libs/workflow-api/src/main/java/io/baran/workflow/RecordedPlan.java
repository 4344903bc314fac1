package io.baran.workflow;

import io.temporal.common.converter.Values;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.util.Optional;

/**
 * The heartbeat details of a {@link ActionActivities#planAndApply} attempt, and the details of its failure: the
 * plan once it is made and recorded on the server (null before), and the latest progress line. A worker changes
 * nothing before the server holds the plan, so whoever reads these details — the next attempt, or the workflow
 * when the step failed or timed out — knows what to undo: a step whose details carry no plan changed nothing.
 *
 * @param plan     the plan the attempt recorded, or null while it is still planning
 * @param progress a short line a person reads in the pending activity, never a secret
 */
public record RecordedPlan(StepPlan plan, String progress) {

    /**
     * The plan a failed {@link ActionActivities#planAndApply} recorded before it failed, from the failure's details
     * (the worker attaches it to every failure raised after the plan was recorded) or, when the attempt timed out,
     * from its last heartbeat. Empty when the step failed before its plan was recorded: then it changed nothing.
     */
    public static Optional<StepPlan> of(ActivityFailure failure) {
        Values details = null;
        if (failure.getCause() instanceof ApplicationFailure application) {
            details = application.getDetails();
        } else if (failure.getCause() instanceof TimeoutFailure timeout) {
            details = timeout.getLastHeartbeatDetails();
        }
        if (details == null || details.getSize() == 0) {
            return Optional.empty();
        }
        RecordedPlan recorded = details.get(0, RecordedPlan.class);
        return Optional.ofNullable(recorded == null ? null : recorded.plan());
    }
}
