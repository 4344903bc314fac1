package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.ExecutionEvent;
import io.baran.runbook.Failback;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.workflow.AbortRequest;
import io.baran.workflow.Actor;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.JoinRefused;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An outage joins the execution acting on its service as the Update {@code joinOutage}, and the execution answers
 * whether it took it: one that made its last decision (ending, its last journal entries in flight) or is being aborted
 * refuses, and the launcher then waits for it to end, so the dispatcher starts the outage's own failover instead of
 * counting a join nothing acts on.
 */
class JoinOutageTest {

    static final Actor FIONA = Actor.person("fiona", List.of("failover-operator", "ops"));
    static final String INCIDENT = "aws/us-east-1@1000";
    static final String NEXT = "aws/us-east-1@2000";

    private TestWorkflowEnvironment env;
    private WorkflowClient client;
    private InMemoryWorld world;
    private SlowLastEntry journal;
    private ExecutionLauncher launcher;

    /**
     * A journal whose entry for phase {@code done} cannot go the quick way (Kafka unreachable) and is held on the slow
     * way until released: the execution has decided its last and is ending, its last entry in flight.
     */
    static final class SlowLastEntry extends RecordingJournal {
        final CountDownLatch ending = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        /** The phase whose entry holds the workflow task that made it (a slow broker), until {@link #go}. */
        volatile Phase holding;

        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);

        private static boolean last(ExecutionEvent transition) {
            return transition.step() == null && Phase.DONE.value().equals(transition.phase());
        }

        @Override
        public void publish(ExecutionEvent transition) {
            if (last(transition)) {
                throw new IllegalStateException("the broker does not answer");
            }
            Phase phase = holding;
            if (phase != null && transition.step() == null && phase.value().equals(transition.phase())) {
                held.countDown();
                try {
                    go.await(2500, TimeUnit.MILLISECONDS); // within the local activity's 3 s
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.publish(transition);
        }

        @Override
        public void record(ExecutionEvent transition) {
            if (last(transition)) {
                ending.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.record(transition);
        }
    }

    @BeforeEach
    void start() {
        journal = new SlowLastEntry();
        world = new InMemoryWorld();
        world.values.put("www", "primary");
        world.values.put("db", "replica");
        env = TestWorkers.start(TestEnvironmentOptions.getDefaultInstance(), world, journal);
        client = env.getWorkflowClient();
        launcher = new ExecutionLauncher();
        launcher.client = client;
    }

    @AfterEach
    void stop() {
        journal.release.countDown();
        env.close();
    }

    private static Step set(String name, String record, String to) {
        return Step.action(name, "dns.switch", Map.of("record", record, "to", to));
    }

    /** Moves www; fails back on its own once the outage recovered. */
    private static Runbook moving() {
        return RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby")),
                new Failback(true, "0s", "none", "reverse"),
                "none",
                RunbookWorkflowTest.ACCESS);
    }

    private String failedOver(String id, Runbook rb) {
        WorkflowClient.start(
                TestWorkers.stub(client, id)::run,
                new ExecutionRequest(id, Mode.FAILOVER, rb, INCIDENT, "aws/us-east-1", 0));
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.FAILED_OVER, progress(id).phase(), "failed over");
        return id;
    }

    private ExecutionProgress progress(String id) {
        return client.newWorkflowStub(RunbookWorkflow.class, id).progress();
    }

    private ExecutionProgress result(String id) throws Exception {
        return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                .getResult(30, TimeUnit.SECONDS, ExecutionProgress.class);
    }

    /** The Update as the launcher sends it, without the launcher's handling of the answer. */
    private void joinDirectly(String id, String incident) {
        client.newUntypedWorkflowStub(id)
                .startUpdate(
                        UpdateOptions.newBuilder(Void.class)
                                .setUpdateName("joinOutage")
                                .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                                .build(),
                        incident)
                .getResult();
    }

    private static ApplicationFailure refusal(WorkflowUpdateException refused) {
        return assertInstanceOf(ApplicationFailure.class, refused.getCause(), refused.toString());
    }

    private WorkflowExecutionStatus status(String id) {
        return client.newUntypedWorkflowStub(id).describe().getStatus();
    }

    /** Failed over, the record put back by hand: the joined outage is taken, and what drifted is applied again. */
    @Test
    void anOutageJoiningAFailedOverExecutionIsTakenAndReappliesWhatDrifted() throws Exception {
        String id = failedOver("join-taken", moving());
        world.values.put("www", "primary"); // put back by hand

        assertEquals(ExecutionLauncher.Joined.TAKEN, launcher.join(id, NEXT));

        env.sleep(Duration.ofMinutes(1));
        assertEquals("standby", world.values.get("www"), "re-applied for the joined outage");
        ExecutionProgress p = progress(id);
        assertEquals(Phase.FAILED_OVER, p.phase());
        assertEquals(1, p.reapplied().size(), p.reapplied().toString());
        assertEquals(ExecutionLauncher.Joined.TAKEN, launcher.join(id, NEXT), "the same join asked again");

        // It now answers both outages: the first one's recovery alone does not fail it back.
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageRecovered(INCIDENT);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, progress(id).phase(), "the joined outage has not recovered");
        journal.release.countDown();
        running.outageRecovered(NEXT);
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals(ExecutionLauncher.Fate.TAKEN, launcher.fateOf(id, NEXT, false));
    }

    /**
     * Failed back and ending, its last journal entry in flight: a join is refused (it would be taken and dropped), the
     * launcher waits for the end and answers ENDED, and the execution changed nothing for the refused outage.
     */
    @Test
    void anOutageJoiningAnExecutionThatDecidedItsLastIsRefusedAndTheLauncherWaitsForItsEnd() throws Exception {
        String id = failedOver("join-as-it-ends", moving());
        client.newWorkflowStub(RunbookWorkflow.class, id).outageRecovered(INCIDENT);
        assertTrue(journal.ending.await(30, TimeUnit.SECONDS), "the execution failed back and is ending");
        assertEquals("primary", world.values.get("www"));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status(id), "still running");

        WorkflowUpdateException refused = assertThrows(WorkflowUpdateException.class, () -> joinDirectly(id, NEXT));
        assertEquals(JoinRefused.TYPE, refusal(refused).getType());
        assertTrue(
                refusal(refused).getOriginalMessage().contains("has made its last decision"),
                refusal(refused).getOriginalMessage());

        // The entry lands once the launcher waits (the test server skips no time while an activity runs).
        ExecutionLauncher waiting = new ExecutionLauncher() {
            @Override
            boolean awaitEnd(WorkflowStub stub, String runningId, String incidentId) {
                journal.release.countDown();
                return super.awaitEnd(stub, runningId, incidentId);
            }
        };
        waiting.client = client;
        assertEquals(ExecutionLauncher.Joined.ENDED, waiting.join(id, NEXT));
        assertEquals(
                WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
                status(id),
                "the launcher answered once it had ended");
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertNull(p.error());
        assertEquals("primary", world.values.get("www"), "nothing changed for the refused outage");
        assertEquals(ExecutionLauncher.Joined.NOT_RUNNING, launcher.join(id, NEXT), "ended: nothing to join");
    }

    /**
     * Refused by an execution whose end takes longer than the launcher waits for it (its last journal entry held
     * here; an undo of a slow promotion in life): the launcher answers ENDING after {@link ExecutionLauncher#ENDING_WAIT}
     * instead of keeping the outage's event (and those behind it) waiting, and the dispatcher leaves the outage to the
     * join sweep.
     */
    @Test
    void anOutageRefusedByAnExecutionStillEndingAfterTheWaitIsAnsweredEnding() throws Exception {
        String id = failedOver("join-slow-end", moving());
        client.newWorkflowStub(RunbookWorkflow.class, id).outageRecovered(INCIDENT);
        assertTrue(journal.ending.await(30, TimeUnit.SECONDS), "the execution failed back and is ending");

        assertEquals(ExecutionLauncher.Joined.ENDING, launcher.join(id, NEXT));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status(id), "still ending");
        assertEquals(ExecutionLauncher.Fate.RUNNING, launcher.fateOf(id, NEXT, true));
        journal.release.countDown();
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"), "nothing changed for the refused outage");
        assertEquals(List.of(), p.droppedOutages(), "a refused Update is not among the signals dropped");
        assertEquals(ExecutionLauncher.Fate.DROPPED, launcher.fateOf(id, NEXT, true), "refused, and ended");
    }

    /**
     * Told by the signal while it holds failed over, an execution started as the launcher starts it records the outage
     * in its {@code BaranIncidents} at once: the launcher says it took it while it still runs (it may hold for hours).
     */
    @Test
    void anOutageToldBySignalThatTheExecutionTookShowsWhileItRuns() throws Exception {
        String id = "signal-taken-running";
        ExecutionRequest request = new ExecutionRequest(id, Mode.FAILOVER, moving(), INCIDENT, "aws/us-east-1", 0)
                .withIncidentsSearchable(true);
        WorkflowClient.start(
                client.newWorkflowStub(RunbookWorkflow.class, ExecutionLauncher.startOptions(id, request, true, false))
                        ::run,
                request);
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.FAILED_OVER, progress(id).phase());
        assertEquals(ExecutionLauncher.Fate.RUNNING, launcher.fateOf(id, NEXT, false), "not told yet");
        client.newWorkflowStub(RunbookWorkflow.class, id).outageDetected(NEXT);
        env.sleep(Duration.ofMinutes(1));

        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status(id));
        assertEquals(ExecutionLauncher.Fate.TAKEN, launcher.fateOf(id, NEXT, false));
    }

    /**
     * Told by the signal (no worker answered the Update in time) as it ends: the execution drops the outage, as the
     * Update would have been refused, and says so in its result, which the launcher reads for the join sweep; the
     * outage it was started for is not dropped.
     */
    @Test
    void anOutageToldBySignalAsTheExecutionEndsIsDroppedAndReportedSo() throws Exception {
        String id = failedOver("signal-as-it-ends", moving());
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageRecovered(INCIDENT);
        assertTrue(journal.ending.await(30, TimeUnit.SECONDS), "the execution failed back and is ending");
        running.outageDetected(NEXT);
        running.outageDetected(INCIDENT); // a copy of the outage it answered: not dropped
        env.sleep(Duration.ofSeconds(1));
        journal.release.countDown();

        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"), "nothing changed for the dropped outage");
        assertEquals(List.of(NEXT), p.droppedOutages());
        assertEquals(ExecutionLauncher.Fate.DROPPED, launcher.fateOf(id, NEXT, false));
        assertEquals(ExecutionLauncher.Fate.TAKEN, launcher.fateOf(id, INCIDENT, false));
    }

    /**
     * Told by the signal while it fails over, then aborted by a person: it took the outage (its abort answers it), so
     * the join sweep starts no failover behind the person's back.
     */
    @Test
    void anOutageToldBySignalThatTheExecutionTookStaysTakenWhenAPersonAbortsIt() throws Exception {
        String id = "signal-then-abort";
        WorkflowClient.start(
                TestWorkers.stub(client, id)::run,
                new ExecutionRequest(id, Mode.FAILOVER, pausing(), INCIDENT, "aws/us-east-1", 0));
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.FAILING_OVER, progress(id).phase());
        client.newWorkflowStub(RunbookWorkflow.class, id).outageDetected(NEXT);
        env.sleep(Duration.ofSeconds(1));

        TestWorkers.decisions(env).abort(id, new AbortRequest(FIONA, "wrong region", null));
        ExecutionProgress p = result(id);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertEquals(List.of(), p.droppedOutages());
        assertEquals(ExecutionLauncher.Fate.TAKEN, launcher.fateOf(id, NEXT, false));
    }

    /** Moves www, then waits an hour before promoting the database: an execution failing over for a while. */
    private static Runbook pausing() {
        return RunbookWorkflowTest.runbook(
                List.of(
                        set("move-www", "www", "standby"),
                        Step.action("pause", "wait", Map.of("for", "1h")),
                        set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none",
                RunbookWorkflowTest.ACCESS);
    }

    /**
     * The outage comes back in the workflow task in which the approval of its failback arrives, after it (both sent
     * while the workflow task that asked for the approval was still running): the question is withdrawn before the
     * approval, so the approval is refused and the execution does not fail back into the outage.
     */
    @Test
    void anApprovalArrivingAfterTheOutageCameBackInOneWorkflowTaskIsRefused() throws Exception {
        Runbook approved = RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby")),
                new Failback(true, "0s", "required", "reverse"),
                "none",
                RunbookWorkflowTest.ACCESS);
        String id = failedOver("approval-as-outage-returns", approved);
        journal.holding = Phase.AWAITING_FAILBACK_APPROVAL;
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageRecovered(INCIDENT);
        assertTrue(journal.held.await(30, TimeUnit.SECONDS), "the failback asks its approvers");

        running.outageDetected(NEXT); // the workflow task asking is still running: both land in the next one
        ExecutionDecisions decisions = TestWorkers.decisions(env);
        CountDownLatch sending = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<String> updateId =
                new java.util.concurrent.atomic.AtomicReference<>();
        decisions.client = WorkflowClient.newInstance(
                client.getWorkflowServiceStubs(),
                io.temporal.client.WorkflowClientOptions.newBuilder(client.getOptions())
                        .setInterceptors(new io.temporal.common.interceptors.WorkflowClientInterceptorBase() {
                            @Override
                            public io.temporal.common.interceptors.WorkflowClientCallsInterceptor
                                    workflowClientCallsInterceptor(
                                            io.temporal.common.interceptors.WorkflowClientCallsInterceptor next) {
                                return new io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase(next) {
                                    @Override
                                    public <R> io.temporal.client.WorkflowUpdateHandle<R> startUpdate(
                                            StartUpdateInput<R> input) {
                                        updateId.set(input.getUpdateId());
                                        sending.countDown();
                                        return super.startUpdate(input);
                                    }
                                };
                            }
                        })
                        .build());
        var approval = java.util.concurrent.CompletableFuture.supplyAsync(() -> decisions.decide(
                id,
                new io.baran.workflow.DecisionRequest(
                        io.baran.workflow.Verdict.APPROVE, null, RunbookWorkflowTest.APPROVER, null, null)));
        assertTrue(sending.await(30, TimeUnit.SECONDS), "the approval is sent");
        awaitAdmitted(id, updateId.get()); // Temporal holds it before the workflow task it waits behind ends
        journal.go.countDown();

        var refused =
                assertThrows(java.util.concurrent.ExecutionException.class, () -> approval.get(30, TimeUnit.SECONDS));
        DecisionRefused refusal = assertInstanceOf(DecisionRefused.class, refused.getCause(), refused.toString());
        // In that workflow task the execution closes the question before the approval is looked at ("not waiting for
        // a decision"), or after it: then the question is withdrawn already (before, the approval was taken there).
        assertTrue(
                refusal.getMessage().contains("the question was withdrawn")
                        || refusal.getMessage().contains("is not waiting for a decision"),
                refusal.getMessage());
        env.sleep(Duration.ofMinutes(1));
        assertEquals("standby", world.values.get("www"), "it did not fail back into the outage");
        assertEquals(Phase.FAILED_OVER, progress(id).phase());
    }

    /** Waits (bounded) until Temporal has admitted Update {@code updateId} of execution {@code id}. */
    private void awaitAdmitted(String id, String updateId) {
        var request = io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setUpdateRef(io.temporal.api.update.v1.UpdateRef.newBuilder()
                        .setWorkflowExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                .setWorkflowId(id))
                        .setUpdateId(updateId))
                .setWaitPolicy(io.temporal.api.update.v1.WaitPolicy.newBuilder()
                        .setLifecycleStage(
                                io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
                                        .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED))
                .build();
        io.baran.testinfra.Polling.until(
                () -> {
                    try {
                        return client.getWorkflowServiceStubs()
                                .blockingStub()
                                .withDeadlineAfter(1, TimeUnit.SECONDS)
                                .pollWorkflowExecutionUpdate(request)
                                .getStage()
                                .getNumber();
                    } catch (io.grpc.StatusRuntimeException notYet) {
                        return -1;
                    }
                },
                stage -> stage
                        >= io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
                                .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED
                                .getNumber(),
                Duration.ofSeconds(10),
                Duration.ofMillis(20),
                stage -> "update " + updateId + " of " + id + " not admitted; last: " + stage);
    }

    /** Aborted and undoing what it changed: an abort acts on no further outage, so a join is refused. */
    @Test
    void anOutageJoiningAnExecutionBeingAbortedIsRefused() throws Exception {
        String id = "join-while-aborted";
        WorkflowClient.start(
                TestWorkers.stub(client, id)::run,
                new ExecutionRequest(id, Mode.FAILOVER, pausing(), INCIDENT, "aws/us-east-1", 0));
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.FAILING_OVER, progress(id).phase());
        CountDownLatch undoing = new CountDownLatch(1);
        world.waitingBeforeUndo.put("move-www", undoing);

        TestWorkers.decisions(env).abort(id, new AbortRequest(FIONA, "wrong region", null));
        WorkflowUpdateException refused = assertThrows(WorkflowUpdateException.class, () -> joinDirectly(id, NEXT));
        assertEquals(JoinRefused.TYPE, refusal(refused).getType());
        assertTrue(
                refusal(refused).getOriginalMessage().contains("being aborted"),
                refusal(refused).getOriginalMessage());
        // The same outage told by signal instead (no worker answered in time): dropped, as the Update was refused.
        client.newWorkflowStub(RunbookWorkflow.class, id).outageDetected(NEXT);
        // A copy of the outage it was started for (not recovered): it answered that one, so it drops nothing.
        client.newWorkflowStub(RunbookWorkflow.class, id).outageDetected(INCIDENT);
        env.sleep(Duration.ofSeconds(1));

        undoing.countDown();
        ExecutionProgress p = result(id);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals(List.of(NEXT), p.droppedOutages());
        assertEquals(ExecutionLauncher.Fate.DROPPED, launcher.fateOf(id, NEXT, false));
    }

    /** A plan observes only: an outage never joins it. */
    @Test
    void aPlanRefusesAnOutage() {
        String id = "plan-joined";
        RunbookWorkflow plan = TestWorkers.stub(client, id);
        CountDownLatch planning = new CountDownLatch(1);
        world.waitingBeforePlan.put("move-www", planning);
        Runbook rb = moving();
        WorkflowClient.start(plan::run, new ExecutionRequest(id, Mode.PLAN, rb, null, null, 0));
        // Answered once its first workflow task ran: the run holds its request (an Update delivered with that task is
        // validated before the run begins, and the dispatcher never joins a plan).
        assertEquals(Mode.PLAN, progress(id).mode());
        try {
            WorkflowUpdateException refused = assertThrows(WorkflowUpdateException.class, () -> joinDirectly(id, NEXT));
            assertEquals(JoinRefused.TYPE, refusal(refused).getType());
            assertEquals("primary", world.values.get("www"));
        } finally {
            planning.countDown();
        }
    }

    /** Temporal not answering while the launcher waits for a refusing execution to end: it has not ended. */
    @Test
    void aRefusingExecutionTemporalDoesNotAnswerAboutIsNotTakenForEnded() {
        WorkflowStub unanswered = (WorkflowStub) java.lang.reflect.Proxy.newProxyInstance(
                WorkflowStub.class.getClassLoader(), new Class<?>[] {WorkflowStub.class}, (proxy, method, args) -> {
                    throw new io.temporal.client.WorkflowServiceException(
                            io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                    .setWorkflowId("failover-ending")
                                    .build(),
                            "RunbookWorkflow",
                            io.grpc.Status.UNAVAILABLE.asRuntimeException());
                });

        IllegalStateException unknown =
                assertThrows(IllegalStateException.class, () -> launcher.awaitEnd(unanswered, "failover-ending", NEXT));
        assertTrue(unknown.getMessage().contains("cannot tell whether it has ended"), unknown.getMessage());
    }

    @Test
    void anExecutionTemporalDoesNotKnowIsNotRunning() {
        assertEquals(ExecutionLauncher.Joined.NOT_RUNNING, launcher.join("failover-nothing-i@1", NEXT));
    }

    /** The runbook workflow as an orchestrator of an earlier version ran it: joins arrived as the signal only. */
    @WorkflowInterface
    public interface EarlierRunbookWorkflow {
        @WorkflowMethod(name = "RunbookWorkflow")
        String run(String executionId);

        @SignalMethod
        void outageDetected(String incidentId);
    }

    public static class EarlierWorkflow implements EarlierRunbookWorkflow {
        private final List<String> detected = new ArrayList<>();

        @Override
        public String run(String executionId) {
            Workflow.await(() -> !detected.isEmpty());
            return String.join(",", detected);
        }

        @Override
        public void outageDetected(String incidentId) {
            detected.add(incidentId);
        }
    }

    /** Mid-upgrade, a worker without the Update: the launcher tells it by the signal, and it takes the outage. */
    @Test
    void aWorkerOfAnEarlierVersionIsToldByTheSignal() throws Exception {
        try (TestWorkflowEnvironment earlier = TestWorkflowEnvironment.newInstance()) {
            earlier.newWorker("earlier", TestWorkers.OPTIONS)
                    .registerWorkflowImplementationTypes(EarlierWorkflow.class);
            earlier.start();
            WorkflowStub stub = earlier.getWorkflowClient()
                    .newUntypedWorkflowStub(
                            "RunbookWorkflow",
                            io.temporal.client.WorkflowOptions.newBuilder()
                                    .setWorkflowId("failover-earlier")
                                    .setTaskQueue("earlier")
                                    .build());
            stub.start("failover-earlier");
            ExecutionLauncher old = new ExecutionLauncher();
            old.client = earlier.getWorkflowClient();

            assertEquals(ExecutionLauncher.Joined.SIGNALLED, old.join("failover-earlier", NEXT));
            assertEquals(NEXT, stub.getResult(30, TimeUnit.SECONDS, String.class), "told by the signal");
        }
    }
}
