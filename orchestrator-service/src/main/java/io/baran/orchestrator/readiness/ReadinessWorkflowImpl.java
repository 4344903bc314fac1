package io.baran.orchestrator.readiness;

import io.baran.workflow.ReadinessActivities;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import io.baran.workflow.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/** {@link ReadinessWorkflow}: rounds of checks with a durable timer between them. Deterministic: no I/O here. */
public class ReadinessWorkflowImpl implements ReadinessWorkflow {

    private static final Logger LOG = Workflow.getLogger(ReadinessWorkflowImpl.class);
    /** Rounds per run before it continues as new (a day at the default interval of 10 minutes is 144 rounds). */
    static final int ROUNDS_PER_RUN = 24;

    private final ReadinessRounds rounds = Workflow.newActivityStub(
            ReadinessRounds.class,
            ActivityOptions.newBuilder()
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .setStartToCloseTimeout(Duration.ofMinutes(1))
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setMaximumAttempts(3)
                            .setInitialInterval(Duration.ofSeconds(1))
                            .build())
                    .build());

    private Duration interval;
    private boolean wake;

    /**
     * Change id: checks go to the worker's readiness queue ({@link TaskQueues#READINESS}) and at most
     * {@value #IN_FLIGHT} runbooks are evaluated at once, so a round over many runbooks never crowds out the task queues
     * and slots a failover needs (a mass outage and a round may well coincide).
     */
    static final String OWN_QUEUE = "readiness-own-queue";
    /** Runbooks evaluated at once in a round (change {@value #OWN_QUEUE}). */
    static final int IN_FLIGHT = 16;
    /**
     * History events after which a run continues as new at its next round (change {@value #OWN_QUEUE}): a round
     * writes about eight events per runbook, so a thousand runbooks would pass Temporal's limit (51,200) long before
     * {@value #ROUNDS_PER_RUN} rounds, and the server would end the schedule.
     */
    static final int MAX_HISTORY = 10_000;

    private int evaluating;

    @Override
    public void run(Schedule schedule) {
        interval = Duration.ofMillis(schedule.intervalMillis());
        boolean ownQueue = Workflow.getVersion(OWN_QUEUE, Workflow.DEFAULT_VERSION, 1) >= 1;
        ReadinessActivities checks = Workflow.newActivityStub(
                ReadinessActivities.class,
                ActivityOptions.newBuilder()
                        .setTaskQueue(ownQueue ? TaskQueues.READINESS : TaskQueues.ACTIONS)
                        .setScheduleToCloseTimeout(Duration.ofMillis(schedule.checkTimeoutMillis()))
                        .setRetryOptions(RetryOptions.newBuilder()
                                .setMaximumAttempts(2)
                                .setInitialInterval(Duration.ofSeconds(1))
                                .build())
                        .build());
        for (int round = 0; round < ROUNDS_PER_RUN; round++) {
            evaluateAll(checks, ownQueue ? IN_FLIGHT : Integer.MAX_VALUE);
            wake = false;
            Workflow.await(interval, () -> wake);
            if (ownQueue && Workflow.getInfo().getHistoryLength() > MAX_HISTORY) {
                // Many runbooks make long rounds: a run ends well before Temporal's limit on a history's length.
                break;
            }
        }
        Workflow.continueAsNew(new Schedule(interval.toMillis(), schedule.checkTimeoutMillis()));
    }

    private void evaluateAll(ReadinessActivities checks, int inFlight) {
        List<ReadinessTarget> targets;
        try {
            targets = rounds.targets();
        } catch (ActivityFailure e) {
            LOG.warn(
                    "readiness round skipped: the runbooks could not be read: {}",
                    e.getCause().getMessage());
            return;
        }
        List<Promise<String>> verdicts = new ArrayList<>();
        for (ReadinessTarget target : targets) {
            Workflow.await(() -> evaluating < inFlight);
            evaluating++;
            verdicts.add(Async.function(this::evaluate, checks, target));
        }
        for (int i = 0; i < verdicts.size(); i++) {
            try {
                verdicts.get(i).get();
            } catch (ActivityFailure e) {
                LOG.warn(
                        "readiness of runbook {} not recorded: {}",
                        targets.get(i).runbook(),
                        e.getCause().getMessage());
            }
        }
    }

    private String evaluate(ReadinessActivities checks, ReadinessTarget target) {
        try {
            return evaluateOne(checks, target);
        } finally {
            evaluating--;
        }
    }

    private String evaluateOne(ReadinessActivities checks, ReadinessTarget target) {
        List<Promise<StepCheck>> pending = new ArrayList<>();
        for (StepCommand command : target.commands()) {
            pending.add(Async.function(checks::check, command).exceptionally(failure -> unanswered(command, failure)));
        }
        List<StepCheck> found = new ArrayList<>();
        for (Promise<StepCheck> check : pending) {
            found.add(check.get());
        }
        return rounds.record(new RunbookChecks(target.runbook(), target.version(), found));
    }

    /** A check the replication-worker did not answer: the step cannot be shown to work, so it is not ready. */
    private static StepCheck unanswered(StepCommand command, Throwable failure) {
        Throwable cause =
                failure instanceof ActivityFailure && failure.getCause() != null ? failure.getCause() : failure;
        String why = cause instanceof TimeoutFailure
                ? "the replication-worker did not answer in time (is one running and polling " + TaskQueues.READINESS
                        + "?)"
                : cause.getMessage();
        return StepCheck.notReady(
                command.step(), command.action(), "step " + command.step() + " could not be checked: " + why);
    }

    @Override
    public void evaluateNow() {
        wake = true;
    }

    @Override
    public void setInterval(long intervalMillis) {
        if (intervalMillis > 0) {
            interval = Duration.ofMillis(intervalMillis);
        }
    }
}
