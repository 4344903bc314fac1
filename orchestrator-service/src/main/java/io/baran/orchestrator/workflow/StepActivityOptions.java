package io.baran.orchestrator.workflow;

import io.baran.runbook.Durations;
import io.baran.runbook.Step;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Timeouts and retries of a step's activities, from the runbook step and the action's nature. */
final class StepActivityOptions {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PLAN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

    private StepActivityOptions() {}

    static ActivityOptions forPlan() {
        return base(PLAN_TIMEOUT, 5);
    }

    static ActivityOptions forApply(Step step) {
        // Long steps heartbeat on every try, so a worker that dies mid-step is noticed in seconds, not at the timeout.
        Duration heartbeat = HEARTBEAT_TIMEOUT;
        if (step.with().get("interval") instanceof String interval) {
            Duration threeTries = Durations.parse(interval).multipliedBy(3);
            heartbeat = threeTries.compareTo(heartbeat) > 0 ? threeTries : heartbeat;
        }
        ActivityOptions options = base(applyTimeout(step), 5);
        if (step.retry() != null) {
            options = ActivityOptions.newBuilder(options)
                    .setRetryOptions(RetryOptions.newBuilder(options.getRetryOptions())
                            .setMaximumAttempts(step.retry().attempts())
                            .setInitialInterval(Durations.parse(step.retry().interval()))
                            .setMaximumInterval(Durations.parse(step.retry().maxInterval()))
                            .build())
                    .build();
        }
        return ActivityOptions.newBuilder(options)
                .setHeartbeatTimeout(heartbeat)
                .build();
    }

    static ActivityOptions forUndo() {
        // Undo is what brings production back to its primary: keep trying, with backoff, for long.
        return base(DEFAULT_TIMEOUT, 20);
    }

    private static Duration applyTimeout(Step step) {
        if (step.timeout() != null) {
            return Durations.parse(step.timeout());
        }
        Object within = step.with().get("within");
        if (within instanceof String text) {
            return Durations.parse(text).plusSeconds(30);
        }
        return DEFAULT_TIMEOUT;
    }

    private static ActivityOptions base(Duration startToClose, int attempts) {
        return ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.ACTIONS)
                .setStartToCloseTimeout(startToClose)
                .setRetryOptions(RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setBackoffCoefficient(2.0)
                        .setMaximumInterval(Duration.ofSeconds(30))
                        .setMaximumAttempts(attempts)
                        .setDoNotRetry(FailureTypes.NON_RETRYABLE.toArray(String[]::new))
                        .build())
                .build();
    }
}
