package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.Access;
import io.baran.runbook.Failback;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.workflow.Actor;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.LateHold;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.PhaseChange;
import io.baran.workflow.PriorityHeader;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.Verdict;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the dispatch puts in an execution's input and the interpreter honours: a failover the blast-radius guard holds
 * waits at the start approval gate (change {@code blast-radius-guard}), and an execution whose provider is capped takes
 * a slot first (change {@code provider-slots}).
 */
@Timeout(180)
class DispatchGuardsTest {

    private static final String HELD = "held by blast-radius guard: 12 of 20 services in 1 scope (more than 50% of the "
            + "protected services down at once; a detector fault looks like this: approve to fail over)";
    private static final Actor ANA = Actor.person("ana", List.of("approvers"));
    private static final Actor EVE = Actor.person("eve", List.of("viewers", "ops"));

    private TestWorkflowEnvironment env;
    private WorkflowClient client;
    private InMemoryWorld world;
    private ExecutionDecisions decisions;
    private final CappedSlots slots = new CappedSlots(1);

    /**
     * {@link ProviderSlots} with one cap for every provider, in memory: granted by tier, then by arrival, as
     * {@code ProviderSlotStore} does; waits through the real {@link SlotWaiters}.
     */
    static final class CappedSlots implements ProviderSlots {
        final int cap;
        final Set<String> holders = new LinkedHashSet<>();
        final List<String> asked = new ArrayList<>();
        /** Waiting executions: tier and arrival. */
        final Map<String, long[]> waiting = new java.util.HashMap<>();
        /** Executions in the order they were granted their slot. */
        final List<String> granted = new ArrayList<>();

        private long arrivals;
        SlotWaiters waiters;

        CappedSlots(int cap) {
            this.cap = cap;
        }

        void waitWith(WorkflowClient client) {
            waiters = new SlotWaiters(
                    this::acquire, client.newActivityCompletionClient(), Duration.ofMillis(50), Duration.ofSeconds(1));
        }

        /** When set, the next ask counts down the first latch, then waits for the second (at most 30 s). */
        volatile java.util.concurrent.CountDownLatch[] pauseNext;

        @Override
        public Grant acquire(Ask ask) {
            java.util.concurrent.CountDownLatch[] pause = pauseNext;
            if (pause != null) {
                pauseNext = null;
                pause[0].countDown();
                try {
                    pause[1].await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return grant(ask);
        }

        private synchronized Grant grant(Ask ask) {
            asked.add(ask.executionId() + "@" + ask.tier());
            String id = ask.executionId();
            if (holders.contains(id)) {
                return new Grant(true, null, 0);
            }
            long[] me = waiting.computeIfAbsent(id, k -> new long[] {ask.tier(), arrivals++});
            long ahead = waiting.entrySet().stream()
                    .filter(e -> !e.getKey().equals(id))
                    .filter(e -> e.getValue()[0] < me[0] || (e.getValue()[0] == me[0] && e.getValue()[1] < me[1]))
                    .count();
            if (holders.size() + ahead < cap) {
                waiting.remove(id);
                holders.add(id);
                granted.add(id);
                return new Grant(true, null, 0);
            }
            return new Grant(
                    false,
                    "provider " + ask.providers().get(0) + ": " + holders.size() + " of " + cap + " slots taken, "
                            + ahead + " ahead",
                    2_000);
        }

        @Override
        public Grant await(Ask ask) {
            return waiters.await(ask);
        }

        @Override
        public synchronized void release(String executionId) {
            holders.remove(executionId);
            waiting.remove(executionId);
        }
    }

    @BeforeEach
    void start() {
        world = new InMemoryWorld();
        world.values.put("www", "primary");
        world.values.put("api", "primary");
        world.values.put("db", "primary");
        world.values.put("cdn", "primary");
        env = TestWorkers.start(
                TestEnvironmentOptions.newBuilder()
                        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
                                .setWorkerInterceptors(new PriorityHeader())
                                .build())
                        .build(),
                world,
                new RecordingJournal(),
                slots);
        client = env.getWorkflowClient();
        slots.waitWith(client);
        decisions = TestWorkers.decisions(env);
    }

    @AfterEach
    void closeEnvironment() {
        slots.waiters.close();
        env.close();
    }

    private static Runbook runbook(String record, Step... before) {
        List<Step> steps = new ArrayList<>(List.of(before));
        steps.add(Step.action(
                "move-" + record, "dns.switch", Map.of("provider", "aws-prod", "record", record, "to", "standby")));
        return RunbookWorkflowTest.runbook(
                steps,
                new Failback(true, "0s", "none", "reverse"),
                "none",
                new Access(List.of("ops"), List.of("ops"), List.of("approvers"), 1));
    }

    private RunbookWorkflow start(String id, Runbook runbook, String heldBy, List<String> capped) {
        launch(id, runbook, heldBy, capped);
        env.sleep(Duration.ofSeconds(30));
        return client.newWorkflowStub(RunbookWorkflow.class, id);
    }

    /** Starts an execution with a provider cap and waits (in real time) until it is in {@code phase}. */
    private RunbookWorkflow startCapped(String id, Runbook runbook, Phase phase) {
        launch(id, runbook, null, List.of("aws-prod"));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        until(() -> running.progress().phase(), phase::equals, id + " reaches " + phase.value());
        return running;
    }

    private void launch(String id, Runbook runbook, String heldBy, List<String> capped) {
        launch(id, runbook, heldBy, capped, Actor.system("event-1"));
    }

    private void launch(String id, Runbook runbook, String heldBy, List<String> capped, Actor startedBy) {
        // Started as the dispatcher starts it: found by its incident, which joins add to.
        RunbookWorkflow stub = client.newWorkflowStub(
                RunbookWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(id)
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
                        .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                                .set(io.baran.workflow.SearchAttributes.INCIDENTS, List.of("aws/us-east-1@1"))
                                .build())
                        .build());
        WorkflowClient.start(
                stub::run,
                new ExecutionRequest(
                        id,
                        Mode.FAILOVER,
                        runbook,
                        "aws/us-east-1@1",
                        "aws/us-east-1",
                        0,
                        null,
                        3600,
                        1,
                        null,
                        startedBy,
                        heldBy,
                        capped));
    }

    private ExecutionProgress result(String id) {
        try {
            return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                    .getResult(60, TimeUnit.SECONDS, ExecutionProgress.class);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("execution " + id + " did not end", e);
        }
    }

    @Test
    void aHeldFailoverWaitsWithTheGuardsReasonAndGoesOnOncePermittedApproverApproves() {
        RunbookWorkflow running = start("held", runbook("www"), HELD, List.of());
        ExecutionProgress waiting = running.progress();
        assertEquals(Phase.AWAITING_APPROVAL, waiting.phase());
        assertEquals(HELD, waiting.awaiting());
        assertEquals("primary", world.values.get("www"), "nothing changes while held");

        String refused = assertThrows(
                        DecisionRefused.class,
                        () -> decisions.decide("held", new DecisionRequest(Verdict.APPROVE, null, EVE, null, null)))
                .getMessage();
        assertTrue(refused.contains("eve"), refused);
        env.sleep(Duration.ofMinutes(5));
        assertEquals("primary", world.values.get("www"), "a refused decision changes nothing");

        decisions.decide("held", new DecisionRequest(Verdict.APPROVE, null, ANA, null, null));
        env.sleep(Duration.ofSeconds(30));
        assertEquals("standby", world.values.get("www"));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());

        running.outageRecovered("aws/us-east-1@1");
        ExecutionProgress done = result("held");
        assertEquals(Phase.DONE, done.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals(List.of("ana"), done.decisions().stream().map(d -> d.by()).toList());
        HistoryFiles.save(client, "held", "held-by-blast-radius-guard");
    }

    @Test
    void aHeldFailoverThatNobodyApprovesEndsWithoutChangingAnything() {
        start("unapproved", runbook("www"), HELD, List.of());
        env.sleep(Duration.ofHours(2));
        ExecutionProgress done = result("unapproved");
        assertEquals(Phase.REJECTED, done.phase());
        assertEquals("primary", world.values.get("www"));
    }

    /** Moves api, waits ten minutes, then moves www: a late hold arrives while it waits. */
    private static Runbook movesApiThenWww() {
        return runbook(
                "www",
                Step.action("move-api", "dns.switch", Map.of("provider", "aws-prod", "record", "api", "to", "standby")),
                Step.action("settle", "wait", Map.of("for", "10m")));
    }

    /** Started automatically, told during its wait that the guard tripped: it then waits at gate held, changing no more. */
    private RunbookWorkflow heldLate(String id) {
        launch(id, movesApiThenWww(), null, List.of());
        env.sleep(Duration.ofSeconds(30));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        assertEquals("standby", world.values.get("api"));
        running.guardTripped(new LateHold(HELD, 3600));
        env.sleep(Duration.ofMinutes(11));
        ExecutionProgress waiting = running.progress();
        assertEquals(Phase.HELD, waiting.phase());
        assertTrue(waiting.awaiting().startsWith(HELD), waiting.awaiting());
        assertTrue(waiting.awaiting().contains("after this failover started"), waiting.awaiting());
        assertEquals("primary", world.values.get("www"), "the step after the hold does not run");
        assertEquals("standby", world.values.get("api"), "what ran before the hold stays until someone decides");
        return running;
    }

    @Test
    void aLateHoldStopsAnAutomaticFailoverBeforeItsNextStepUntilAPermittedApproverApproves() {
        RunbookWorkflow running = heldLate("late-approved");
        assertThrows(
                DecisionRefused.class,
                () -> decisions.decide("late-approved", new DecisionRequest(Verdict.APPROVE, null, EVE, null, null)));
        env.sleep(Duration.ofMinutes(5));
        assertEquals("primary", world.values.get("www"), "a refused decision changes nothing");

        decisions.decide("late-approved", new DecisionRequest(Verdict.APPROVE, null, ANA, null, null));
        env.sleep(Duration.ofSeconds(30));
        assertEquals("standby", world.values.get("www"));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());

        running.outageRecovered("aws/us-east-1@1");
        ExecutionProgress done = result("late-approved");
        assertEquals(Phase.DONE, done.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals("primary", world.values.get("api"));
        HistoryFiles.save(client, "late-approved", "held-late-by-blast-radius-guard");
    }

    @Test
    void aLateHoldRejectedUndoesWhatTheFailoverChanged() {
        heldLate("late-rejected");
        decisions.decide("late-rejected", new DecisionRequest(Verdict.REJECT, null, ANA, null, null));
        ExecutionProgress done = result("late-rejected");
        assertEquals(Phase.COMPENSATED, done.phase());
        assertTrue(done.error().contains("rejected"), done.error());
        assertEquals("primary", world.values.get("api"), "undone");
        assertEquals("primary", world.values.get("www"), "never changed");
    }

    @Test
    void aLateHoldNobodyDecidesUndoesWhatTheFailoverChangedAfterTheTimeout() {
        heldLate("late-undecided");
        env.sleep(Duration.ofHours(2));
        ExecutionProgress done = result("late-undecided");
        assertEquals(Phase.COMPENSATED, done.phase());
        assertTrue(done.error().contains("nobody decided"), done.error());
        assertEquals("primary", world.values.get("api"));
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void aLateHoldIsWithdrawnWhenTheOutageRecoversAndWhatTheFailoverChangedIsUndone() {
        RunbookWorkflow running = heldLate("late-recovered");
        running.outageRecovered("aws/us-east-1@1");
        env.sleep(Duration.ofMinutes(1));
        assertEquals(null, running.progress().awaiting(), "the hold is withdrawn at the recovery");

        ExecutionProgress done = result("late-recovered");
        assertEquals(Phase.COMPENSATED, done.phase());
        assertTrue(done.error().contains("the outage recovered before anyone decided"), done.error());
        assertEquals("primary", world.values.get("api"), "undone");
        assertEquals("primary", world.values.get("www"), "never changed");
        HistoryFiles.save(client, "late-recovered", "late-hold-withdrawn-on-recovery");
    }

    @Test
    void aLateHoldDoesNotStopAFailoverAPersonStarted() {
        launch("by-hand", movesApiThenWww(), null, List.of(), Actor.person("oli", List.of("ops")));
        env.sleep(Duration.ofSeconds(30));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, "by-hand");
        running.guardTripped(new LateHold(HELD, 3600));
        env.sleep(Duration.ofMinutes(11));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));
    }

    @Test
    void anExecutionNotHeldRunsAtOnce() {
        start("free", runbook("www"), null, List.of());
        assertEquals("standby", world.values.get("www"));
    }

    /** The holder keeps its slot while it waits at an approval step (no timer: a queued execution's wait stops time). */
    private static final Step GATE = Step.action("go-ahead", "approval", Map.of());

    /**
     * While an activity is pending the time-skipping test server does not skip time, so queued executions (one
     * pending activity each) wait in real time here: the holder holds at an approval step, not a timer.
     */
    private <T> T until(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done, String what) {
        return io.baran.testinfra.Polling.until(
                read, done, Duration.ofSeconds(90), Duration.ofMillis(100), last -> what + "; last: " + last);
    }

    @Test
    void theCapHoldsTheNextExecutionOfTheProviderUntilASlotIsFree() {
        RunbookWorkflow first = startCapped("first", runbook("www", GATE), Phase.AWAITING_APPROVAL);
        RunbookWorkflow second = startCapped("second", runbook("api"), Phase.QUEUED);
        ExecutionProgress queued = second.progress();
        assertEquals(Phase.QUEUED, queued.phase());
        assertTrue(queued.awaiting().contains("provider aws-prod: 1 of 1 slots taken"), queued.awaiting());
        assertEquals("primary", world.values.get("api"), "the queued execution changes nothing");

        decisions.decide("first", new DecisionRequest(Verdict.APPROVE, "go-ahead", ANA, null, null));
        until(() -> second.progress().phase(), Phase.FAILED_OVER::equals, "the second fails over once the first is");
        assertEquals(Phase.FAILED_OVER, first.progress().phase());
        assertEquals("standby", world.values.get("www"));
        assertEquals("standby", world.values.get("api"));
        assertTrue(second.progress().phases().stream()
                .map(PhaseChange::phase)
                .toList()
                .contains(Phase.QUEUED));
        synchronized (slots) {
            assertTrue(slots.holders.isEmpty(), "slots are given back once failed over: " + slots.holders);
            assertTrue(
                    slots.asked.contains("second@" + io.baran.runbook.Runbook.DEFAULT_PRIORITY),
                    slots.asked.toString());
        }

        second.outageRecovered("aws/us-east-1@1");
        assertEquals(Phase.DONE, result("second").phase());
        assertEquals("primary", world.values.get("api"));
        synchronized (slots) {
            assertTrue(slots.holders.isEmpty(), "failback gives its slot back too: " + slots.holders);
        }
    }

    @Test
    void anOutageJoiningWhileTheFailbackAsksForItsSlotsReappliesNothingTheFailbackThenLeavesSwitched()
            throws Exception {
        RunbookWorkflow running = startCapped("window", runbook("www"), Phase.FAILED_OVER);
        world.values.put("www", "primary"); // drifted: a re-apply would switch it again
        java.util.concurrent.CountDownLatch asking = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch granted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch applying = new java.util.concurrent.CountDownLatch(1);
        slots.pauseNext = new java.util.concurrent.CountDownLatch[] {asking, granted};
        world.waitingBeforeAnswer.put("move-www", applying);

        running.outageRecovered("aws/us-east-1@1");
        assertTrue(asking.await(60, TimeUnit.SECONDS), "the failback asks for its provider slots");
        // Another outage of the scope joins while the failback asks for its slots, and is over before it ends.
        running.outageDetected("aws/us-east-1@2");
        until(
                () -> client.newUntypedWorkflowStub("window")
                        .describe()
                        .getTypedSearchAttributes()
                        .get(io.baran.workflow.SearchAttributes.INCIDENTS),
                incidents -> incidents != null && incidents.contains("aws/us-east-1@2"),
                "the joined outage is recorded");
        running.outageRecovered("aws/us-east-1@2");
        Thread.sleep(500); // room for a re-apply to start, as one did before the change
        granted.countDown();
        ExecutionProgress done = result("window");
        applying.countDown();
        // What a re-apply started in the window would do now, after the failback: switch www again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline
                && world.journal.stream().filter("apply move-www"::equals).count() < 2) {
            Thread.sleep(50);
        }
        Thread.sleep(200);

        assertEquals(Phase.DONE, done.phase(), done.toString());
        assertEquals(List.of(), done.reapplied(), "nothing re-applied once the failback began");
        assertEquals(1, world.journal.stream().filter("apply move-www"::equals).count(), world.journal.toString());
        assertEquals("primary", world.values.get("www"), "the failback leaves nothing switched: " + world.journal);
        HistoryFiles.save(client, "window", "no-reapply-in-failback");
    }

    @Test
    void anAbortedExecutionGivesItsSlotBack() {
        start(
                "aborted",
                runbook("www", Step.action("settle", "wait", Map.of("for", "10m"))),
                null,
                List.of("aws-prod"));
        assertFalse(slots.holders.isEmpty());
        WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, "aborted"))
                .cancel();
        env.sleep(Duration.ofMinutes(1));
        assertTrue(slots.holders.isEmpty(), slots.holders.toString());
    }

    @Test
    void aLongQueueKeepsTheHistoryShortGrantsByTierThenArrivalAndAnAbortLeavesTheQueue() {
        startCapped("holder", runbook("www", GATE), Phase.AWAITING_APPROVAL);
        RunbookWorkflow early = startCapped("tier3-early", runbook("api"), Phase.QUEUED);
        startCapped("tier3-aborted", runbook("db"), Phase.QUEUED);
        RunbookWorkflow late = startCapped("tier1-late", withTier(runbook("cdn"), 1), Phase.QUEUED);
        assertTrue(
                late.progress().awaiting().contains("provider aws-prod: 1 of 1 slots taken"),
                late.progress().awaiting());

        WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, "tier3-aborted"))
                .cancel();
        until(
                () -> {
                    synchronized (slots) {
                        return slots.waiting.keySet().toString();
                    }
                },
                waiting -> !waiting.contains("tier3-aborted"),
                "an aborted execution leaves the queue");

        // A long queue, counted in asks: the waiters ask every 50 ms. Asking with an activity and a timer each time,
        // as before change provider-slot-wait, 300 asks would be some 3,000 events in each waiter's history.
        until(
                () -> {
                    synchronized (slots) {
                        return slots.asked.stream()
                                .filter(a -> a.startsWith("tier3-early@"))
                                .count();
                    }
                },
                asks -> asks >= 300,
                "the queued execution asks again and again");
        decisions.decide("holder", new DecisionRequest(Verdict.APPROVE, "go-ahead", ANA, null, null));
        until(() -> early.progress().phase(), Phase.FAILED_OVER::equals, "the last in the queue fails over");
        assertEquals(Phase.FAILED_OVER, late.progress().phase());
        assertEquals("standby", world.values.get("api"));
        assertEquals("standby", world.values.get("cdn"));
        assertEquals("primary", world.values.get("db"), "the aborted execution changed nothing");
        synchronized (slots) {
            assertEquals(List.of("holder", "tier1-late", "tier3-early"), slots.granted, "tier first, then arrival");
            assertTrue(slots.holders.isEmpty(), slots.holders.toString());
        }
        int events = client.fetchHistory("tier3-early").getHistory().getEventsCount();
        assertTrue(events < 100, "a long queue adds a handful of events: " + events);

        early.outageRecovered("aws/us-east-1@1");
        assertEquals(Phase.DONE, result("tier3-early").phase());
        assertEquals("primary", world.values.get("api"));
        HistoryFiles.save(client, "tier3-early", "queued-in-one-activity");
    }

    private static Runbook withTier(Runbook rb, int tier) {
        return RunbookWorkflowTest.copy(rb, tier, rb.drills());
    }
}
