package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.Failback;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.StepState;
import io.baran.workflow.StepStatus;
import io.baran.workflow.Verdict;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
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
import org.junit.jupiter.api.Timeout;

/** Approval steps of a failover: in a parallel group, and the phase once one is decided. */
@Timeout(180)
class ApprovalStepsTest {

    private TestWorkflowEnvironment env;
    private WorkflowClient client;
    private InMemoryWorld world;
    private ExecutionDecisions decisions;
    private RecordingJournal journal;

    @BeforeEach
    void start() {
        world = new InMemoryWorld();
        world.values.put("www", "primary");
        world.values.put("db", "replica");
        journal = new RecordingJournal();
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

    private static Runbook runbook(List<Step> failover) {
        return RunbookWorkflowTest.runbook(failover, Failback.DEFAULT, "none", RunbookWorkflowTest.ACCESS);
    }

    private RunbookWorkflow startDrill(String id, Runbook rb) {
        WorkflowClient.start(
                TestWorkers.stub(client, id)::run, new ExecutionRequest(id, Mode.DRILL, rb, null, null, 3600));
        return client.newWorkflowStub(RunbookWorkflow.class, id);
    }

    private void decide(String id, Verdict verdict, String step) {
        decisions.decide(id, new DecisionRequest(verdict, step, RunbookWorkflowTest.APPROVER, null, null));
    }

    private ExecutionProgress result(String id) {
        try {
            return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                    .getResult(60, TimeUnit.SECONDS, ExecutionProgress.class);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("execution " + id + " did not end", e);
        }
    }

    private static Map<String, StepStatus> steps(ExecutionProgress p) {
        return p.steps().stream().collect(Collectors.toMap(StepStatus::name, s -> s));
    }

    /** move-www, then a group of two approval steps (an hour each), then promote-db. */
    private static Runbook twoApprovalsInAGroup() {
        Step both = new Step(
                null,
                null,
                Map.of(),
                List.of(
                        Step.action("go-a", "approval", Map.of("timeout", "1h")),
                        Step.action("go-b", "approval", Map.of("timeout", "1h"))),
                null,
                null);
        return runbook(List.of(set("move-www", "www", "standby"), both, set("promote-db", "db", "primary")));
    }

    @Test
    void rejectingOneApprovalStepOfAParallelGroupEndsTheGroupAndUndoesWhatWasChanged() {
        RunbookWorkflow running = startDrill("one-rejected", twoApprovalsInAGroup());
        env.sleep(Duration.ofMinutes(1));
        assertEquals(
                "approval of step go-a, approval of step go-b",
                running.progress().awaiting());

        decide("one-rejected", Verdict.REJECT, "go-a");
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress p = running.progress();
        assertNull(p.awaiting(), "the sibling's question is withdrawn: " + p.awaiting());
        // Refused by the execution, or it has compensated and ended already: go-b's approval moves nothing.
        RuntimeException refused =
                assertThrows(RuntimeException.class, () -> decide("one-rejected", Verdict.APPROVE, "go-b"));
        assertTrue(refused instanceof DecisionRefused || refused instanceof ExecutionNotFound, refused.toString());

        ExecutionProgress done = result("one-rejected");
        assertEquals(Phase.COMPENSATED, done.phase());
        assertEquals("rejected", steps(done).get("go-a").error());
        assertEquals(StepState.FAILED, steps(done).get("go-b").state());
        assertEquals(
                "not decided: step go-a of its parallel group failed",
                steps(done).get("go-b").error());
        assertEquals("primary", world.values.get("www"));
        assertTrue(!world.journal.contains("plan promote-db"), world.journal.toString());
        HistoryFiles.save(client, "one-rejected", "parallel-group-ends-on-failure");
    }

    @Test
    void afterAnApprovalStepIsApprovedTheExecutionReadsFailingOverAgainEverywhere() {
        Runbook rb = runbook(List.of(
                set("move-www", "www", "standby"),
                Step.action("go-ahead", "approval", Map.of("timeout", "1h")),
                Step.action("settle", "wait", Map.of("for", "30m")),
                set("promote-db", "db", "primary")));
        RunbookWorkflow running = startDrill("approved-step", rb);
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());

        decide("approved-step", Verdict.APPROVE, null);
        env.sleep(Duration.ofMinutes(5));
        ExecutionProgress settling = running.progress();
        assertEquals("settle", settling.currentStep(), "it waits in the step after the approval");
        assertEquals(Phase.FAILING_OVER, settling.phase());
        assertEquals(
                Phase.FAILING_OVER,
                settling.phases().get(settling.phases().size() - 1).phase(),
                settling.phases().toString());
        assertEquals(
                Phase.FAILING_OVER.value(),
                client.newUntypedWorkflowStub("approved-step")
                        .describe()
                        .getTypedSearchAttributes()
                        .get(io.baran.workflow.SearchAttributes.PHASE),
                "what execution lists read");
        List<String> reported = journal.phasesOf("approved-step");
        assertEquals(List.of("failing-over", "awaiting-approval", "failing-over"), reported);

        assertEquals(Phase.DONE, result("approved-step").phase());
        HistoryFiles.save(client, "approved-step", "approval-step-phase");
    }
}
