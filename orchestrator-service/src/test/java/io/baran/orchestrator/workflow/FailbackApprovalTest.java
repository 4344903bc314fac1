package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.Failback;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.Verdict;
import io.temporal.client.WorkflowClient;
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

/** A failback that waits for its approvers (runbook {@code failback.approval: required}). */
@Timeout(180)
class FailbackApprovalTest {

    private TestWorkflowEnvironment env;
    private WorkflowClient client;
    private InMemoryWorld world;
    private ExecutionDecisions decisions;

    @BeforeEach
    void start() {
        world = new InMemoryWorld();
        world.values.put("www", "primary");
        env = TestWorkers.start(TestEnvironmentOptions.getDefaultInstance(), world, new RecordingJournal());
        client = env.getWorkflowClient();
        decisions = TestWorkers.decisions(env);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    private void decide(String id, Verdict verdict) {
        decisions.decide(id, new DecisionRequest(verdict, null, RunbookWorkflowTest.APPROVER, null, null));
    }

    private ExecutionProgress result(String id) {
        try {
            return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                    .getResult(60, TimeUnit.SECONDS, ExecutionProgress.class);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("execution " + id + " did not end", e);
        }
    }

    /**
     * The phase a signal or an update leads to: the workflow reaches it in a workflow task that a loaded machine may run
     * a moment after the skipped time, so it is waited for (bounded), not assumed.
     */
    private static void awaitPhase(RunbookWorkflow running, Phase phase, String what) {
        io.baran.testinfra.Polling.until(
                () -> running.progress().phase(),
                phase::equals,
                Duration.ofSeconds(30),
                Duration.ofMillis(50),
                last -> what + "; last: " + last);
    }

    private String runOf(String id) {
        return client.newUntypedWorkflowStub(id).describe().getExecution().getRunId();
    }

    @Test
    void aRefusedFailbackIsNotOfferedAgainAfterTheDailyContinueAsNew() {
        Runbook rb = RunbookWorkflowTest.runbook(
                List.of(Step.action("move-www", "dns.switch", Map.of("record", "www", "to", "standby"))),
                new Failback(true, "0s", "required", "reverse"),
                "none",
                RunbookWorkflowTest.ACCESS);
        String id = "refused-for-days";
        WorkflowClient.start(
                TestWorkers.stub(client, id)::run,
                new ExecutionRequest(id, Mode.FAILOVER, rb, "aws/us-east-1@1", "aws/us-east-1", 0));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        running.outageRecovered("aws/us-east-1@1");
        env.sleep(Duration.ofMinutes(5));
        awaitPhase(running, Phase.AWAITING_FAILBACK_APPROVAL, "offered once recovered");

        String firstRun = runOf(id);
        decide(id, Verdict.REJECT);
        env.sleep(Duration.ofDays(3));
        ExecutionProgress later = running.progress();
        assertTrue(!firstRun.equals(runOf(id)), "it continued as new");
        assertEquals(Phase.FAILED_OVER, later.phase(), "not offered again: " + later.phases());
        assertEquals(null, later.awaiting());
        assertEquals("standby", world.values.get("www"));

        decisions.failback(id, new FailbackRequest(RunbookWorkflowTest.OPERATOR, "the primary is fine now", null));
        env.sleep(Duration.ofMinutes(5));
        awaitPhase(running, Phase.AWAITING_FAILBACK_APPROVAL, "asked for: offered again");
        decide(id, Verdict.APPROVE);
        assertEquals(Phase.DONE, result(id).phase());
        assertEquals("primary", world.values.get("www"));
        HistoryFiles.save(client, id, "refused-failback-carried");
    }
}
