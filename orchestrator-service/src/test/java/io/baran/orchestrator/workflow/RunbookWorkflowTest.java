package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.Access;
import io.baran.runbook.Drills;
import io.baran.runbook.Failback;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.runbook.Trigger;
import io.baran.workflow.Actor;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.DecisionResult;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.Memos;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.SearchAttributes;
import io.baran.workflow.StepState;
import io.baran.workflow.StepStatus;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.Verdict;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interpreter on the SDK's time-skipping test server, with the activities changing an in-memory world. */
class RunbookWorkflowTest {

    private TestWorkflowEnvironment env;
    private WorkflowClient client;
    private InMemoryWorld world;
    private RecordingJournal journal;
    private ExecutionDecisions decisions;

    /** Who may do what on the test runbooks: operators fail over, approvers approve. */
    static final Access ACCESS = new Access(List.of("ops"), List.of("ops"), List.of("approvers"), 1);

    static final Actor APPROVER = Actor.person("ana", List.of("approvers"));
    static final Actor OPERATOR = Actor.person("oli", List.of("ops"));

    @BeforeEach
    void start() {
        journal = new RecordingJournal();
        world = new InMemoryWorld();
        world.values.put("www", "primary");
        world.values.put("db", "replica");
        env = TestWorkers.start(TestEnvironmentOptions.getDefaultInstance(), world, journal);
        client = env.getWorkflowClient();
        decisions = TestWorkers.decisions(env);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    private static Step set(String name, String record, String to) {
        return Step.action(name, "dns.switch", Map.of("record", record, "to", to));
    }

    private static Runbook runbook(List<Step> failover, Failback failback, String triggerApproval) {
        return runbook(failover, failback, triggerApproval, ACCESS);
    }

    static Runbook runbook(List<Step> failover, Failback failback, String triggerApproval, Access access) {
        return new Runbook(
                "shop",
                null,
                Map.of(),
                "shop",
                List.of(),
                new Trigger("aws/us-east-1", List.of(), triggerApproval),
                failover,
                failback,
                "0",
                "test",
                0,
                access,
                0,
                null,
                null);
    }

    private DecisionResult approve(String id, Actor by) {
        return decisions.decide(id, new DecisionRequest(Verdict.APPROVE, null, by, null, null));
    }

    private DecisionResult reject(String id, Actor by) {
        return decisions.decide(id, new DecisionRequest(Verdict.REJECT, null, by, null, null));
    }

    private RunbookWorkflow stub(String id) {
        return TestWorkers.stub(client, id);
    }

    private ExecutionProgress result(String id) throws Exception {
        return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                .getResult(30, TimeUnit.SECONDS, ExecutionProgress.class);
    }

    private static Map<String, StepState> states(ExecutionProgress p) {
        return p.steps().stream().collect(Collectors.toMap(StepStatus::name, StepStatus::state));
    }

    @Test
    void drillAppliesEveryStepHoldsThenUndoesThemInReverse() {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none");
        ExecutionProgress p = stub("d1").run(new ExecutionRequest("d1", Mode.DRILL, rb, null, null, 3600));

        assertEquals(Phase.DONE, p.phase());
        assertNull(p.error());
        assertEquals(
                List.of(
                        "plan move-www",
                        "apply move-www",
                        "plan promote-db",
                        "apply promote-db",
                        "undo promote-db",
                        "undo move-www"),
                world.journal);
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        assertEquals(Map.of("move-www", StepState.UNDONE, "promote-db", StepState.UNDONE), states(p));
        assertEquals(List.of("failing-over", "failed-over", "failing-back", "done"), journal.phasesOf("d1"));
        assertEquals(
                Map.of("exists", true, "value", "primary"), p.steps().get(0).replaced());
        assertTrue(p.steps().get(0).endedAt() >= p.steps().get(0).startedAt());
        HistoryFiles.save(client, "d1", "drill-two-steps");
    }

    /** The runbook with another {@code spec.priority} and {@code spec.drills}. */
    static Runbook copy(Runbook rb, int priority, Drills drills) {
        return new Runbook(
                rb.name(),
                rb.description(),
                rb.labels(),
                rb.protects(),
                rb.parameters(),
                rb.trigger(),
                rb.failover(),
                rb.failback(),
                rb.sha256(),
                rb.source(),
                rb.version(),
                rb.access(),
                priority,
                rb.objectives(),
                drills);
    }

    private static Runbook withAbortCondition(Runbook rb) {
        return copy(
                rb,
                rb.priority(),
                new Drills(
                        "0 3 * * TUE",
                        null,
                        "1h",
                        List.of(),
                        new Drills.AbortWhen(Map.of("url", "https://www.example.com/healthz", "within", "20s"), "1m")));
    }

    @Test
    void anAbortConditionFailingMidDrillStopsTheDrillAndRestoresEverything() {
        Runbook rb = withAbortCondition(runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none"));
        // Passes at the start of the hold and a minute later, then the service stops answering.
        world.passesBeforeFailing.put(Drills.AbortWhen.CHECK_NAME, 2);

        ExecutionProgress p = stub("abort1").run(new ExecutionRequest("abort1", Mode.DRILL, rb, null, null, 3600));

        assertEquals(Phase.COMPENSATED, p.phase());
        assertTrue(
                p.error().startsWith("abort condition failed after 2 passing checks while failed over: "), p.error());
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        assertEquals(Map.of("move-www", StepState.UNDONE, "promote-db", StepState.UNDONE), states(p));
        assertEquals(
                List.of(
                        "plan move-www",
                        "apply move-www",
                        "plan promote-db",
                        "apply promote-db",
                        "apply abort-condition",
                        "apply abort-condition",
                        "apply abort-condition",
                        "undo promote-db",
                        "undo move-www"),
                world.journal);
        assertEquals(List.of("failing-over", "failed-over", "compensating", "compensated"), journal.phasesOf("abort1"));
        HistoryFiles.save(client, "abort1", "drill-abort-condition");
    }

    @Test
    void anAbortConditionThatKeepsPassingLetsTheDrillHoldAndFailBack() {
        Runbook rb = withAbortCondition(runbook(List.of(set("move-www", "www", "standby")), Failback.DEFAULT, "none"));

        ExecutionProgress p = stub("abort2").run(new ExecutionRequest("abort2", Mode.DRILL, rb, null, null, 150));

        assertEquals(Phase.DONE, p.phase());
        assertNull(p.error());
        assertEquals("primary", world.values.get("www"));
        // At 0s, 60s and 120s of a 150s hold.
        assertEquals(
                3,
                world.journal.stream().filter("apply abort-condition"::equals).count(),
                world.journal.toString());
    }

    @Test
    void aStepThatChangesNothingIsNotUndone() {
        world.values.put("www", "standby");
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none");
        ExecutionProgress p = stub("d2").run(new ExecutionRequest("d2", Mode.DRILL, rb, null, null, 1));

        assertEquals(Phase.DONE, p.phase());
        assertTrue(!world.journal.contains("undo move-www"), world.journal.toString());
        assertEquals("standby", world.values.get("www"));
        assertEquals(StepState.UNCHANGED, states(p).get("move-www"));
    }

    @Test
    void aFailedStepUndoesTheStepsBeforeItInReverseAndStops() {
        world.failing.add("third");
        Runbook rb = runbook(
                List.of(
                        set("first", "a", "1"),
                        set("second", "b", "2"),
                        set("third", "c", "3"),
                        set("fourth", "d", "4")),
                Failback.DEFAULT,
                "none");
        ExecutionProgress p = stub("f1").run(new ExecutionRequest("f1", Mode.DRILL, rb, null, null, 1));

        assertEquals(Phase.COMPENSATED, p.phase());
        assertTrue(
                p.error().contains("step third (dns.switch) failed: ProviderRejected: the world refuses third"),
                p.error());
        assertEquals(
                List.of(
                        "plan first",
                        "apply first",
                        "plan second",
                        "apply second",
                        "plan third",
                        "apply third",
                        "undo third",
                        "undo second",
                        "undo first"),
                world.journal);
        assertNull(world.values.get("a"));
        assertNull(world.values.get("b"));
        assertEquals(StepState.PENDING, states(p).get("fourth"));
        HistoryFiles.save(client, "f1", "compensated-after-failure");
    }

    @Test
    void aFailureInAParallelGroupUndoesItsSiblingsToo() {
        world.failing.add("right");
        Step group = new Step(null, null, Map.of(), List.of(set("left", "l", "x"), set("right", "r", "y")), null, null);
        Runbook rb = runbook(
                List.of(set("before", "www", "standby"), group, set("after", "z", "z")), Failback.DEFAULT, "none");
        ExecutionProgress p = stub("f2").run(new ExecutionRequest("f2", Mode.DRILL, rb, null, null, 1));

        assertEquals(Phase.COMPENSATED, p.phase());
        assertNull(world.values.get("l"));
        assertEquals("primary", world.values.get("www"));
        assertTrue(!world.journal.contains("plan after"), world.journal.toString());
        // "before" was registered first, so it is undone last.
        assertEquals("undo before", world.journal.get(world.journal.size() - 1));
    }

    @Test
    void onFailureContinueGoesOnToTheNextStep() {
        world.failing.add("optional");
        Step optional =
                new Step("optional", "dns.switch", Map.of("record", "o", "to", "1"), List.of(), null, "continue");
        Runbook rb = runbook(List.of(optional, set("move-www", "www", "standby")), Failback.DEFAULT, "none");
        ExecutionProgress p = stub("c1").run(new ExecutionRequest("c1", Mode.DRILL, rb, null, null, 1));

        assertEquals(Phase.DONE, p.phase());
        StepStatus optionalStep = p.steps().get(0);
        assertEquals("ProviderRejected: the world refuses optional", optionalStep.error());
        // A failed apply may have changed something before failing, so failback still restores it.
        assertEquals(StepState.UNDONE, optionalStep.state());
        assertTrue(world.journal.contains("apply move-www"), world.journal.toString());
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void aFailoverHoldsUntilRecoveryAndStabilityThenFailsBack() throws Exception {
        Failback failback = new Failback(true, "15m", "none", "reverse");
        Runbook rb = runbook(List.of(set("move-www", "www", "standby")), failback, "none");
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        WorkflowClient.start(
                stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "aws/us-east-1@1", "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);

        env.sleep(Duration.ofDays(3));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered("aws/us-east-1@1");
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_STABILITY, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
        HistoryFiles.save(client, id, "failover-recovery-stability");
    }

    @Test
    void approvalsGateTheFirstStepAndTheFailback() throws Exception {
        Failback failback = new Failback(true, "0s", "required", "reverse");
        Runbook rb = runbook(List.of(set("move-www", "www", "standby")), failback, "required");
        String id = "a1";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "i", "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);

        env.sleep(Duration.ofHours(1));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        assertTrue(world.journal.isEmpty(), world.journal.toString());

        approve(id, APPROVER);
        running.outageRecovered("i");
        env.sleep(Duration.ofHours(1));
        assertEquals(Phase.AWAITING_FAILBACK_APPROVAL, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        approve(id, APPROVER);
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
        HistoryFiles.save(client, id, "approvals");
    }

    @Test
    void planModeReportsWhatWouldChangeAndChangesNothing() {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), set("keep-db", "db", "replica")), Failback.DEFAULT, "none");
        ExecutionProgress p = stub("p1").run(new ExecutionRequest("p1", Mode.PLAN, rb, null, null, 0));

        assertEquals(Phase.PLANNED, p.phase());
        assertEquals(Map.of("move-www", StepState.PLANNED, "keep-db", StepState.UNCHANGED), states(p));
        assertNotNull(p.steps().get(0).summary());
        assertEquals(List.of("plan move-www", "plan keep-db"), world.journal);
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void aFailoverHoldingForDaysContinuesAsNewAndStillUndoesEverything() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")),
                new Failback(true, "0s", "none", "reverse"),
                "none");
        String id = "long-hold";
        var first = WorkflowClient.start(
                stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "i", "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);

        env.sleep(RunbookWorkflowImpl.HOLD_SLICE.multipliedBy(3).plusHours(1));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        String currentRun =
                client.newUntypedWorkflowStub(id).describe().getExecution().getRunId();
        assertNotEquals(first.getRunId(), currentRun, "a hold of three days should have continued as new");

        running.outageRecovered("i");
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        assertEquals(List.of("undo promote-db", "undo move-www"), world.journal.subList(4, 6));
    }

    @Test
    void aNewOutageDuringTheStabilityWindowRestartsTheWait() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "15m", "none", "reverse"), "none");
        String id = "flappy";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "i1", "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        env.sleep(Duration.ofMinutes(1));

        running.outageRecovered("i1");
        env.sleep(Duration.ofMinutes(10));
        running.outageDetected("i2");
        env.sleep(Duration.ofMinutes(30));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered("i2");
        env.sleep(Duration.ofMinutes(14));
        assertEquals(Phase.AWAITING_STABILITY, running.progress().phase());
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
    }

    /**
     * A runbook triggered by a region answers outages of its sub-scopes: the failover started for the S3 outage, the
     * EC2 outage joined it. The EC2 recovery alone does not fail it back while S3 is still down, nor does a stale or
     * unrelated recovery; the S3 recovery then does.
     */
    @Test
    void itFailsBackOnlyOnceEveryScopeWhoseOutageItAnswersHasRecovered() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "5m", "none", "reverse"), "none");
        String id = "two-scopes";
        WorkflowClient.start(
                stub(id)::run,
                new ExecutionRequest(id, Mode.FAILOVER, rb, "aws/us-east-1/s3@1000", "aws/us-east-1/s3", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        env.sleep(Duration.ofMinutes(1));
        running.outageDetected("aws/us-east-1/ec2@2000");
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());

        running.outageRecovered("aws/us-east-1/ec2@2000");
        running.outageRecovered("aws/us-east-1/s3@500"); // an older outage of S3, long over
        running.outageRecovered("gcp/europe-west1@3000"); // an outage it never answered
        env.sleep(Duration.ofMinutes(30));
        assertEquals(Phase.FAILED_OVER, running.progress().phase(), "S3 is still down");
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered("aws/us-east-1/s3@1000");
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.AWAITING_STABILITY, running.progress().phase());
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
        HistoryFiles.save(client, id, "recovery-by-scope");
    }

    /**
     * A failover a person started answers no outage: a recovery that reaches it (another outage's, routed to the
     * service's running execution, or a replayed event) does not fail it back; the person's failback request does.
     */
    @Test
    void aFailoverAPersonStartedFailsBackWhenAPersonAsksNotOnSomeonesRecovery() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "0s", "none", "reverse"), "none");
        String id = "by-hand";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, null, "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        env.sleep(Duration.ofMinutes(1));
        running.outageRecovered("aws/us-east-1@5");
        env.sleep(Duration.ofHours(2));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        decisions.failback(id, new FailbackRequest(OPERATOR, "primary is back", "fb-1"));
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
    }

    /** What it answers and what recovered survive the continue-as-new of a failover held for days. */
    @Test
    void theScopesItAnswersAndTheirRecoveriesAreCarriedIntoItsNextRun() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "0s", "none", "reverse"), "none");
        String id = "two-scopes-for-days";
        var first = WorkflowClient.start(
                stub(id)::run,
                new ExecutionRequest(id, Mode.FAILOVER, rb, "aws/us-east-1/s3@1000", "aws/us-east-1/s3", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        env.sleep(Duration.ofMinutes(1));
        running.outageDetected("aws/us-east-1/ec2@2000");
        running.outageRecovered("aws/us-east-1/s3@1000");
        env.sleep(RunbookWorkflowImpl.HOLD_SLICE.multipliedBy(2).plusHours(1));
        assertEquals(Phase.FAILED_OVER, running.progress().phase(), "EC2 is still down");
        assertNotEquals(
                first.getRunId(),
                client.newUntypedWorkflowStub(id).describe().getExecution().getRunId(),
                "a hold of two days should have continued as new");

        running.outageRecovered("aws/us-east-1/ec2@2000");
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
    }

    /**
     * The next run of a failover held for days keeps what the launcher started it with, and what it recorded since:
     * found by service, runbook and mode, and by the incidents it answers (a new outage of the service joins it; a
     * recovery finds it whatever became of its runbook), its tier in the memo. Temporal starts the next run with what
     * the continue-as-new command names (the test server applies none of it), so the command is what is checked.
     */
    @Test
    void itsSearchAttributesAndMemoAreCarriedIntoItsNextRun() throws Exception {
        List<io.temporal.workflow.ContinueAsNewOptions> continued = new java.util.concurrent.CopyOnWriteArrayList<>();
        var interceptor = new io.temporal.common.interceptors.WorkerInterceptorBase() {
            @Override
            public io.temporal.common.interceptors.WorkflowInboundCallsInterceptor interceptWorkflow(
                    io.temporal.common.interceptors.WorkflowInboundCallsInterceptor next) {
                return new io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase(next) {
                    @Override
                    public void init(io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor outbound) {
                        super.init(new io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase(outbound) {
                            @Override
                            public void continueAsNew(ContinueAsNewInput input) {
                                continued.add(input.getOptions());
                                super.continueAsNew(input);
                            }
                        });
                    }
                };
            }
        };
        env.close();
        env = TestWorkers.start(
                TestEnvironmentOptions.newBuilder()
                        .setWorkerFactoryOptions(io.temporal.worker.WorkerFactoryOptions.newBuilder()
                                .setWorkerInterceptors(interceptor)
                                .build())
                        .build(),
                world,
                journal);
        client = env.getWorkflowClient();
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "0s", "none", "reverse"), "none");
        String id = "kept-for-days";
        ExecutionRequest request = new ExecutionRequest(
                        id, Mode.FAILOVER, rb, "aws/us-east-1/s3@1000", "aws/us-east-1/s3", 0)
                .withIncidentsSearchable(true);
        WorkflowClient.start(
                client.newWorkflowStub(RunbookWorkflow.class, ExecutionLauncher.startOptions(id, request, true, false))
                        ::run,
                request);
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        env.sleep(Duration.ofMinutes(1));
        running.outageDetected("aws/us-east-1/ec2@2000");
        env.sleep(RunbookWorkflowImpl.HOLD_SLICE.plusHours(1));
        assertFalse(continued.isEmpty(), "a hold of a day should have continued as new");

        var options = continued.get(0);
        assertNotNull(options, "continued as new without options: Temporal starts the next run with no attributes");
        var attributes = options.getTypedSearchAttributes();
        assertEquals(rb.protects(), attributes.get(SearchAttributes.SERVICE));
        assertEquals(rb.name(), attributes.get(SearchAttributes.RUNBOOK));
        assertEquals("failover", attributes.get(SearchAttributes.MODE));
        assertEquals(Phase.FAILED_OVER.value(), attributes.get(SearchAttributes.PHASE));
        assertEquals(
                List.of("aws/us-east-1/s3@1000", "aws/us-east-1/ec2@2000"), attributes.get(SearchAttributes.INCIDENTS));
        assertTrue(
                attributes.getUntypedValues().keySet().stream()
                        .noneMatch(k -> k.getName().equals("TemporalChangeVersion")),
                attributes.getUntypedValues().toString());
        assertEquals(Map.of(Memos.PRIORITY, rb.tier()), options.getMemo());
    }

    /**
     * Which steps were applied survives the continue-as-new of a long hold: an abort days later keeps a promoted
     * replica (no undo) instead of asking the worker to demote it, which it refuses, ending the execution failed.
     */
    @Test
    void aStepWithoutUndoAppliedBeforeAContinueAsNewIsStillKeptOnAbort() throws Exception {
        Step promote = Step.action("promote-db", "database.promote-replica", Map.of("record", "db", "to", "primary"));
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), promote),
                new Failback(true, "0s", "none", "reverse"),
                "none");
        String id = "promoted-for-days";
        var first = WorkflowClient.start(
                stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "aws/us-east-1@1000", "aws/us-east-1", 0));
        env.sleep(RunbookWorkflowImpl.HOLD_SLICE.multipliedBy(2).plusHours(1));
        assertNotEquals(
                first.getRunId(),
                client.newUntypedWorkflowStub(id).describe().getExecution().getRunId(),
                "a hold of two days should have continued as new");

        WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                .cancel();
        assertThrows(WorkflowFailedException.class, () -> result(id));
        assertEquals("primary", world.values.get("www"));
        assertEquals("primary", world.values.get("db"), "the promoted replica is kept");
        assertTrue(!world.journal.contains("undo promote-db"), world.journal.toString());
        assertEquals(
                List.of("failing-over", "failed-over", "compensating", "compensated"),
                journal.phasesOf(id).stream().distinct().toList());
        // The continued run numbers its journal entries after the first run's: no number names two entries (the
        // stores keep the first entry of an id and drop the rest).
        Map<Long, java.util.Set<String>> bySeq = new java.util.HashMap<>();
        journal.entries.stream()
                .filter(e -> e.executionId().equals(id))
                .forEach(e -> bySeq.computeIfAbsent(e.seq(), k -> new java.util.HashSet<>())
                        .add(e.phase() + "/" + e.step() + "/" + e.state()));
        bySeq.forEach((seq, entries) -> assertEquals(1, entries.size(), "entry " + seq + ": " + entries));
    }

    /**
     * An identity-less failback signal sent with the execution's start (so before run reads which version it follows)
     * does not count on an execution that takes decisions only as Updates: it would fail back with no verified person.
     */
    @Test
    void aFailbackSignalSentWithTheStartIsIgnoredLikeOneSentLater() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "0s", "none", "reverse"), "none");
        String id = "signalled-with-start";
        io.temporal.client.BatchRequest both = client.newSignalWithStartRequest();
        RunbookWorkflow workflow = stub(id);
        both.add(workflow::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "aws/us-east-1@1000", "aws/us-east-1", 0));
        both.add(workflow::failback, "mallory");
        client.signalWithStart(both);
        env.sleep(Duration.ofHours(1));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        assertEquals(Phase.FAILED_OVER, running.progress().phase(), "the outage has not recovered: it holds");
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered("aws/us-east-1@1000");
        assertEquals(Phase.DONE, result(id).phase());
    }

    /**
     * A failback offered for approval because the outage recovered is withdrawn when the scope goes down again before
     * anyone decides (change failback-approval-withdrawn): an approval then is refused, and the failback is offered
     * again only after the new outage recovers.
     */
    @Test
    void aFailbackWaitingForApprovalIsWithdrawnWhenTheOutageComesBack() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "0s", "required", "reverse"), "none");
        String id = "flapping";
        WorkflowClient.start(
                stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "aws/us-east-1@1000", "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageRecovered("aws/us-east-1@1000");
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_FAILBACK_APPROVAL, running.progress().phase());

        running.outageDetected("aws/us-east-1@2000");
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase(), "the failback is no longer offered");
        assertThrows(DecisionRefused.class, () -> approve(id, APPROVER));
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered("aws/us-east-1@2000");
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_FAILBACK_APPROVAL, running.progress().phase());
        approve(id, APPROVER);
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
        HistoryFiles.save(client, id, "failback-approval-withdrawn");
    }

    @Test
    void anApprovalNobodyGivesEndsTheFailoverWithoutChangingAnything() throws Exception {
        Runbook rb = runbook(List.of(set("move-www", "www", "standby")), Failback.DEFAULT, "required");
        String id = "unapproved";
        WorkflowClient.start(
                stub(id)::run,
                new ExecutionRequest(id, Mode.FAILOVER, rb, "i", "aws/us-east-1", 0, null, 600, 0, null));

        ExecutionProgress p = result(id);
        assertEquals(Phase.REJECTED, p.phase());
        assertTrue(p.error().contains("nobody approved the failover within PT10M"), p.error());
        assertTrue(world.journal.isEmpty(), world.journal.toString());
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void abortingMidStepUndoesWhatWasChanged() {
        Step pause = Step.action("pause", "wait", Map.of("for", "1h"));
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), pause, set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none");
        String id = "aborted";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 60));
        env.sleep(Duration.ofMinutes(10));
        assertEquals("standby", world.values.get("www"));

        WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                .cancel();
        var failure = assertThrows(WorkflowFailedException.class, () -> result(id));
        assertTrue(failure.getCause() instanceof CanceledFailure, failure.toString());
        assertEquals("primary", world.values.get("www"));
        assertTrue(!world.journal.contains("plan promote-db"), world.journal.toString());
        assertEquals(List.of("failing-over", "compensating", "compensated"), journal.phasesOf(id));
    }

    @Test
    void aRefusedFailbackHoldsUntilAPersonAsksForIt() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "0s", "required", "reverse"), "none");
        String id = "refused";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "i", "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageRecovered("i");
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_FAILBACK_APPROVAL, running.progress().phase());
        assertEquals("approval to fail back", running.progress().awaiting());

        reject(id, APPROVER);
        env.sleep(Duration.ofHours(2));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        decisions.failback(id, new FailbackRequest(OPERATOR, "the primary is back", null));
        // A failback request is no approval: the runbook's failback approval is still asked for.
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_FAILBACK_APPROVAL, running.progress().phase());
        approve(id, APPROVER);
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
    }

    /** move-www, then promote-db, which fails and holds (onFailure: hold) for a person. */
    private Runbook moveWwwThenAFailingPromotionThatHolds() {
        world.failing.add("promote-db");
        Step held =
                new Step("promote-db", "dns.switch", Map.of("record", "db", "to", "primary"), List.of(), null, "hold");
        return runbook(List.of(set("move-www", "www", "standby"), held), Failback.DEFAULT, "none");
    }

    /** An approval for the execution's start gate or the guard's hold only, as approve-incident sends it. */
    private DecisionResult approveAtGateOnly(String id) {
        return decisions.decide(id, new DecisionRequest(Verdict.APPROVE, null, APPROVER, null, null).atGateOnly());
    }

    @Test
    void aHeldStepWaitsForAPersonAndRejectionUndoesEverything() throws Exception {
        Runbook rb = moveWwwThenAFailingPromotionThatHolds();
        String id = "held";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 60));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        env.sleep(Duration.ofHours(3));
        assertEquals(Phase.HELD, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        reject(id, APPROVER);
        ExecutionProgress p = result(id);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertEquals("primary", world.values.get("www"));
        HistoryFiles.save(client, id, "held-then-rejected");
        assertTrue(
                p.decideMillis() >= Duration.ofHours(3).minusMinutes(1).toMillis(),
                "time waiting for a person counts as decide time: " + p.decideMillis() + " " + p.phases());
    }

    @Test
    void anApprovalStepWaitsForAPersonAndItsTimeoutFailsTheStep() throws Exception {
        Step gate = Step.action("go-ahead", "approval", Map.of("timeout", "1h"));
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), gate, set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none");
        WorkflowClient.start(stub("gate-ok")::run, new ExecutionRequest("gate-ok", Mode.DRILL, rb, null, null, 1));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, "gate-ok");
        env.sleep(Duration.ofMinutes(30));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        assertEquals("approval of step go-ahead", running.progress().awaiting());
        assertTrue(!world.journal.contains("plan promote-db"), world.journal.toString());
        approve("gate-ok", APPROVER);
        ExecutionProgress approved = result("gate-ok");
        assertEquals(Phase.DONE, approved.phase());
        assertEquals(StepState.APPROVED, states(approved).get("go-ahead"));
        assertTrue(world.journal.contains("apply promote-db"), world.journal.toString());

        world.journal.clear();
        WorkflowClient.start(stub("gate-late")::run, new ExecutionRequest("gate-late", Mode.DRILL, rb, null, null, 1));
        ExecutionProgress late = result("gate-late");
        assertEquals(Phase.COMPENSATED, late.phase());
        assertEquals("nobody approved within 1h", late.steps().get(1).error());
        assertEquals(List.of("plan move-www", "apply move-www", "undo move-www"), world.journal);
        assertEquals("primary", world.values.get("www"));
    }

    /**
     * An abort while an approval step waits closes the question before compensation (change abort-closes-decisions):
     * an approval sent while the execution undoes what it changed is refused and recorded nowhere, and the execution
     * no longer says it waits for a decision. Before, the question stayed open and the approval was taken.
     */
    @Test
    void anAbortWhileAnApprovalStepWaitsClosesTheQuestionDuringCompensation() throws Exception {
        java.util.concurrent.CountDownLatch undoing = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeUndo.put("move-www", undoing);
        Step gate = Step.action("go-ahead", "approval", Map.of("timeout", "1h"));
        Runbook rb = runbook(List.of(set("move-www", "www", "standby"), gate), Failback.DEFAULT, "none");
        String id = "aborted-at-gate";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 60));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        env.sleep(Duration.ofMinutes(1));
        assertEquals("approval of step go-ahead", running.progress().awaiting());

        try {
            WorkflowStub.fromTyped(running).cancel();
            awaitJournal("undo move-www");
            DecisionRefused refused = assertThrows(DecisionRefused.class, () -> approve(id, APPROVER));
            assertTrue(refused.getMessage().contains("is not waiting for a decision"), refused.getMessage());
            ExecutionProgress compensating = running.progress();
            assertEquals(Phase.COMPENSATING, compensating.phase());
            assertNull(compensating.awaiting(), "nothing to decide while it undoes what it changed");
            assertTrue(
                    compensating.decisions().isEmpty(), compensating.decisions().toString());
        } finally {
            undoing.countDown();
        }

        var failure = assertThrows(WorkflowFailedException.class, () -> result(id));
        assertTrue(failure.getCause() instanceof CanceledFailure, failure.toString());
        assertEquals("primary", world.values.get("www"));
        ExecutionProgress p = running.progress();
        assertNull(p.awaiting());
        assertTrue(p.decisions().isEmpty(), p.decisions().toString());
    }

    /**
     * A decision for the execution's own gate only ({@code approve-incident}'s) approves its start, and is refused at
     * one of its steps: approved by someone else meanwhile, the execution may already wait there.
     */
    @Test
    void aDecisionForTheStartGateOnlyDoesNotApproveAStep() throws Exception {
        Step gate = Step.action("go-ahead", "approval", Map.of("timeout", "1h"));
        Runbook rb = runbook(List.of(gate, set("move-www", "www", "standby")), Failback.DEFAULT, "required");
        RunbookWorkflow running = startOutageFailover("gate-only", rb);
        env.sleep(Duration.ofMinutes(1));
        assertEquals(null, running.progress().currentStep(), "it waits at its start");
        approveAtGateOnly("gate-only");
        env.sleep(Duration.ofMinutes(1));
        assertEquals("approval of step go-ahead", running.progress().awaiting());

        DecisionRefused refused = assertThrows(DecisionRefused.class, () -> approveAtGateOnly("gate-only"));
        assertTrue(refused.getMessage().contains("not at its start"), refused.getMessage());
        assertEquals("approval of step go-ahead", running.progress().awaiting(), "the step still waits");
        approve("gate-only", APPROVER);
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));
    }

    /** A failed step that holds is the guard's kind of gate, but of a step: a start-gate-only decision leaves it. */
    @Test
    void aDecisionForTheStartGateOnlyDoesNotGoOnPastAFailedStep() throws Exception {
        Runbook rb = moveWwwThenAFailingPromotionThatHolds();
        RunbookWorkflow running = startOutageFailover("held-gate-only", rb);
        env.sleep(Duration.ofHours(1));
        assertEquals(Phase.HELD, running.progress().phase());

        DecisionRefused refused = assertThrows(DecisionRefused.class, () -> approveAtGateOnly("held-gate-only"));
        assertTrue(refused.getMessage().contains("not at its start"), refused.getMessage());
        assertEquals(Phase.HELD, running.progress().phase(), "the failed step still holds");
        assertEquals(StepState.FAILED, states(running.progress()).get("promote-db"));
    }

    /**
     * Two approval steps of one parallel group wait together: each is decided by name, the execution says what it
     * still waits for, and it stays awaiting approval until the last is decided (it went back to the phase before
     * at the first decision, and stayed awaiting approval after the last, when the first-opened was decided first).
     */
    @Test
    void approvalStepsOfAParallelGroupAreDecidedOneByOne() throws Exception {
        Step both = new Step(
                null,
                null,
                Map.of(),
                List.of(
                        Step.action("go-a", "approval", Map.of("timeout", "1h")),
                        Step.action("go-b", "approval", Map.of("timeout", "1h"))),
                null,
                null);
        Runbook rb = runbook(List.of(both, set("move-www", "www", "standby")), Failback.DEFAULT, "none");
        WorkflowClient.start(stub("two-gates")::run, new ExecutionRequest("two-gates", Mode.DRILL, rb, null, null, 1));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, "two-gates");
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        assertEquals(
                "approval of step go-a, approval of step go-b",
                running.progress().awaiting());

        decisions.decide("two-gates", new DecisionRequest(Verdict.APPROVE, "go-a", APPROVER, null, null));
        env.sleep(Duration.ofSeconds(1));
        ExecutionProgress oneLeft = running.progress();
        assertEquals(Phase.AWAITING_APPROVAL, oneLeft.phase(), oneLeft.phases().toString());
        assertEquals("approval of step go-b", oneLeft.awaiting());
        assertEquals(StepState.APPROVED, states(oneLeft).get("go-a"));
        assertTrue(!world.journal.contains("plan move-www"), world.journal.toString());

        decisions.decide("two-gates", new DecisionRequest(Verdict.APPROVE, "go-b", APPROVER, null, null));
        env.sleep(Duration.ofSeconds(1));
        ExecutionProgress decided = running.progress();
        assertNull(decided.awaiting());
        // Back to the failover once both are decided (the test server may have skipped on to the drill's failback).
        assertTrue(
                java.util.Set.of(Phase.FAILING_OVER, Phase.FAILED_OVER, Phase.FAILING_BACK, Phase.DONE)
                        .contains(decided.phase()),
                "back to the failover once both are decided: " + decided.phase() + " " + decided.phases());
        ExecutionProgress done = result("two-gates");
        assertEquals(Phase.DONE, done.phase());
        assertEquals(StepState.APPROVED, states(done).get("go-b"));
        assertTrue(world.journal.contains("apply move-www"), world.journal.toString());
    }

    @Test
    void anExplicitFailbackUndoesOnlyWhatItNamesAndRunsItsOwnSteps() throws Exception {
        Step announce = Step.action("announce", "dns.switch", Map.of("record", "banner", "to", "back"));
        Failback failback = new Failback(
                true,
                "0s",
                "none",
                Failback.EXPLICIT,
                List.of(Step.undoOf(set("move-www", "www", "standby")), announce));
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")), failback, "none");
        ExecutionProgress p = stub("explicit").run(new ExecutionRequest("explicit", Mode.DRILL, rb, null, null, 1));

        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals("primary", world.values.get("db"), "promote-db is not in the failback list, so it stays");
        assertEquals("back", world.values.get("banner"));
        assertEquals(List.of("undo move-www", "plan announce", "apply announce"), world.journal.subList(4, 7));
    }

    /** An explicit failback list with a parallel group, a wait, undos and steps of its own, one of which fails. */
    static Runbook explicitFailbackWithAFailingStep() {
        Step moveWww = set("move-www", "www", "standby");
        Step promoteDb = set("promote-db", "db", "primary");
        Step announce = Step.action("announce", "dns.switch", Map.of("record", "banner", "to", "back"));
        Step purge = Step.action("purge", "dns.switch", Map.of("record", "cache", "to", "purged"));
        Step group = new Step(null, null, Map.of(), List.of(Step.undoOf(moveWww), announce), null, null);
        Failback failback = new Failback(
                true,
                "0s",
                "none",
                Failback.EXPLICIT,
                List.of(group, Step.action("settle", "wait", Map.of("for", "1m")), Step.undoOf(promoteDb), purge));
        return runbook(List.of(moveWww, promoteDb), failback, "none");
    }

    @Test
    void aFailbackStepOfItsOwnThatFailsIsMarkedFailbackFailedAndTheFailbackGoesOn() throws Exception {
        world.failing.add("announce");
        ExecutionProgress p = stub("explicit-failing")
                .run(new ExecutionRequest(
                        "explicit-failing", Mode.DRILL, explicitFailbackWithAFailingStep(), null, null, 1));

        assertEquals(Phase.FAILED, p.phase());
        assertEquals(
                Map.of(
                        "move-www",
                        StepState.UNDONE,
                        "promote-db",
                        StepState.UNDONE,
                        "announce",
                        StepState.FAILBACK_FAILED,
                        "settle",
                        StepState.DONE,
                        "purge",
                        StepState.APPLIED),
                states(p));
        assertEquals("failback could not restore every step; see the steps marked failback-failed", p.error());
        assertEquals(
                "ProviderRejected: the world refuses announce",
                p.steps().stream()
                        .filter(s -> s.name().equals("announce"))
                        .findFirst()
                        .orElseThrow()
                        .error());
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        assertEquals("purged", world.values.get("cache"));
        assertNull(world.values.get("banner"));
        assertEquals(
                List.of("failing-over", "failed-over", "failing-back", "failed"), journal.phasesOf("explicit-failing"));
        HistoryFiles.save(client, "explicit-failing", "explicit-failback-parallel-failing");
    }

    @Test
    void aStepWithoutUndoIsNeitherUndoneAtFailbackNorCompensated() throws Exception {
        world.failing.add("move-www");
        Step promote = Step.action("promote-db", "database.promote-replica", Map.of("record", "db", "to", "primary"));
        Runbook rb = runbook(List.of(promote, set("move-www", "www", "standby")), Failback.DEFAULT, "none");
        ExecutionProgress p = stub("no-undo").run(new ExecutionRequest("no-undo", Mode.DRILL, rb, null, null, 1));

        assertEquals(Phase.COMPENSATED, p.phase());
        assertEquals("primary", world.values.get("db"), "a promoted replica cannot be demoted");
        assertTrue(!world.journal.contains("undo promote-db"), world.journal.toString());
        assertTrue(
                p.steps().get(0).summary().startsWith("kept: database.promote-replica has no undo"),
                p.steps().get(0).summary());
        assertEquals(
                Map.of("exists", true, "value", "replica"), p.steps().get(0).replaced());
    }

    @Test
    void aStepRetriesAsItsRunbookSays() throws Exception {
        world.flaky.put("move-www", 2);
        Step patient = retried(3);
        ExecutionProgress ok = stub("retry-ok")
                .run(new ExecutionRequest(
                        "retry-ok", Mode.DRILL, runbook(List.of(patient), Failback.DEFAULT, "none"), null, null, 1));
        assertEquals(Phase.DONE, ok.phase());
        assertEquals(3, world.journal.stream().filter("apply move-www"::equals).count());

        world.journal.clear();
        world.flaky.put("move-www", 2);
        Step impatient = retried(2);
        ExecutionProgress failed = stub("retry-short")
                .run(new ExecutionRequest(
                        "retry-short",
                        Mode.DRILL,
                        runbook(List.of(impatient), Failback.DEFAULT, "none"),
                        null,
                        null,
                        1));
        assertEquals(Phase.COMPENSATED, failed.phase());
        assertEquals(2, world.journal.stream().filter("apply move-www"::equals).count());
    }

    private static Step retried(int attempts) {
        return new Step(
                "move-www",
                "dns.switch",
                Map.of("record", "www", "to", "standby"),
                List.of(),
                null,
                null,
                new io.baran.runbook.Retry(attempts, "1s", "2s"),
                null);
    }

    /** The activity types the execution scheduled, in order. */
    private List<String> activitiesOf(String id) {
        return client.fetchHistory(id).getHistory().getEventsList().stream()
                .filter(e -> e.hasActivityTaskScheduledEventAttributes())
                .map(e -> e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName())
                .filter(type -> type.endsWith("Step"))
                .toList();
    }

    @Test
    void aFailoverStepIsPlannedAndAppliedInOneActivityAndItsPlanIsKept() throws Exception {
        ExecutionProgress p = stub("one-call")
                .run(new ExecutionRequest(
                        "one-call",
                        Mode.DRILL,
                        runbook(List.of(set("move-www", "www", "standby")), Failback.DEFAULT, "none"),
                        null,
                        null,
                        1));

        assertEquals(Phase.DONE, p.phase());
        assertEquals(List.of("PlanApplyStep", "UndoStep"), activitiesOf("one-call"));
        assertEquals(List.of("plan move-www", "apply move-www", "undo move-www"), world.journal);
        // The plan's summary is reported as before, between the step's start and its outcome.
        List<String> transitions = journal.detailsOf("one-call", "move-www");
        assertTrue(
                transitions.indexOf("running: www: primary -> standby") > 0
                        && transitions.indexOf("running: www: primary -> standby")
                                < transitions.indexOf("applied: www: primary -> standby"),
                transitions.toString());
        assertEquals("primary", world.values.get("www"));
        HistoryFiles.save(client, "one-call", "plan-and-apply");
    }

    @Test
    void aChangeThatFailedHalfWayIsRetriedWithItsFirstPlanAndFailbackRestoresTheStateBeforeIt() throws Exception {
        // The first attempt switches the record and fails: a second plan would see "standby" as the state to restore.
        world.failingAfterTheChange.put("move-www", 1);
        ExecutionProgress p = stub("half-way")
                .run(new ExecutionRequest(
                        "half-way", Mode.DRILL, runbook(List.of(retried(3)), Failback.DEFAULT, "none"), null, null, 1));

        assertEquals(Phase.DONE, p.phase());
        assertEquals(1, world.journal.stream().filter("plan move-www"::equals).count(), world.journal.toString());
        assertEquals(2, world.journal.stream().filter("apply move-www"::equals).count(), world.journal.toString());
        assertEquals("primary", world.values.get("www"), "failback restores the state from before the first attempt");
    }

    @Test
    void aChangeWhoseEveryAttemptFailedAfterChangingIsStillUndone() throws Exception {
        world.failingAfterTheChange.put("move-www", 5);
        ExecutionProgress p = stub("never-done")
                .run(new ExecutionRequest(
                        "never-done",
                        Mode.DRILL,
                        runbook(List.of(retried(2)), Failback.DEFAULT, "none"),
                        null,
                        null,
                        1));

        assertEquals(Phase.COMPENSATED, p.phase());
        assertEquals(StepState.UNDONE, states(p).get("move-www"));
        assertEquals(List.of("PlanApplyStep", "UndoStep"), activitiesOf("never-done"));
        assertEquals("primary", world.values.get("www"), "the plan the failure carried is what the undo restored");
        HistoryFiles.save(client, "never-done", "plan-and-apply-failed-after-the-change");
    }

    /** Whether a workflow task completed after the execution was asked to cancel. */
    private boolean abortTakenIn(String id) {
        boolean asked = false;
        for (var event : client.fetchHistory(id).getHistory().getEventsList()) {
            if (event.hasWorkflowExecutionCancelRequestedEventAttributes()) {
                asked = true;
            } else if (asked && event.hasWorkflowTaskCompletedEventAttributes()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anAbortDuringAChangeLetsTheChangeEndThenUndoesIt() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        world.holdingAfterTheChange.put("move-www", release);
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none");
        String id = "aborted-mid-change";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 60));
        awaitWwwOnStandby();

        // The execution takes the abort in (a workflow task completes after it) while the change still runs.
        abortOnce(id, "apply move-www");
        release.countDown();

        var failure = assertThrows(WorkflowFailedException.class, () -> result(id));
        assertTrue(failure.getCause() instanceof CanceledFailure, failure.toString());
        assertEquals("primary", world.values.get("www"), "the change that was in flight is undone");
        assertTrue(world.journal.contains("undo move-www"), world.journal.toString());
        assertTrue(!world.journal.contains("plan promote-db"), world.journal.toString());
    }

    /** Waits (at most 10 s) until a step has switched www to the standby, its activity still running. */
    private void awaitWwwOnStandby() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"standby".equals(world.values.get("www")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("standby", world.values.get("www"), "the change is made and its activity still runs");
    }

    /** Waits (at most 10 s) until the world's journal holds {@code entry}, then aborts the execution. */
    private void abortOnce(String id, String entry) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!world.journal.contains(entry) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(world.journal.contains(entry), world.journal.toString());
        WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                .cancel();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!abortTakenIn(id) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(abortTakenIn(id), "the abort reached the execution");
    }

    /**
     * An abort while a check step waits for its target (change abort-restores): the check's call is cancelled, and
     * that is the abort, so what the steps before it changed is undone. Before, the cancelled call was a failed step
     * whose compensation ran in the cancelled scope: every undo failed at once and the record stayed on the standby.
     */
    @Test
    void anAbortDuringACheckStepUndoesWhatTheStepsBeforeItChanged() throws Exception {
        java.util.concurrent.CountDownLatch target = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeAnswer.put("check-standby", target);
        Step check = Step.action("check-standby", "health.check", Map.of("record", "www"));
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), check, set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none");
        String id = "aborted-mid-check";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 60));
        try {
            abortOnce(id, "apply check-standby");
        } finally {
            target.countDown();
        }

        var failure = assertThrows(WorkflowFailedException.class, () -> result(id));
        assertTrue(failure.getCause() instanceof CanceledFailure, failure.toString());
        assertEquals("primary", world.values.get("www"), "the record is back on the primary");
        assertTrue(world.journal.contains("undo move-www"), world.journal.toString());
        assertTrue(!world.journal.contains("plan promote-db"), world.journal.toString());
        // The journal is at least once (an entry may be published twice under its sequence number).
        assertEquals(
                List.of("failing-over", "compensating", "compensated"),
                journal.phasesOf(id).stream().distinct().toList());
        HistoryFiles.save(client, id, "abort-restores-during-a-check");
    }

    /**
     * An abort while a parallel group's check waits and its change is in flight: the group waits for the change to end
     * and register its undo before the abort compensates (change abort-restores), so the change is undone too.
     */
    @Test
    void anAbortDuringAParallelGroupWaitsForTheChangeInFlightThenUndoesIt() throws Exception {
        java.util.concurrent.CountDownLatch target = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch change = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeAnswer.put("check-standby", target);
        world.holdingAfterTheChange.put("move-www", change);
        Step check = Step.action("check-standby", "health.check", Map.of("record", "db"));
        // The check first: the group meets its abort before the change ends.
        Step group = new Step(null, null, Map.of(), List.of(check, set("move-www", "www", "standby")), null, null);
        Runbook rb = runbook(List.of(group), Failback.DEFAULT, "none");
        String id = "aborted-mid-group";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 60));
        try {
            awaitWwwOnStandby();
            abortOnce(id, "apply check-standby");
            change.countDown();
        } finally {
            change.countDown();
            target.countDown();
        }

        var failure = assertThrows(WorkflowFailedException.class, () -> result(id));
        assertTrue(failure.getCause() instanceof CanceledFailure, failure.toString());
        assertEquals("primary", world.values.get("www"), "the change that was in flight is undone");
        assertTrue(world.journal.contains("undo move-www"), world.journal.toString());
    }

    /**
     * An abort during a failback does not stop it half-way (change abort-restores): the failback puts back what the
     * failover changed, as the abort asks. Before, the undo in flight was cancelled and every later one failed at once.
     */
    @Test
    void anAbortDuringAFailbackLetsItRestoreEverything() throws Exception {
        java.util.concurrent.CountDownLatch undoing = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeUndo.put("promote-db", undoing);
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")),
                Failback.DEFAULT,
                "none");
        String id = "aborted-mid-failback";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 1));
        try {
            abortOnce(id, "undo promote-db");
        } finally {
            undoing.countDown();
        }

        // The run ends as cancelled (the SDK reports a run asked to cancel so), after the failback it met ended.
        var failure = assertThrows(WorkflowFailedException.class, () -> result(id));
        assertTrue(failure.getCause() instanceof CanceledFailure, failure.toString());
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        assertEquals(
                List.of("undo promote-db", "undo move-www"),
                world.journal.stream().filter(e -> e.startsWith("undo")).toList());
        List<String> phases = journal.phasesOf(id).stream().distinct().toList();
        assertEquals(
                List.of("failing-back", "done"), phases.subList(phases.size() - 2, phases.size()), phases.toString());
        assertTrue(!phases.contains("failed") && !phases.contains("compensating"), phases.toString());
    }

    /**
     * A real outage of the service that joins a drill (change drill-joined-by-outage) ends the hold and keeps the
     * drill failed over until that outage recovers: failing back when the hold ended would move traffic into it.
     */
    @Test
    void aRealOutageThatJoinsADrillKeepsItFailedOverUntilThatOutageRecovers() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(false, "0s", "none", "reverse"), "none");
        String id = "drill-joined";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 600));
        env.sleep(Duration.ofMinutes(1));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageDetected("aws/us-east-1@1000");
        env.sleep(Duration.ofHours(3));
        assertEquals(Phase.FAILED_OVER, running.progress().phase(), "held long past the drill's 10 minutes");
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered("aws/us-east-1@1000");
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
        HistoryFiles.save(client, id, "drill-joined-by-outage");
    }

    /**
     * A drill started without {@code BaranIncidents} (by hand, or by its schedule) by an orchestrator that found the
     * attribute registered adds the outage that joins it there, so the outage's recovery finds it whatever happens to
     * the runbook catalog meanwhile; one recorded before (the request does not say so) leaves it unset, as before.
     */
    @Test
    void aDrillStartedWithoutIncidentsIsFoundByTheOutageThatJoinsIt() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(false, "0s", "none", "reverse"), "none");
        String id = "drill-joined-searchable";
        WorkflowClient.start(
                stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 600).withIncidentsSearchable(true));
        env.sleep(Duration.ofMinutes(1));
        assertNull(incidentsOf(id), "started without the attribute");
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageDetected("aws/us-east-1@1000");
        env.sleep(Duration.ofMinutes(1));
        assertEquals(List.of("aws/us-east-1@1000"), incidentsOf(id));

        String before = "drill-joined-unsearchable";
        WorkflowClient.start(stub(before)::run, new ExecutionRequest(before, Mode.DRILL, rb, null, null, 600));
        env.sleep(Duration.ofMinutes(1));
        client.newWorkflowStub(RunbookWorkflow.class, before).outageDetected("gcp/europe-west1@1000");
        env.sleep(Duration.ofMinutes(1));
        assertNull(incidentsOf(before), "a request that does not say the namespace knows it");

        running.outageRecovered("aws/us-east-1@1000");
        assertEquals(Phase.DONE, result(id).phase());
    }

    /**
     * A drill that a real outage joined is a live failover from then on (change drill-joined-goes-live): its failback
     * approval after that outage recovers needs the runbook's two approvers, and the person who started the drill is
     * not one of them. Before, one approval failed it back, its starter's too.
     */
    @Test
    void aDrillARealOutageJoinedNeedsTheRunbooksApproversToFailBackAndNotItsStarter() throws Exception {
        Access twoApprovers = new Access(List.of("ops"), List.of("ops"), List.of("approvers"), 2);
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")),
                new Failback(false, "0s", "required", "reverse"),
                "none",
                twoApprovers);
        String id = "drill-joined-live";
        WorkflowClient.start(
                stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 600, null, 0, 0, null, APPROVER));
        env.sleep(Duration.ofMinutes(1));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        assertTrue(!running.progress().liveFailover(), "a drill, until an outage joins it");

        running.outageDetected("aws/us-east-1@1000");
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress joined = running.progress();
        assertEquals(Phase.FAILED_OVER, joined.phase());
        assertTrue(joined.wentLive() && joined.liveFailover(), "a live failover since the outage joined it");

        running.outageRecovered("aws/us-east-1@1000");
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress asking = running.progress();
        assertEquals(Phase.AWAITING_FAILBACK_APPROVAL, asking.phase());
        assertEquals(2, asking.approvalsNeeded());
        DecisionRefused refused = assertThrows(DecisionRefused.class, () -> approve(id, APPROVER));
        assertTrue(refused.getMessage().contains("two-person rule"), refused.getMessage());
        assertEquals(
                DecisionResult.Outcome.PENDING,
                approve(id, Actor.person("bo", List.of("approvers"))).outcome());
        assertEquals("standby", world.values.get("www"), "one approval of two does not fail it back");
        assertEquals(
                DecisionResult.Outcome.APPROVED,
                approve(id, Actor.person("cy", List.of("approvers"))).outcome());

        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
    }

    /**
     * A drill that a real outage joined no longer fails back by itself after its hold: a person may ask it to fail
     * back, as for a failover (change drill-joined-goes-live). Before, the request was refused as a drill's.
     */
    @Test
    void aPersonMayAskADrillARealOutageJoinedToFailBack() throws Exception {
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(false, "0s", "none", "reverse"), "none");
        String id = "drill-joined-asked-back";
        WorkflowClient.start(stub(id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 600));
        env.sleep(Duration.ofMinutes(1));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageDetected("aws/us-east-1@1000");
        env.sleep(Duration.ofHours(1));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());

        var asked = decisions.failback(id, new FailbackRequest(OPERATOR, "the primary is back", null));
        assertEquals(io.baran.workflow.FailbackResult.Next.FAILING_BACK, asked.next());
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void aStepWithoutUndoWhoseApplyFailedIsStillUndone() throws Exception {
        world.failing.add("promote-db");
        Step promote = Step.action("promote-db", "database.promote-replica", Map.of("record", "db", "to", "primary"));
        Runbook rb = runbook(List.of(set("move-www", "www", "standby"), promote), Failback.DEFAULT, "none");
        ExecutionProgress p =
                stub("no-undo-failed").run(new ExecutionRequest("no-undo-failed", Mode.DRILL, rb, null, null, 1));

        assertEquals(Phase.COMPENSATED, p.phase());
        // The undo of a promotion that did not happen lifts what it set up (a fence, say).
        assertEquals(List.of("undo promote-db", "undo move-www"), world.journal.subList(4, 6));
    }

    @Test
    void aPlanForAnOutageFlagsStepsWhoseControlPlaneIsInTheFailingScope() throws Exception {
        Step route53 = Step.action(
                "move-www", "dns.switch", Map.of("record", "www", "to", "standby", "controlPlane", "aws/us-east-1"));
        Step cloudDns = Step.action(
                "move-api", "dns.switch", Map.of("record", "api", "to", "standby", "controlPlane", "gcp/global"));
        Runbook rb = runbook(List.of(route53, cloudDns), Failback.DEFAULT, "none");
        ExecutionProgress p = stub("cp").run(new ExecutionRequest("cp", Mode.PLAN, rb, null, "aws/us-east-1/s3", 0));

        assertTrue(
                p.steps()
                        .get(0)
                        .summary()
                        .contains("WARNING: its control plane is in the failing scope aws/us-east-1/s3"),
                p.steps().get(0).summary());
        assertTrue(
                !p.steps().get(1).summary().contains("WARNING"),
                p.steps().get(1).summary());
    }

    @Test
    void aDriftedRecordIsReappliedWhenANewOutageJoinsAndTheProgressNamesIt() throws Exception {
        Step promote = Step.action("promote-db", "database.promote-replica", Map.of("record", "db", "to", "primary"));
        Step check = Step.action("check-www", "health.check", Map.of("record", "www"));
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), promote, check),
                new Failback(true, "0s", "none", "reverse"),
                "none");
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = startOutageFailover(id, rb);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());

        // Someone puts the record back by hand, and demotes the database.
        world.values.put("www", "primary");
        world.values.put("db", "replica");
        running.outageDetected("aws/us-east-1@2");
        env.sleep(Duration.ofMinutes(5));

        assertEquals("standby", world.values.get("www"), "the drifted record was not re-applied: " + world.journal);
        assertEquals("replica", world.values.get("db"), "a step without undo is never applied twice");
        assertEquals(
                1, world.journal.stream().filter("apply promote-db"::equals).count(), world.journal.toString());
        assertTrue(
                !world.journal.contains("plan promote-db")
                        || world.journal.indexOf("plan promote-db") == world.journal.lastIndexOf("plan promote-db"),
                "promote-db was planned again: " + world.journal);
        assertEquals(
                1,
                world.journal.stream().filter("plan check-www"::equals).count(),
                "checks are not re-run: " + world.journal);
        ExecutionProgress p = running.progress();
        assertEquals(Phase.FAILED_OVER, p.phase());
        assertEquals(1, p.reapplied().size(), p.reapplied().toString());
        assertEquals("move-www", p.reapplied().get(0).step());
        assertEquals("aws/us-east-1@2", p.reapplied().get(0).incidentId());
        assertNull(p.reapplied().get(0).error());
        StepStatus moveWww = p.steps().get(0);
        assertEquals(StepState.APPLIED, moveWww.state());
        assertTrue(moveWww.summary().startsWith("re-applied for outage aws/us-east-1@2: "), moveWww.summary());
        assertEquals(List.of("aws/us-east-1@1", "aws/us-east-1@2"), incidentsOf(id));

        // Another outage joins with nothing drifted: nothing is applied again.
        running.outageDetected("aws/us-east-1@3");
        env.sleep(Duration.ofMinutes(5));
        assertEquals(
                1,
                running.progress().reapplied().size(),
                running.progress().reapplied().toString());
        assertEquals(2, world.journal.stream().filter("apply move-www"::equals).count(), world.journal.toString());

        running.outageRecovered("aws/us-east-1@3");
        ExecutionProgress done = result(id);
        assertEquals(Phase.DONE, done.phase());
        assertEquals("primary", world.values.get("www"), "failback restores the state from before the failover");
        assertEquals(1, done.reapplied().size());
        HistoryFiles.save(client, id, "reconcile-after-join");
    }

    @Test
    void aStepThatChangedNothingAtFailoverButDriftedIsReappliedAndUndoneAtFailback() throws Exception {
        world.values.put("www", "standby");
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby")), new Failback(true, "0s", "none", "reverse"), "none");
        String id = "drift-unchanged";
        WorkflowClient.start(
                stub(id)::run, new ExecutionRequest(id, Mode.FAILOVER, rb, "aws/us-east-1@1", "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(StepState.UNCHANGED, running.progress().steps().get(0).state());

        world.values.put("www", "primary");
        running.outageDetected("aws/us-east-1@2");
        env.sleep(Duration.ofMinutes(5));
        assertEquals("standby", world.values.get("www"));
        assertEquals(
                Map.of("exists", true, "value", "primary"),
                running.progress().steps().get(0).replaced());

        running.outageRecovered("aws/us-east-1@2");
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"), "what the re-apply replaced is restored at failback");
    }

    /** The execution's {@code BaranIncidents}: the outages whose recovery finds it. */
    private List<String> incidentsOf(String id) {
        return client.newUntypedWorkflowStub(id)
                .describe()
                .getTypedSearchAttributes()
                .get(SearchAttributes.INCIDENTS);
    }

    /**
     * Starts a failover for incident aws/us-east-1@1 as the dispatcher starts one: by the system, carrying {@code
     * BaranIncidents}.
     */
    private RunbookWorkflow startOutageFailover(String id, Runbook rb) {
        WorkflowOptions options = WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                        .set(SearchAttributes.INCIDENTS, List.of("aws/us-east-1@1"))
                        .build())
                .build();
        WorkflowClient.start(
                client.newWorkflowStub(RunbookWorkflow.class, options)::run,
                new ExecutionRequest(
                        id,
                        Mode.FAILOVER,
                        rb,
                        "aws/us-east-1@1",
                        "aws/us-east-1",
                        0,
                        null,
                        0,
                        0,
                        null,
                        Actor.system("event-1")));
        return client.newWorkflowStub(RunbookWorkflow.class, id);
    }

    /** Waits (at most 10 s of real time) until the world's journal holds {@code entry}. */
    private void awaitJournal(String entry) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!world.journal.contains(entry) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(world.journal.contains(entry), world.journal.toString());
    }

    /** Something a test does while a failback waits in the undo of promote-db. */
    private interface Meanwhile {
        void run(RunbookWorkflow running) throws Exception;
    }

    /** Two steps (move-www, promote-db), failed back in reverse as soon as the outage recovers. */
    private static Runbook twoStepsBackOnRecovery(String triggerApproval) {
        return runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")),
                new Failback(true, "0s", "none", "reverse"),
                triggerApproval);
    }

    /**
     * Lets {@code running} fail back ({@code failBack}), and while its failback undoes promote-db (its first undo),
     * does {@code meanwhile}; then lets the undo end.
     */
    private void duringTheFailback(RunbookWorkflow running, Meanwhile failBack, Meanwhile meanwhile) throws Exception {
        java.util.concurrent.CountDownLatch undoing = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeUndo.put("promote-db", undoing);
        failBack.run(running);
        try {
            awaitJournal("undo promote-db");
            meanwhile.run(running);
        } finally {
            undoing.countDown();
        }
    }

    /** Fails over for aws/us-east-1@1, then the outage recovers and, during the failback, {@code meanwhile}. */
    private RunbookWorkflow failedOverThenDuringTheFailback(String id, String triggerApproval, Meanwhile meanwhile)
            throws Exception {
        RunbookWorkflow running = startOutageFailover(id, twoStepsBackOnRecovery(triggerApproval));
        if ("required".equals(triggerApproval)) {
            env.sleep(Duration.ofMinutes(1));
            approve(id, APPROVER);
        }
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        duringTheFailback(running, r -> r.outageRecovered("aws/us-east-1@1"), meanwhile);
        return running;
    }

    /**
     * The primary fails again while the execution fails back (change failback-turns-round): the failback stops before
     * its next undo and the execution fails over again, then holds until that outage recovers. Before, the failback
     * ended on the primary, in the outage, and no failover started for it.
     */
    @Test
    void anOutageDetectedDuringTheFailbackTurnsItRound() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        // The primary's region fails again while the failback undoes its first step.
        RunbookWorkflow running = failedOverThenDuringTheFailback(id, "none", r -> r.outageDetected("aws/us-east-1@2"));
        env.sleep(Duration.ofMinutes(5));

        ExecutionProgress p = running.progress();
        assertEquals(Phase.FAILED_OVER, p.phase(), journal.phasesOf(id).toString());
        assertEquals("standby", world.values.get("www"));
        assertEquals("primary", world.values.get("db"), "the step the failback undid is applied again");
        assertTrue(
                !world.journal.contains("undo move-www"),
                "the failback stopped before its next undo: " + world.journal);
        assertEquals(
                2, world.journal.stream().filter("apply promote-db"::equals).count(), world.journal.toString());
        assertEquals(
                List.of("failing-over", "failed-over", "failing-back", "failing-over", "failed-over"),
                collapse(journal.phasesOf(id)));
        assertEquals(
                List.of("aws/us-east-1@1", "aws/us-east-1@2"),
                incidentsOf(id),
                "the recovery of the new outage finds the execution");

        // It holds for that outage, then fails back to the state from before the first failover.
        env.sleep(Duration.ofHours(2));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        running.outageRecovered("aws/us-east-1@2");
        ExecutionProgress done = result(id);
        assertEquals(Phase.DONE, done.phase());
        assertNull(done.error());
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        HistoryFiles.save(client, id, "failback-turns-round");
    }

    /** The phases in order, repeats of the same phase in a row (an at-least-once journal) made one. */
    private static List<String> collapse(List<String> phases) {
        List<String> out = new java.util.ArrayList<>();
        for (String phase : phases) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(phase)) {
                out.add(phase);
            }
        }
        return out;
    }

    /**
     * An undo that failed before the turn stays registered: the turn finds the step still in place and changes nothing,
     * and the failback after the next recovery undoes it.
     */
    @Test
    void anUndoThatFailedBeforeTheTurnIsUndoneByTheNextFailback() throws Exception {
        world.undoRefused.put("promote-db", 1);
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failedOverThenDuringTheFailback(id, "none", r -> r.outageDetected("aws/us-east-1@2"));
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("primary", world.values.get("db"), "its undo failed: the promotion is still in place");

        running.outageRecovered("aws/us-east-1@2");
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase(), String.valueOf(p.error()));
        assertEquals("replica", world.values.get("db"), "the undo that failed is undone by the next failback");
        assertEquals("primary", world.values.get("www"));
    }

    /**
     * When the trigger asks for approval to fail over, a turn round does too: the failback ends first (traffic is not
     * left half moved while people decide), then a person approves the failover again.
     */
    @Test
    void aTurnRoundWaitsForApprovalWhenTheTriggerAsksForIt() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running =
                failedOverThenDuringTheFailback(id, "required", r -> r.outageDetected("aws/us-east-1@2"));
        env.sleep(Duration.ofMinutes(5));

        ExecutionProgress waiting = running.progress();
        assertEquals(Phase.AWAITING_APPROVAL, waiting.phase());
        assertNull(waiting.currentStep(), "at its start gate between steps, as POST /approve-incident expects");
        assertTrue(
                waiting.awaiting().startsWith("approval to fail over again: outage aws/us-east-1@2 was detected"),
                waiting.awaiting());
        assertEquals("primary", world.values.get("www"), "the failback ended before the question");
        assertEquals("replica", world.values.get("db"));

        approve(id, APPROVER);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));
        assertEquals("primary", world.values.get("db"));
    }

    /**
     * An outage that joins while people decide on a turn round (change turn-decided-anew) is not dropped with their
     * rejection of the turn for the outage they were asked about: it is asked about on its own, and found by its
     * incident. Before, the execution ended failed back, the joined outage taken and unanswered.
     */
    @Test
    void anOutageThatJoinsWhilePeopleDecideATurnIsDecidedOnItsOwnAfterTheyRejectTheTurn() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running =
                failedOverThenDuringTheFailback(id, "required", r -> r.outageDetected("aws/us-east-1@2"));
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());

        running.joinOutage("aws/us-east-1@3"); // the detector saw the region fail anew meanwhile
        reject(id, APPROVER);
        env.sleep(Duration.ofMinutes(5));

        ExecutionProgress asked = running.progress();
        assertEquals(
                Phase.AWAITING_APPROVAL, asked.phase(), journal.phasesOf(id).toString());
        assertTrue(
                asked.awaiting().startsWith("approval to fail over again: outage aws/us-east-1@3 was detected"),
                asked.awaiting());
        assertTrue(incidentsOf(id).contains("aws/us-east-1@3"), "its recovery finds the execution: " + incidentsOf(id));
        assertEquals("primary", world.values.get("www"), "nothing fails over before people approve");

        approve(id, APPROVER);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));
        HistoryFiles.save(client, id, "turn-decided-anew");
    }

    /**
     * An undo that failed in a failback that ran to its end (the turn round waited for approval) stays registered too
     * (change failback-keeps-failed-undos): the turn finds the step still in place, and the failback after the next
     * recovery undoes it. Before, the failed undo was forgotten at the failback's end and the execution ended done
     * with the promotion still in place.
     */
    @Test
    void anUndoThatFailedInAFailbackThatEndedIsUndoneAfterTheApprovedTurn() throws Exception {
        world.undoRefused.put("promote-db", 1);
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running =
                failedOverThenDuringTheFailback(id, "required", r -> r.outageDetected("aws/us-east-1@2"));
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        assertEquals("primary", world.values.get("www"), "the failback ended before the question");
        assertEquals("primary", world.values.get("db"), "its undo failed: the promotion is still in place");

        approve(id, APPROVER);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered("aws/us-east-1@2");
        ExecutionProgress p = result(id);
        assertEquals("replica", world.values.get("db"), "the undo that failed is undone by the next failback");
        assertEquals("primary", world.values.get("www"));
        assertEquals(Phase.DONE, p.phase(), String.valueOf(p.error()));
        List<String> undos =
                world.journal.stream().filter(e -> e.startsWith("undo ")).toList();
        assertEquals(
                List.of("undo promote-db", "undo move-www", "undo promote-db", "undo move-www"),
                undos,
                "the failback after the turn undoes in the runbook's order, the failed undo in its place");
        HistoryFiles.save(client, id, "failback-keeps-failed-undos");
    }

    /**
     * An explicit failback list's {@code undo:} item whose undo failed stays registered too (change
     * failback-keeps-failed-undos): after the turn round the list's next run undoes it.
     */
    @Test
    void anExplicitListsUndoThatFailedIsUndoneByItsNextRunAfterTheTurn() throws Exception {
        world.undoRefused.put("promote-db", 1);
        Failback failback = new Failback(
                true,
                "0s",
                "none",
                Failback.EXPLICIT,
                List.of(
                        Step.undoOf(set("promote-db", "db", "primary")),
                        Step.undoOf(set("move-www", "www", "standby"))));
        Runbook rb = runbook(
                List.of(set("move-www", "www", "standby"), set("promote-db", "db", "primary")), failback, "none");
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = startOutageFailover(id, rb);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        // The list runs to its end, the outage detected meanwhile turns the execution round after it.
        duringTheFailback(running, r -> r.outageRecovered("aws/us-east-1@1"), r -> r.outageDetected("aws/us-east-1@2"));
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("primary", world.values.get("db"), "its undo failed: the promotion is still in place");
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered("aws/us-east-1@2");
        ExecutionProgress p = result(id);
        assertEquals("replica", world.values.get("db"), "the list's next run undoes what it could not before");
        assertEquals("primary", world.values.get("www"));
        assertEquals(Phase.DONE, p.phase(), String.valueOf(p.error()));
    }

    private static final String NINE_SCOPES = "held by blast-radius guard: 9 scopes down";

    /**
     * The blast-radius guard holds the outage that joins during the failback; the dispatcher said so before it told of
     * the outage, here even before the failback began: a person decides; rejected, the execution ends failed back.
     */
    @Test
    void aTurnRoundForAnOutageTheGuardHoldsEndsFailedBackWhenRejected() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = startOutageFailover(id, twoStepsBackOnRecovery("none"));
        env.sleep(Duration.ofMinutes(5));
        running.guardTripped(new io.baran.workflow.LateHold(NINE_SCOPES, 600, "aws/us-east-1@2"));
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.FAILED_OVER, running.progress().phase(), "a held outage that joins holds no failover");
        duringTheFailback(running, r -> r.outageRecovered("aws/us-east-1@1"), r -> r.outageDetected("aws/us-east-1@2"));
        assertHeldForAPersonThenEndsFailedBackWhenRejected(id, running);
    }

    /** A hold of the guard for this failover itself that comes during the failback holds a turn round too. */
    @Test
    void aTurnRoundTheGuardHoldsEndsFailedBackWhenRejected() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failedOverThenDuringTheFailback(id, "none", r -> {
            r.guardTripped(new io.baran.workflow.LateHold(NINE_SCOPES, 600));
            r.outageDetected("aws/us-east-1@2");
        });
        assertHeldForAPersonThenEndsFailedBackWhenRejected(id, running);
    }

    /** A person approved the turn the guard held: a hold of the guard during the repeat failover does not ask again. */
    @Test
    void aTurnRoundAPersonApprovedIsNotHeldAgainByTheGuard() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failedOverThenDuringTheFailback(id, "none", r -> {
            r.guardTripped(new io.baran.workflow.LateHold(NINE_SCOPES, 600, "aws/us-east-1@2"));
            r.outageDetected("aws/us-east-1@2");
        });
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.HELD, running.progress().phase());
        duringTheMoveOfWww(
                () -> {
                    approve(id, APPROVER);
                    return running;
                },
                r -> r.guardTripped(new io.baran.workflow.LateHold("held by blast-radius guard: 10 scopes down", 600)));
        assertFailedOverUnheld(id, running);
    }

    /**
     * Starts a failover for aws/us-east-1@1 whose second step (promote-db) fails, and while its undo of promote-db (the
     * first) waits, does {@code meanwhile}; then lets the undo end.
     */
    private RunbookWorkflow failingThenDuringTheUndo(String id, String triggerApproval, Meanwhile meanwhile)
            throws Exception {
        world.failing.add("promote-db");
        java.util.concurrent.CountDownLatch undoing = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeUndo.put("promote-db", undoing);
        RunbookWorkflow running = startOutageFailover(id, twoStepsBackOnRecovery(triggerApproval));
        if ("required".equals(triggerApproval)) {
            env.sleep(Duration.ofMinutes(1));
            approve(id, APPROVER);
        }
        try {
            awaitJournal("undo promote-db");
            assertEquals(Phase.COMPENSATING, running.progress().phase());
            meanwhile.run(running);
        } finally {
            undoing.countDown();
        }
        return running;
    }

    /**
     * A region's outage joins while a failed failover is undone (change compensation-turns-round): once the undo is
     * done the execution fails over again for it, as a failover started for that outage would, and holds until both
     * outages recover. Before, it ended compensated and nothing failed the service over for the new outage.
     */
    @Test
    void anOutageDetectedWhileAFailedFailoverIsUndoneFailsItOverAgain() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failingThenDuringTheUndo(id, "none", r -> {
            world.failing.remove("promote-db"); // the provider answers again
            r.outageDetected("aws/us-west-2@5");
            awaitIncidents(id, List.of("aws/us-east-1@1", "aws/us-west-2@5"));
        });
        env.sleep(Duration.ofMinutes(5));

        ExecutionProgress p = running.progress();
        assertEquals(Phase.FAILED_OVER, p.phase(), String.valueOf(p.error()));
        assertNull(p.error(), "this failover has not failed");
        assertEquals("standby", world.values.get("www"));
        assertEquals("primary", world.values.get("db"));
        assertEquals(
                List.of(
                        "plan move-www",
                        "apply move-www",
                        "plan promote-db",
                        "apply promote-db",
                        "undo promote-db",
                        "undo move-www",
                        "plan move-www",
                        "apply move-www",
                        "plan promote-db",
                        "apply promote-db"),
                world.journal,
                "undone to the end, then failed over again");
        assertEquals(
                List.of("failing-over", "compensating", "failing-over", "failed-over"), collapse(journal.phasesOf(id)));
        assertTrue(p.turnedRound(), "reported as turned round");

        // Both outages answered: the first recovery alone does not fail it back.
        running.outageRecovered("aws/us-east-1@1");
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        running.outageRecovered("aws/us-west-2@5");
        ExecutionProgress done = result(id);
        assertEquals(Phase.DONE, done.phase(), String.valueOf(done.error()));
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        HistoryFiles.save(client, id, "compensation-turns-round");
    }

    /** {@code BaranIncidents} of the execution reaches {@code expected} (recorded by the workflow; at most 10 s). */
    private void awaitIncidents(String id, List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!expected.equals(incidentsOf(id)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, incidentsOf(id), "a recovery finds it by the outage that joined during the undo");
    }

    /**
     * The execution ended compensated for the failure of promote-db, move-www applied once (nothing failed over again)
     * and undone; its error ends with {@code errorEnd} (null: not checked).
     */
    private void assertUndoneOnceFor(ExecutionProgress p, String errorEnd) {
        assertEquals(Phase.COMPENSATED, p.phase());
        assertTrue(p.error().contains("the world refuses promote-db"), p.error());
        if (errorEnd != null) {
            assertTrue(p.error().endsWith(errorEnd), p.error());
        }
        assertEquals("primary", world.values.get("www"));
        assertEquals(1, world.journal.stream().filter("apply move-www"::equals).count(), world.journal.toString());
    }

    /** An abort ended the execution (the workflow is cancelled); what it reports. */
    private ExecutionProgress aborted(String id, RunbookWorkflow running) {
        var failure = assertThrows(WorkflowFailedException.class, () -> result(id));
        assertTrue(failure.getCause() instanceof CanceledFailure, failure.toString());
        return running.progress();
    }

    /** An outage known when the failover failed is answered by that failure: the undo ends it, compensated. */
    @Test
    void anOutageThatJoinedBeforeTheFailureDoesNotFailItOverAgain() throws Exception {
        world.failing.add("promote-db");
        java.util.concurrent.CountDownLatch answering = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeAnswer.put("promote-db", answering);
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = startOutageFailover(id, twoStepsBackOnRecovery("none"));
        try {
            awaitJournal("apply promote-db");
            running.outageDetected("aws/us-west-2@5");
            env.sleep(Duration.ofSeconds(1));
        } finally {
            answering.countDown();
        }
        assertUndoneOnceFor(result(id), null);
    }

    /**
     * When the trigger asks for approval, failing over again after the undo does too; rejected, the execution ends
     * compensated, its error naming the failure and the outage it did not fail over for.
     */
    @Test
    void failingOverAgainAfterTheUndoWaitsForApprovalWhenTheTriggerAsksForIt() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failingThenDuringTheUndo(id, "required", r -> r.outageDetected("aws/us-west-2@5"));
        env.sleep(Duration.ofMinutes(5));

        ExecutionProgress waiting = running.progress();
        assertEquals(Phase.AWAITING_APPROVAL, waiting.phase());
        assertEquals(
                "approval to fail over again: outage aws/us-west-2@5 was detected while its failed failover was undone",
                waiting.awaiting());
        assertNull(waiting.currentStep(), "at its start gate between steps, as POST /approve-incident expects");
        assertEquals("primary", world.values.get("www"), "undone before the question");
        assertEquals(List.of("aws/us-east-1@1", "aws/us-west-2@5"), incidentsOf(id));

        reject(id, APPROVER);
        assertUndoneOnceFor(result(id), "it does not fail over again for outage aws/us-west-2@5 (rejected)");
        HistoryFiles.save(client, id, "compensation-turn-rejected");
    }

    /** The outage that joined during the undo recovers before anyone decided: the question is withdrawn. */
    @Test
    void theQuestionAfterTheUndoIsWithdrawnWhenItsOutageRecovers() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failingThenDuringTheUndo(id, "required", r -> r.outageDetected("aws/us-west-2@5"));
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());

        running.outageRecovered("aws/us-west-2@5");
        ExecutionProgress p = result(id);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertTrue(p.error().endsWith("(the outage recovered)"), p.error());
        assertEquals("primary", world.values.get("www"));
    }

    /**
     * An abort undoes what the execution changed and never fails it over again: an outage detected while it is undone
     * is named in its error, so a person can start a failover for it.
     */
    @Test
    void anAbortIsNotTurnedRoundByAnOutageDetectedWhileItIsUndone() throws Exception {
        java.util.concurrent.CountDownLatch undoing = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeUndo.put("promote-db", undoing);
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = startOutageFailover(id, twoStepsBackOnRecovery("none"));
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        try {
            WorkflowStub.fromTyped(running).cancel();
            awaitJournal("undo promote-db");
            running.outageDetected("aws/us-west-2@5");
            env.sleep(Duration.ofSeconds(1));
        } finally {
            undoing.countDown();
        }
        ExecutionProgress p = aborted(id, running);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertTrue(p.error().startsWith("aborted; outage aws/us-west-2@5 was detected while it was undone"), p.error());
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        assertEquals(1, world.journal.stream().filter("apply move-www"::equals).count(), world.journal.toString());
        HistoryFiles.save(client, id, "abort-not-turned-round");
    }

    /**
     * An undo that failed during the compensation stays registered: failing over again finds the step still in place
     * and changes nothing, and the failback after the recoveries undoes it.
     */
    @Test
    void anUndoThatFailedBeforeFailingOverAgainIsUndoneByTheFailback() throws Exception {
        world.undoRefused.put("move-www", 1);
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failingThenDuringTheUndo(id, "none", r -> {
            world.failing.remove("promote-db");
            r.outageDetected("aws/us-west-2@5");
        });
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"), "its undo failed: still in place");

        running.outageRecovered("aws/us-east-1@1");
        running.outageRecovered("aws/us-west-2@5");
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase(), String.valueOf(p.error()));
        assertEquals("primary", world.values.get("www"), "the undo that failed is undone by the failback");
        assertEquals("replica", world.values.get("db"));
    }

    /**
     * A hold of the blast-radius guard that came while the failed step ran, and that nobody decided, is weighed when
     * the execution would fail over again: it waits at gate held with the guard's reason.
     */
    @Test
    void anUndecidedHoldOfTheFailedFailoverHoldsFailingOverAgain() throws Exception {
        world.failing.add("promote-db");
        java.util.concurrent.CountDownLatch answering = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch undoing = new java.util.concurrent.CountDownLatch(1);
        world.waitingBeforeAnswer.put("promote-db", answering);
        world.waitingBeforeUndo.put("promote-db", undoing);
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = startOutageFailover(id, twoStepsBackOnRecovery("none"));
        try {
            awaitJournal("apply promote-db");
            running.guardTripped(new io.baran.workflow.LateHold(NINE_SCOPES, 600));
            answering.countDown();
            awaitJournal("undo promote-db");
            world.failing.remove("promote-db");
            running.outageDetected("aws/us-west-2@5");
            awaitIncidents(id, List.of("aws/us-east-1@1", "aws/us-west-2@5"));
        } finally {
            answering.countDown();
            undoing.countDown();
        }
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress held = running.progress();
        assertEquals(Phase.HELD, held.phase());
        assertTrue(held.awaiting().endsWith(NINE_SCOPES), held.awaiting());
        assertEquals("primary", world.values.get("www"), "nothing failed over again before the decision");

        approve(id, APPROVER);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));
        assertEquals("primary", world.values.get("db"));
    }

    /** An abort while the failed failover is undone: it never fails over again, and its error names the outage. */
    @Test
    void anAbortDuringTheUndoOfAFailedFailoverNamesTheOutageAndFailsNothingOverAgain() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failingThenDuringTheUndo(id, "none", r -> {
            world.failing.remove("promote-db");
            r.outageDetected("aws/us-west-2@5");
            awaitIncidents(id, List.of("aws/us-east-1@1", "aws/us-west-2@5"));
            WorkflowStub.fromTyped(r).cancel();
        });
        ExecutionProgress p = aborted(id, running);
        assertUndoneOnceFor(p, "; aborted before it failed over again for outage aws/us-west-2@5");
    }

    /** An abort while people decide whether it fails over again after the undo: it ends, the failure still named. */
    @Test
    void anAbortWhileTheTurnAfterTheUndoWaitsForApprovalEndsIt() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = failingThenDuringTheUndo(id, "required", r -> r.outageDetected("aws/us-west-2@5"));
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());

        WorkflowStub.fromTyped(running).cancel();
        ExecutionProgress p = aborted(id, running);
        assertUndoneOnceFor(p, "; aborted before it failed over again for outage aws/us-west-2@5");
        assertNull(p.awaiting());
    }

    /** Failing over again fails too: it is undone once more and ends; only a newer outage would try again. */
    @Test
    void failingOverAgainThatFailsTooEndsCompensated() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        failingThenDuringTheUndo(id, "none", r -> r.outageDetected("aws/us-west-2@5"));
        ExecutionProgress p = result(id);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertTrue(p.error().contains("the world refuses promote-db"), p.error());
        assertEquals(
                2, world.journal.stream().filter("apply promote-db"::equals).count(), world.journal.toString());
        assertEquals("primary", world.values.get("www"));
        assertEquals(
                List.of("failing-over", "compensating", "failing-over", "compensating", "compensated"),
                collapse(journal.phasesOf(id)));
    }

    private void assertHeldForAPersonThenEndsFailedBackWhenRejected(String id, RunbookWorkflow running)
            throws Exception {
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress held = running.progress();
        assertEquals(Phase.HELD, held.phase());
        assertTrue(held.awaiting().endsWith(NINE_SCOPES), held.awaiting());
        assertNull(held.currentStep(), "held between steps, as POST /approve-incident expects");
        assertEquals(
                List.of("aws/us-east-1@1", "aws/us-east-1@2"),
                incidentsOf(id),
                "POST /approve-incident finds it by the new outage");
        assertEquals("primary", world.values.get("www"));

        reject(id, APPROVER);
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
        assertEquals(
                1, world.journal.stream().filter("apply promote-db"::equals).count(), world.journal.toString());
    }

    /**
     * The guard's hold of an outage that joins an automatic failover still under way does not hold that failover (its
     * own outage is still down): only a turn round for that outage would wait for a person.
     */
    @Test
    void aHeldOutageThatJoinsAFailoverUnderWayDoesNotHoldIt() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running =
                duringTheMoveOfWww(() -> startOutageFailover(id, twoStepsBackOnRecovery("none")), r -> {
                    r.guardTripped(new io.baran.workflow.LateHold(NINE_SCOPES, 600, "aws/us-east-1@2"));
                    r.outageDetected("aws/us-east-1@2");
                });
        assertFailedOverUnheld(id, running);
    }

    /** Does {@code begin}, and {@code meanwhile} once move-www's apply made its change and before it returns. */
    private RunbookWorkflow duringTheMoveOfWww(
            java.util.concurrent.Callable<RunbookWorkflow> begin, Meanwhile meanwhile) throws Exception {
        java.util.concurrent.CountDownLatch applying = new java.util.concurrent.CountDownLatch(1);
        world.holdingAfterTheChange.put("move-www", applying);
        RunbookWorkflow running = begin.call();
        try {
            awaitWwwOnStandby();
            meanwhile.run(running);
        } finally {
            applying.countDown();
        }
        return running;
    }

    /** The failover went on to its end, held by nobody. */
    private void assertFailedOverUnheld(String id, RunbookWorkflow running) {
        env.sleep(Duration.ofMinutes(5));
        assertEquals(
                Phase.FAILED_OVER,
                running.progress().phase(),
                journal.phasesOf(id).toString());
        assertEquals("primary", world.values.get("db"));
    }

    /** A failback a person asked for while the outage went on is not turned round by that same outage's redelivery. */
    @Test
    void aFailbackIntoAKnownOutageIsNotTurnedRound() throws Exception {
        String id = RunbookWorkflow.idForIncident("shop", "aws/us-east-1@1");
        RunbookWorkflow running = startOutageFailover(id, twoStepsBackOnRecovery("none"));
        env.sleep(Duration.ofMinutes(5));
        duringTheFailback(
                running,
                r -> decisions.failback(id, new FailbackRequest(OPERATOR, "forced back", null)),
                r -> r.outageDetected("aws/us-east-1@1"));
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals(
                1, world.journal.stream().filter("apply promote-db"::equals).count(), world.journal.toString());
    }

    /**
     * A real outage detected while a drill fails back turns it round too, and from then on it is a live failover: it
     * holds until that outage recovers, and a person may ask it to fail back (a drill refuses that), also after it
     * continued as new.
     */
    @Test
    void aDrillThatTurnsRoundIsALiveFailoverSince() throws Exception {
        drillTurnsRoundThenFailsBackWhenAsked(false);
    }

    @Test
    void aDrillThatTurnsRoundIsALiveFailoverSinceEvenAfterContinuingAsNew() throws Exception {
        drillTurnsRoundThenFailsBackWhenAsked(true);
    }

    /**
     * A drill whose turn round asks for approval (its trigger does) is live at the question already: the person who
     * started the drill cannot approve failing over for the real outage; another approver must.
     */
    @Test
    void theStarterOfADrillCannotApproveItsTurnRoundAlone() throws Exception {
        String id = "drill-turn-approved";
        RunbookWorkflow running = drillAtItsTurnRoundsQuestion(id);

        DecisionRefused refused = assertThrows(DecisionRefused.class, () -> approve(id, APPROVER));
        assertTrue(refused.getMessage().contains("two-person rule"), refused.getMessage());
        approve(id, Actor.person("bo", List.of("approvers")));
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("primary", world.values.get("db"));
    }

    /**
     * Once the failback has ended and the turn round waits for a person's approval, the execution is no longer failing
     * back: the Update {@code abort} is taken there (it is refused only while the failback runs), and the execution
     * ends without failing over again.
     */
    @Test
    void anAbortAtTheTurnRoundsApprovalAfterTheFailbackIsTaken() throws Exception {
        String id = "drill-turn-aborted";
        RunbookWorkflow running = drillAtItsTurnRoundsQuestion(id);

        decisions.abort(
                id,
                new io.baran.workflow.AbortRequest(
                        Actor.person("fiona", List.of("failover-operator", "ops")), "not this one", null));

        ExecutionProgress p = WorkflowStub.fromTyped(running).getResult(30, TimeUnit.SECONDS, ExecutionProgress.class);
        assertEquals("fiona", p.abortedBy().name());
        assertNotEquals(Phase.FAILED_OVER, p.phase());
        assertEquals("primary", world.values.get("www"), "not failed over again");
        assertEquals("replica", world.values.get("db"));
    }

    /**
     * A drill (started by {@link #APPROVER}) whose trigger requires approval, turned round by an outage detected during
     * its failback: once the failback has ended it asks whether to fail over again.
     */
    private RunbookWorkflow drillAtItsTurnRoundsQuestion(String id) throws Exception {
        WorkflowClient.start(
                stub(id)::run,
                new ExecutionRequest(
                        id, Mode.DRILL, twoStepsBackOnRecovery("required"), null, null, 1, null, 0, 0, null, APPROVER));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        duringTheFailback(running, r -> {}, r -> r.outageDetected("aws/us-east-1@2"));
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        return running;
    }

    private void drillTurnsRoundThenFailsBackWhenAsked(boolean continueAsNew) throws Exception {
        String id = "drill-turned-round";
        var first = WorkflowClient.start(
                stub(id)::run, new ExecutionRequest(id, Mode.DRILL, twoStepsBackOnRecovery("none"), null, null, 1));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        // The drill's 1 s hold ends by itself.
        duringTheFailback(running, r -> {}, r -> r.outageDetected("aws/us-east-1@2"));
        env.sleep(continueAsNew ? Duration.ofDays(2) : Duration.ofHours(2));
        assertEquals(Phase.FAILED_OVER, running.progress().phase(), "it holds for the outage, not for the drill's 1 s");
        assertEquals("standby", world.values.get("www"));
        assertEquals("primary", world.values.get("db"));
        String runId =
                client.newUntypedWorkflowStub(id).describe().getExecution().getRunId();
        assertEquals(continueAsNew, !first.getRunId().equals(runId), "continued as new while it held: " + runId);

        decisions.failback(id, new FailbackRequest(OPERATOR, "the primary is back", null));
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals("replica", world.values.get("db"));
    }
}
