package io.baran.orchestrator.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.ReadinessActivities;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import io.baran.workflow.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The readiness schedule as a durable timer, with time skipping: rounds at once, then every interval. */
class ReadinessWorkflowTest {

    private static final Duration INTERVAL = Duration.ofMinutes(10);
    private static final WorkerOptions OPTIONS = WorkerOptions.newBuilder()
            .setDefaultDeadlockDetectionTimeout(30_000)
            .build();

    private TestWorkflowEnvironment env;
    private final FakeRounds rounds = new FakeRounds();
    private final FakeStandby standby = new FakeStandby();

    /** The orchestrator's side: one runbook with one health check, and the verdicts as recorded. */
    static final class FakeRounds implements ReadinessRounds {
        final List<RunbookChecks> recorded = new CopyOnWriteArrayList<>();
        volatile int runbooks = 1;

        @Override
        public List<ReadinessTarget> targets() {
            return java.util.stream.IntStream.range(0, runbooks)
                    .mapToObj(i -> {
                        String name = i == 0 ? "shop" : "shop-" + i;
                        return new ReadinessTarget(
                                name,
                                1,
                                List.of(new StepCommand(
                                        "readiness-" + name,
                                        "standby-answers",
                                        "health.check",
                                        Map.of("url", "https://standby.example.net/healthz"))));
                    })
                    .toList();
        }

        @Override
        public String record(RunbookChecks checks) {
            recorded.add(checks);
            return checks.checks().stream().allMatch(c -> StepCheck.OK.equals(c.status()))
                    ? ReadinessView.READY
                    : ReadinessView.NOT_READY;
        }

        String lastStatus() {
            return recorded.get(recorded.size() - 1).checks().get(0).status();
        }
    }

    /** The replication-worker's side: a standby that answers while {@code up}. */
    static final class FakeStandby implements ReadinessActivities {
        volatile boolean up = true;

        @Override
        public StepCheck check(StepCommand command) {
            return up
                    ? StepCheck.ok(command.step(), command.action(), "answered 200")
                    : StepCheck.notReady(command.step(), command.action(), "standby did not answer");
        }
    }

    @BeforeEach
    void start() {
        env = TestWorkflowEnvironment.newInstance();
        var orchestration = env.newWorker(TaskQueues.ORCHESTRATION, OPTIONS);
        orchestration.registerWorkflowImplementationTypes(ReadinessWorkflowImpl.class);
        orchestration.registerActivitiesImplementations(rounds);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    private ReadinessWorkflow startSchedule() {
        Duration checkTimeout = Duration.ofMinutes(2);
        ReadinessWorkflow schedule = env.getWorkflowClient()
                .newWorkflowStub(
                        ReadinessWorkflow.class,
                        WorkflowOptions.newBuilder()
                                .setWorkflowId(ReadinessWorkflow.ID)
                                .setTaskQueue(TaskQueues.ORCHESTRATION)
                                .build());
        WorkflowClient.start(
                schedule::run,
                new ReadinessWorkflow.Schedule(
                        INTERVAL.toMillis(), Duration.ofMinutes(2).toMillis()));
        return schedule;
    }

    @Test
    void everyRunbookIsEvaluatedAtOnceThenEveryIntervalAndAStoppedStandbyShowsInTheNextRound() throws Exception {
        env.newWorker(TaskQueues.READINESS, OPTIONS).registerActivitiesImplementations(standby);
        env.start();
        startSchedule();

        env.sleep(Duration.ofMinutes(1));
        assertEquals(1, rounds.recorded.size(), "the first round runs at once, the next only after the interval");
        assertEquals(StepCheck.OK, rounds.lastStatus());

        standby.up = false;
        env.sleep(INTERVAL);
        assertEquals(2, rounds.recorded.size());
        assertEquals(StepCheck.NOT_READY, rounds.lastStatus());

        standby.up = true;
        env.sleep(INTERVAL);
        assertEquals(3, rounds.recorded.size());
        assertEquals(StepCheck.OK, rounds.lastStatus());
        saveHistory("readiness-rounds");
    }

    /** Writes the schedule's history to target/histories, to copy into the replayed set when the workflow changes. */
    private void saveHistory(String name) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "histories"));
        java.nio.file.Files.writeString(
                dir.resolve(name + ".json"),
                env.getWorkflowClient().fetchHistory(ReadinessWorkflow.ID).toJson(true));
    }

    @Test
    void theScheduleKeepsGoingAcrossContinueAsNew() {
        env.newWorker(TaskQueues.READINESS, OPTIONS).registerActivitiesImplementations(standby);
        env.start();
        startSchedule();

        env.sleep(
                INTERVAL.multipliedBy(ReadinessWorkflowImpl.ROUNDS_PER_RUN + 2).plusMinutes(1));

        assertEquals(ReadinessWorkflowImpl.ROUNDS_PER_RUN + 3, rounds.recorded.size());
    }

    @Test
    void aCheckTheWorkerCannotCompleteMakesTheStepNotReadyNamingWhy() {
        ReadinessActivities broken = new ReadinessActivities() {
            @Override
            public StepCheck check(StepCommand command) {
                throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                        "credentials of provider aws-main expired", "ProviderUnavailable");
            }
        };
        env.newWorker(TaskQueues.READINESS, OPTIONS).registerActivitiesImplementations(broken);
        env.start();
        startSchedule();

        env.sleep(Duration.ofMinutes(1));

        assertEquals(1, rounds.recorded.size());
        StepCheck check = rounds.recorded.get(0).checks().get(0);
        assertEquals(StepCheck.NOT_READY, check.status());
        assertTrue(
                check.reasons().get(0).contains("credentials of provider aws-main expired"),
                check.reasons().toString());
    }

    @Test
    void aRoundOverManyRunbooksKeepsABoundedNumberInFlightOnTheReadinessQueue() {
        rounds.runbooks = 100;
        java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        ReadinessActivities slow = command -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
            return StepCheck.ok(command.step(), command.action(), "answered 200");
        };
        // Many slots on the worker: only the workflow's own bound keeps the round small.
        env.newWorker(
                        TaskQueues.READINESS,
                        WorkerOptions.newBuilder()
                                .setDefaultDeadlockDetectionTimeout(30_000)
                                .setMaxConcurrentActivityExecutionSize(200)
                                .build())
                .registerActivitiesImplementations(slow);
        env.start();
        startSchedule();

        env.sleep(Duration.ofMinutes(1));

        assertEquals(100, rounds.recorded.size(), "every runbook of the round is evaluated");
        assertTrue(
                most.get() <= ReadinessWorkflowImpl.IN_FLIGHT,
                "at most " + ReadinessWorkflowImpl.IN_FLIGHT + " checks at once, saw " + most.get());
        assertTrue(most.get() > 1, "checks of several runbooks still run together, saw " + most.get());
    }

    @Test
    void manyRunbooksMakeTheScheduleContinueAsNewBeforeItsHistoryGrowsLong() {
        rounds.runbooks = 400;
        env.newWorker(TaskQueues.READINESS, OPTIONS).registerActivitiesImplementations(standby);
        env.start();
        startSchedule();
        String firstRun = env.getWorkflowClient()
                .newUntypedWorkflowStub(ReadinessWorkflow.ID)
                .getExecution()
                .getRunId();

        env.sleep(INTERVAL.multipliedBy(5).plusMinutes(1));

        assertEquals(6 * 400, rounds.recorded.size(), "a round every interval, every runbook in each");
        var latest = env.getWorkflowClient().fetchHistory(ReadinessWorkflow.ID);
        assertTrue(
                !latest.getWorkflowExecution().getRunId().equals(firstRun),
                "the schedule continued as new before " + ReadinessWorkflowImpl.ROUNDS_PER_RUN + " rounds");
        assertTrue(
                latest.getEvents().size() <= ReadinessWorkflowImpl.MAX_HISTORY + 400 * 10,
                "the current run's history stays short: " + latest.getEvents().size() + " events");
    }

    @Test
    void evaluateNowStartsTheNextRoundWithoutWaitingForTheInterval() {
        env.newWorker(TaskQueues.READINESS, OPTIONS).registerActivitiesImplementations(standby);
        env.start();
        ReadinessWorkflow schedule = startSchedule();
        env.sleep(Duration.ofMinutes(1));

        schedule.evaluateNow();
        env.sleep(Duration.ofSeconds(5));

        assertEquals(2, rounds.recorded.size());
    }
}
