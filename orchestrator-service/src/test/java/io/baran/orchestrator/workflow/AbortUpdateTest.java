package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.Failback;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.workflow.AbortRequest;
import io.baran.workflow.AbortResult;
import io.baran.workflow.Actor;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.Verdict;
import io.baran.workflow.temporal.DecisionSeals;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Update {@code abort} (change abort-as-update) on the SDK's time-skipping test server: sealed by the orchestrator
 * as the REST API seals it, checked by the workflow's validator (who may, where the execution stands), and undoing
 * what the execution changed as a cancellation does, naming who aborted.
 */
class AbortUpdateTest {

    /** A drill operator of the test runbooks' drill group {@code ops}. */
    static final Actor DORA = Actor.person("dora", List.of("drill-operator", "ops"));
    /** A failover operator of the test runbooks' failover group {@code ops}. */
    static final Actor FIONA = Actor.person("fiona", List.of("failover-operator", "ops"));

    private TestWorkflowEnvironment env;
    private WorkflowClient client;
    private InMemoryWorld world;
    private RecordingJournal journal;
    private ExecutionDecisions decisions;

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

    /** Moves www, waits an hour, promotes db; fails back when a person asks (and approvers approve). */
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

    private static Runbook moving() {
        return RunbookWorkflowTest.runbook(
                List.of(set("move-www", "www", "standby")), Failback.DEFAULT, "none", RunbookWorkflowTest.ACCESS);
    }

    private String drill(String id) {
        WorkflowClient.start(
                TestWorkers.stub(client, id)::run, new ExecutionRequest(id, Mode.DRILL, moving(), null, null, 3600));
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.FAILED_OVER, progress(id).phase(), "the drill holds");
        return id;
    }

    private String failover(String id, Runbook rb) {
        WorkflowClient.start(
                TestWorkers.stub(client, id)::run,
                new ExecutionRequest(id, Mode.FAILOVER, rb, "i", "aws/us-east-1", 0));
        env.sleep(Duration.ofMinutes(1));
        return id;
    }

    private ExecutionProgress progress(String id) {
        return client.newWorkflowStub(RunbookWorkflow.class, id).progress();
    }

    private ExecutionProgress result(String id) throws Exception {
        return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                .getResult(30, TimeUnit.SECONDS, ExecutionProgress.class);
    }

    /** Whether an Update {@code abort} was taken into the execution's history (a refused one is not). */
    private boolean abortInHistory(String id) {
        return client.fetchHistory(id).getHistory().getEventsList().stream()
                .anyMatch(e -> e.hasWorkflowExecutionUpdateAcceptedEventAttributes()
                        && "abort"
                                .equals(e.getWorkflowExecutionUpdateAcceptedEventAttributes()
                                        .getAcceptedRequest()
                                        .getInput()
                                        .getName()));
    }

    private DecisionRefused refused(String id, Actor by) {
        return assertThrows(
                DecisionRefused.class, () -> decisions.abort(id, new AbortRequest(by, "stop", null)), by.name());
    }

    private static DecisionSeals seals() {
        return TestWorkers.ENCRYPTION.decisionSeals().orElseThrow();
    }

    @Test
    void anAbortByUpdateUndoesADrillAndNamesWhoAbortedAndWhy() throws Exception {
        String id = drill("abort-by-update");
        assertEquals("standby", world.values.get("www"));

        AbortResult answer = decisions.abort(id, new AbortRequest(DORA, "drill over", "req-1"));

        assertEquals(new AbortResult("dora", Phase.FAILED_OVER), answer);
        ExecutionProgress p = result(id);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertEquals("primary", world.values.get("www"), "the abort undid the drill");
        assertEquals("aborted by dora (drill over)", p.error());
        assertEquals("dora", p.abortedBy().name());
        assertEquals(List.of("failing-over", "failed-over", "compensating", "compensated"), journal.phasesOf(id));
        HistoryFiles.save(client, id, "abort-by-update");
    }

    @Test
    void aFailoverStillFailingOverIsAbortedByUpdateAndUndone() throws Exception {
        String id = failover("abort-failing-over", pausing());
        assertEquals(Phase.FAILING_OVER, progress(id).phase());
        assertEquals("standby", world.values.get("www"));

        decisions.abort(id, new AbortRequest(FIONA, "wrong region", null));

        ExecutionProgress p = result(id);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertEquals("primary", world.values.get("www"));
        assertFalse(world.journal.contains("plan promote-db"), world.journal.toString());
        assertEquals("aborted by fiona (wrong region)", p.error());
        assertEquals("fiona", p.abortedBy().name());
        HistoryFiles.save(client, id, "abort-by-update-failing-over");
    }

    @Test
    void aLiveFailoverThatIsFailedOverRefusesTheAbortAndFailsBackNormally() throws Exception {
        String id = failover("abort-failed-over", moving());
        assertEquals(Phase.FAILED_OVER, progress(id).phase());

        DecisionRefused refusal = refused(id, FIONA);
        assertTrue(refusal.becauseOfPhase(), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("is a live failover and is failed-over"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("POST /api/executions/" + id + "/failback"), refusal.getMessage());
        // Nor an admin: undoing a failed-over failover is its failback, whoever asks.
        DecisionRefused admin = refused(id, Actor.person("ada", List.of("admin")));
        assertTrue(admin.becauseOfPhase(), admin.getMessage());
        assertFalse(abortInHistory(id), "a refused abort records nothing");
        assertEquals(Phase.FAILED_OVER, progress(id).phase());
        assertEquals("standby", world.values.get("www"));

        decisions.failback(id, new FailbackRequest(FIONA, "handled by hand", null));
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.AWAITING_FAILBACK_APPROVAL, progress(id).phase());
        DecisionRefused awaiting = refused(id, FIONA);
        assertTrue(awaiting.getMessage().contains("awaiting-failback-approval"), awaiting.getMessage());

        decisions.decide(id, new DecisionRequest(Verdict.APPROVE, null, RunbookWorkflowTest.APPROVER, null, null));
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertNull(p.abortedBy());
        assertNull(p.error());
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void anAbortWhileTheFailbackRunsIsRefusedAndTheFailbackEndsAsAFailback() throws Exception {
        CountDownLatch undoing = new CountDownLatch(1);
        world.waitingBeforeUndo.put("move-www", undoing);
        String id = failover("abort-failing-back", moving());
        decisions.failback(id, new FailbackRequest(FIONA, "primary healthy", null));
        env.sleep(Duration.ofMinutes(1));
        decisions.decide(id, new DecisionRequest(Verdict.APPROVE, null, RunbookWorkflowTest.APPROVER, null, null));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!world.journal.contains("undo move-www") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(world.journal.contains("undo move-www"), "the failback is under way: " + world.journal);
            assertEquals(Phase.FAILING_BACK, progress(id).phase());

            DecisionRefused refusal = refused(id, FIONA);
            assertTrue(refusal.becauseOfPhase(), refusal.getMessage());
            assertTrue(refusal.getMessage().contains("is failing back"), refusal.getMessage());
            assertFalse(abortInHistory(id), "a refused abort records nothing");
        } finally {
            undoing.countDown();
        }
        ExecutionProgress p = result(id);
        assertEquals(Phase.DONE, p.phase());
        assertNull(p.abortedBy(), "nobody aborted it: it failed back");
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void anAbortWithoutAValidSealOfTheOrchestratorForThisExecutionIsRefused() {
        String id = drill("abort-unsealed");
        RunbookWorkflow direct = client.newWorkflowStub(RunbookWorkflow.class, id);
        long now = env.currentTimeMillis();
        AbortRequest abort = new AbortRequest(DORA, "drill over", "r");
        Map<String, AbortRequest> forged = Map.of(
                "no seal",
                abort,
                "does not match",
                seals().seal("another-execution", abort, now),
                "altered",
                new AbortRequest(
                        Actor.person("eve", List.of("admin")),
                        "drill over",
                        "r",
                        seals().seal(id, abort, now).seal()),
                "ago",
                seals().seal(id, abort, now - Duration.ofMinutes(11).toMillis()));
        forged.forEach((expected, request) -> {
            WorkflowUpdateException refusal =
                    assertThrows(WorkflowUpdateException.class, () -> direct.abort(request), expected);
            String message = String.valueOf(refusal.getCause());
            assertTrue(
                    message.contains(expected.equals("altered") ? "does not match" : expected),
                    expected + ": " + message);
        });
        assertFalse(abortInHistory(id), "a refused abort records nothing");
        assertEquals(Phase.FAILED_OVER, progress(id).phase());
        assertEquals("standby", world.values.get("www"));

        // The same abort, sealed by the orchestrator for this execution, is taken.
        direct.abort(seals().seal(id, abort, now));
        assertEquals("primary", waitForWww("primary"));
    }

    @Test
    void anAbortByAPersonWithoutTheRunbooksGroupsOrTheOperatorRoleIsRefused() throws Exception {
        String id = drill("abort-who");
        for (Actor nobody : List.of(
                // the runbook's drill group, but not a drill operator
                Actor.person("fiona", List.of("failover-operator", "ops")),
                // a drill operator, of another group
                Actor.person("dave", List.of("drill-operator", "other")))) {
            DecisionRefused refusal = refused(id, nobody);
            assertFalse(refusal.becauseOfPhase(), refusal.getMessage());
            assertTrue(refusal.getMessage().contains(nobody.name() + " may not abort"), refusal.getMessage());
        }
        assertFalse(abortInHistory(id), "a refused abort records nothing");
        assertEquals(Phase.FAILED_OVER, progress(id).phase());

        String live = failover("abort-who-live", pausing());
        DecisionRefused drillOperator = refused(live, DORA);
        assertTrue(drillOperator.getMessage().contains("a live failover"), drillOperator.getMessage());
        assertEquals(Phase.FAILING_OVER, progress(live).phase());

        // An admin may, whatever the runbook's groups.
        decisions.abort(id, new AbortRequest(Actor.person("ada", List.of("admin")), null, null));
        ExecutionProgress p = result(id);
        assertEquals(Phase.COMPENSATED, p.phase());
        assertEquals("aborted by ada", p.error());
    }

    @Test
    void anExecutionBeingAbortedRefusesAnotherAbortButAnswersTheSameRequestAgain() throws Exception {
        CountDownLatch undo = new CountDownLatch(1);
        world.waitingBeforeUndo.put("move-www", undo);
        String id = drill("abort-twice");
        AbortResult first = decisions.abort(id, new AbortRequest(DORA, "drill over", "req-1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!world.journal.contains("undo move-www") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Phase.COMPENSATING, progress(id).phase());

        assertEquals(first, decisions.abort(id, new AbortRequest(DORA, "drill over", "req-1")), "a retry");
        DecisionRefused again = refused(id, Actor.person("ada", List.of("admin")));
        assertTrue(again.becauseOfPhase(), again.getMessage());
        assertTrue(again.getMessage().contains("is being aborted already (by dora)"), again.getMessage());

        undo.countDown();
        assertEquals(Phase.COMPENSATED, result(id).phase());
        assertEquals(
                2,
                client.fetchHistory(id).getHistory().getEventsList().stream()
                        .filter(e -> e.hasWorkflowExecutionUpdateAcceptedEventAttributes())
                        .count(),
                "the abort and its retry, which answered as the first did");
        assertEquals(List.of("failing-over", "failed-over", "compensating", "compensated"), journal.phasesOf(id));
    }

    private String waitForWww(String value) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!value.equals(world.values.get("www")) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return world.values.get("www");
    }
}
