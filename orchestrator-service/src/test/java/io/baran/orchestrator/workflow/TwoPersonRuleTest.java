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
import io.baran.workflow.Decision;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.DecisionResult;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.FailbackResult;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.StepState;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.Verdict;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decisions reach the interpreter as Updates carrying the verified person; the workflow itself enforces who may
 * decide, so a client that talks to Temporal directly gets no further than the REST API.
 */
@Timeout(180)
class TwoPersonRuleTest {

    private static final Actor SAM = Actor.person("sam", List.of("ops", "approvers"));
    private static final Actor ANA = Actor.person("ana", List.of("approvers"));
    private static final Actor BOB = Actor.person("bob", List.of("approvers"));
    private static final Actor EVE = Actor.person("eve", List.of("viewers", "ops"));
    private static final Actor ROOT = Actor.person("rae", List.of("ops", "admin"));

    private TestWorkflowEnvironment env;
    private WorkflowClient client;
    private InMemoryWorld world;
    private ExecutionDecisions decisions;

    @BeforeEach
    void start() {
        world = new InMemoryWorld();
        world.values.put("www", "primary");
        world.values.put("db", "replica");
        env = TestWorkers.start(TestEnvironmentOptions.getDefaultInstance(), world, new RecordingJournal());
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

    private static Access access(int approvals) {
        return new Access(List.of("ops"), List.of("ops"), List.of("approvers"), approvals);
    }

    private static Runbook gatedFailover(int approvals, String failbackApproval) {
        return RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby")),
                new Failback(true, "0s", failbackApproval, "reverse"),
                "required",
                access(approvals));
    }

    /** Starts an execution as {@code by} and lets it reach its first wait. */
    private RunbookWorkflow start(String id, Mode mode, Runbook runbook, Actor by) {
        RunbookWorkflow stub = client.newWorkflowStub(
                RunbookWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(id)
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
                        .build());
        WorkflowClient.start(
                stub::run,
                new ExecutionRequest(
                        id, mode, runbook, mode == Mode.FAILOVER ? "i" : null, null, 60, null, 0, 1, null, by));
        env.sleep(Duration.ofMinutes(1));
        return client.newWorkflowStub(RunbookWorkflow.class, id);
    }

    private DecisionResult approve(String id, Actor by) {
        return decisions.decide(id, new DecisionRequest(Verdict.APPROVE, null, by, null, null));
    }

    private RunbookWorkflow running(String id) {
        return client.newWorkflowStub(RunbookWorkflow.class, id);
    }

    private String refusal(Runnable call) {
        return assertThrows(DecisionRefused.class, call::run).getMessage();
    }

    private ExecutionProgress result(String id) throws Exception {
        return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                .getResult(30, TimeUnit.SECONDS, ExecutionProgress.class);
    }

    @Test
    void theOperatorWhoStartedALiveFailoverCannotApproveItByUpdateNorByTheRawSignal() throws Exception {
        RunbookWorkflow running = start("own", Mode.FAILOVER, gatedFailover(1, "none"), SAM);
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());

        String why = refusal(() -> approve("own", SAM));
        assertTrue(why.contains("two-person rule: sam started this failover and cannot approve it"), why);

        // A client talking to Temporal directly: the identity-less signals change nothing any more.
        running.approve("sam");
        running.failback("sam");
        env.sleep(Duration.ofHours(2));
        ExecutionProgress waiting = running.progress();
        assertEquals(Phase.AWAITING_APPROVAL, waiting.phase());
        assertEquals(SAM, waiting.startedBy());
        assertEquals(List.of(), waiting.decisions());
        assertEquals(1, waiting.approvalsNeeded());
        assertTrue(world.journal.isEmpty(), world.journal.toString());
        assertEquals("primary", world.values.get("www"));

        // Rejecting is the safe direction: the starter may.
        DecisionResult rejected =
                decisions.decide("own", new DecisionRequest(Verdict.REJECT, null, SAM, "false alarm", null));
        assertEquals(DecisionResult.Outcome.REJECTED, rejected.outcome());
        assertEquals(Phase.REJECTED, result("own").phase());
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void withTwoApprovalsOneApproverIsNotEnoughTheSameOneTwiceIsRefusedAndTwoDistinctOnesStartIt() throws Exception {
        RunbookWorkflow running = start("two", Mode.FAILOVER, gatedFailover(2, "none"), SAM);

        DecisionResult first = approve("two", ANA);
        assertEquals(DecisionResult.Outcome.PENDING, first.outcome());
        assertEquals(1, first.approvals());
        assertEquals(2, first.approvalsNeeded());
        env.sleep(Duration.ofMinutes(10));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        assertEquals(1, running.progress().approvalsNeeded());
        assertTrue(world.journal.isEmpty(), world.journal.toString());

        String why = refusal(() -> approve("two", ANA));
        assertTrue(why.contains("ana already approved approval to start the failover; it needs 1 more"), why);

        DecisionResult second = approve("two", BOB);
        assertEquals(DecisionResult.Outcome.APPROVED, second.outcome());
        assertEquals(List.of("ana", "bob"), second.approvedBy());
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress p = running.progress();
        assertEquals(Phase.FAILED_OVER, p.phase());
        assertEquals("standby", world.values.get("www"));
        assertEquals(
                List.of("ana", "bob"), p.decisions().stream().map(Decision::by).toList());
        assertEquals(0, p.approvalsNeeded());
    }

    /** A request sent again gets its first answer, but another person's request id neither reads nor repeats it. */
    @Test
    void aRequestIdAnswersAgainOnlyForThePersonWhoSentIt() throws Exception {
        start("ids", Mode.FAILOVER, gatedFailover(2, "none"), SAM);
        DecisionResult first = decisions.decide("ids", new DecisionRequest(Verdict.APPROVE, null, ANA, null, "r-1"));
        assertEquals(1, first.approvals());

        assertEquals(
                first,
                decisions.decide("ids", new DecisionRequest(Verdict.APPROVE, null, ANA, null, "r-1")),
                "ana's retry gets her first answer");
        String why =
                refusal(() -> decisions.decide("ids", new DecisionRequest(Verdict.APPROVE, null, BOB, null, "r-1")));
        assertTrue(why.contains("request id r-1 was used for another person's decision"), why);
        assertEquals(1, running("ids").progress().decisions().size(), "bob's reuse recorded nothing");

        DecisionResult bob = decisions.decide("ids", new DecisionRequest(Verdict.APPROVE, null, BOB, null, "r-2"));
        assertEquals(DecisionResult.Outcome.APPROVED, bob.outcome());
    }

    @Test
    void someoneOutsideTheApproveGroupsIsRefusedAndSoIsTheSystem() {
        RunbookWorkflow running = start("outsider", Mode.FAILOVER, gatedFailover(1, "none"), SAM);

        String why = refusal(() -> approve("outsider", EVE));
        assertTrue(
                why.contains(
                        "eve may not decide on executions of runbook shop: only members of its access.approve groups"
                                + " [approvers] or admin may"),
                why);
        String rejecting =
                refusal(() -> decisions.decide("outsider", new DecisionRequest(Verdict.REJECT, null, EVE, null, null)));
        assertTrue(rejecting.contains("eve may not decide"), rejecting);
        String system = refusal(() -> approve("outsider", Actor.system("event-1")));
        assertTrue(system.contains("only a person may decide"), system);

        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        assertEquals(List.of(), running.progress().decisions());
    }

    @Test
    void anAdminMayBreakGlassAndApproveTheirOwnFailoverAloneWithAReasonButNotWithout() {
        RunbookWorkflow running = start("glass", Mode.FAILOVER, gatedFailover(2, "none"), ROOT);

        String why = refusal(() -> approve("glass", ROOT));
        assertTrue(why.contains("two-person rule: rae started this failover"), why);
        assertTrue(why.contains("may approve alone (break-glass) only with a reason"), why);
        String blank =
                refusal(() -> decisions.decide("glass", new DecisionRequest(Verdict.APPROVE, null, ROOT, "  ", null)));
        assertTrue(blank.contains("only with a reason"), blank);

        DecisionResult result = decisions.decide(
                "glass",
                new DecisionRequest(Verdict.APPROVE, null, ROOT, "us-east-1 is down and no approver answers", "req-1"));
        assertEquals(DecisionResult.Outcome.APPROVED, result.outcome());
        assertTrue(result.breakGlass());
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress p = running.progress();
        assertEquals(Phase.FAILED_OVER, p.phase());
        assertEquals(1, p.decisions().size());
        Decision taken = p.decisions().get(0);
        assertTrue(taken.breakGlass());
        assertEquals("rae", taken.by());
        assertEquals("us-east-1 is down and no approver answers", taken.reason());
        assertEquals(Verdict.APPROVE, taken.verdict());

        // The same request sent again (a retry) answers the same and records nothing twice.
        assertEquals(
                result,
                decisions.decide(
                        "glass",
                        new DecisionRequest(
                                Verdict.APPROVE, null, ROOT, "us-east-1 is down and no approver answers", "req-1")));
        assertEquals(1, running.progress().decisions().size());
    }

    @Test
    void aFailbackRequestNeverApprovesAPendingStartApproval() {
        RunbookWorkflow running = start("fb-start", Mode.FAILOVER, gatedFailover(1, "none"), SAM);

        String why = refusal(() -> decisions.failback("fb-start", new FailbackRequest(SAM, null, null)));
        assertTrue(
                why.contains("waits for approval to start the failover; a failback request is not an approval: approve"
                        + " or reject it, or abort the execution"),
                why);
        env.sleep(Duration.ofHours(1));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        assertTrue(world.journal.isEmpty(), world.journal.toString());
    }

    @Test
    void aFailbackRequestNeverApprovesAnApprovalStepWithoutTimeout() {
        Step gate = Step.action("go-ahead", "approval", Map.of());
        Runbook rb = RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby"), gate, set("promote-db", "db", "primary")),
                new Failback(true, "0s", "none", "reverse"),
                "none",
                access(1));
        RunbookWorkflow running = start("fb-step", Mode.FAILOVER, rb, SAM);
        assertEquals("approval of step go-ahead", running.progress().awaiting());

        String why = refusal(() -> decisions.failback("fb-step", new FailbackRequest(SAM, null, null)));
        assertTrue(why.contains("waits for approval of step go-ahead; a failback request is not an approval"), why);
        env.sleep(Duration.ofHours(1));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        assertFalse(world.journal.contains("plan promote-db"), world.journal.toString());
    }

    @Test
    void aFailbackRequestNeverLetsAHeldStepGoOn() {
        world.failing.add("promote-db");
        Step held =
                new Step("promote-db", "dns.switch", Map.of("record", "db", "to", "primary"), List.of(), null, "hold");
        Runbook rb = RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby"), held, set("after", "z", "z")),
                new Failback(true, "0s", "none", "reverse"),
                "none",
                access(1));
        RunbookWorkflow running = start("fb-held", Mode.FAILOVER, rb, SAM);
        assertEquals(Phase.HELD, running.progress().phase());

        String why = refusal(() -> decisions.failback("fb-held", new FailbackRequest(SAM, null, null)));
        assertTrue(why.contains("a failback request is not an approval"), why);
        env.sleep(Duration.ofHours(1));
        assertEquals(Phase.HELD, running.progress().phase());
        assertFalse(world.journal.contains("plan after"), world.journal.toString());
        assertEquals("standby", world.values.get("www"));
    }

    @Test
    void aFailbackRequestFailsBackAFailedOverExecutionAndOnlyOperatorsMayAskForIt() throws Exception {
        Runbook rb = RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby")),
                new Failback(true, "10m", "none", "reverse"),
                "none",
                access(1));
        RunbookWorkflow running = start("fb-ok", Mode.FAILOVER, rb, Actor.system("event-7"));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals(Actor.system("event-7"), running.progress().startedBy());

        String why = refusal(() -> decisions.failback("fb-ok", new FailbackRequest(ANA, null, null)));
        assertTrue(
                why.contains("ana may not ask executions of runbook shop to fail back: only members of its"
                        + " access.failover groups [ops] or admin may"),
                why);

        FailbackResult asked = decisions.failback("fb-ok", new FailbackRequest(SAM, "primary healthy", null));
        assertEquals(FailbackResult.Next.FAILING_BACK, asked.next());
        ExecutionProgress p = result("fb-ok");
        assertEquals(Phase.DONE, p.phase());
        assertEquals("sam", p.failbackRequestedBy());
        assertEquals("primary", world.values.get("www"));
        assertThrows(
                ExecutionNotFound.class,
                () -> decisions.failback("fb-ok", new FailbackRequest(SAM, null, null)),
                "a finished execution takes no more decisions");
    }

    @Test
    void aDrillsApprovalStepMayBeApprovedByTheDrillsStarter() throws Exception {
        Actor dan = Actor.person("dan", List.of("approvers"));
        Step gate = Step.action("go-ahead", "approval", Map.of());
        Runbook rb = RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby"), gate), Failback.DEFAULT, "none", access(2));
        start("drill-gate", Mode.DRILL, rb, dan);

        DecisionResult approved =
                decisions.decide("drill-gate", new DecisionRequest(Verdict.APPROVE, "go-ahead", dan, null, null));
        assertEquals(DecisionResult.Outcome.APPROVED, approved.outcome());
        assertEquals(1, approved.approvalsNeeded());
        ExecutionProgress p = result("drill-gate");
        assertEquals(Phase.DONE, p.phase());
        assertEquals(StepState.APPROVED, p.steps().get(1).state());
    }

    @Test
    void aDecisionForAnotherStepIsRefused() {
        Step gate = Step.action("go-ahead", "approval", Map.of());
        Runbook rb = RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby"), gate), Failback.DEFAULT, "none", access(1));
        RunbookWorkflow running = start("wrong-step", Mode.DRILL, rb, SAM);

        String why = refusal(() ->
                decisions.decide("wrong-step", new DecisionRequest(Verdict.APPROVE, "move-www", ANA, null, null)));
        assertTrue(
                why.contains("is not waiting for a decision on step move-www; it waits for approval of step go-ahead"),
                why);
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
    }

    @Test
    void anUnknownExecutionIsNotFound() {
        assertThrows(ExecutionNotFound.class, () -> approve("no-such-execution", ANA));
    }

    @Test
    void aLiveFailoverApprovedByTwoPeopleFailsBackOnRequestOnceTwoOthersApproveTheFailback() throws Exception {
        RunbookWorkflow running = start("two-person", Mode.FAILOVER, gatedFailover(2, "required"), SAM);
        approve("two-person", ANA);
        approve("two-person", BOB);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.FAILED_OVER, running.progress().phase());
        assertEquals("standby", world.values.get("www"));

        FailbackResult asked =
                decisions.failback("two-person", new FailbackRequest(SAM, "the primary is back", "fb-1"));
        assertEquals(FailbackResult.Next.AWAITING_APPROVAL, asked.next());
        assertEquals(2, asked.approvalsNeeded());
        env.sleep(Duration.ofMinutes(5));
        assertEquals(Phase.AWAITING_FAILBACK_APPROVAL, running.progress().phase());
        assertEquals("standby", world.values.get("www"));
        String why = refusal(() -> approve("two-person", SAM));
        assertTrue(why.contains("two-person rule: sam"), why);

        approve("two-person", ANA);
        assertEquals(DecisionResult.Outcome.APPROVED, approve("two-person", BOB).outcome());
        ExecutionProgress p = result("two-person");
        assertEquals(Phase.DONE, p.phase());
        assertEquals("primary", world.values.get("www"));
        assertEquals(4, p.decisions().size());
        HistoryFiles.save(client, "two-person", "two-approvers-then-failback");
    }
}
