package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.SearchAttributes;
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
 * The start gate of a failover an outage started (approval to start, or the blast-radius guard's hold) follows the
 * outages it answers: one that joins while it waits is not dropped by a rejection or a timeout of the question asked
 * before it joined (change {@code joined-outage-decided-anew}).
 */
@Timeout(180)
class StartGateTest {

    private static final String HELD = "held by blast-radius guard: 12 of 20 services in 1 scope";
    private static final String HELD_TOO = "held by blast-radius guard: 14 of 20 services in 2 scopes";
    private static final String FIRST = "aws/us-east-1@1";
    private static final String JOINED = "gcp/europe-west1@2";
    private static final Actor ANA = Actor.person("ana", List.of("approvers"));

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

    /** Moves www; fails back on recovery without approval; asks approval to start when {@code triggerApproval} says. */
    private static Runbook movesWww(String triggerApproval) {
        return RunbookWorkflowTest.runbook(
                List.of(Step.action("move-www", "dns.switch", Map.of("record", "www", "to", "standby"))),
                new Failback(true, "0s", "none", "reverse"),
                triggerApproval,
                new Access(List.of("ops"), List.of("ops"), List.of("approvers"), 1));
    }

    /** Starts a failover for outage {@link #FIRST} as the dispatcher does, waiting at its start gate an hour at most. */
    private RunbookWorkflow startForOutage(String id, Runbook runbook, String heldBy) {
        return startAtGate(id, runbook, FIRST, Actor.system("event-1"), heldBy);
    }

    /**
     * Starts a failover (for {@code incident}, found by it, as the dispatcher does; a person's when null) and waits
     * until it is at its start gate, an hour at most.
     */
    private RunbookWorkflow startAtGate(String id, Runbook runbook, String incident, Actor startedBy, String heldBy) {
        WorkflowOptions.Builder options =
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.ORCHESTRATION);
        if (incident != null) {
            options.setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                    .set(SearchAttributes.INCIDENTS, List.of(incident))
                    .build());
        }
        WorkflowClient.start(
                client.newWorkflowStub(RunbookWorkflow.class, options.build())::run,
                new ExecutionRequest(
                        id,
                        Mode.FAILOVER,
                        runbook,
                        incident,
                        incident == null ? null : "aws/us-east-1",
                        0,
                        null,
                        3600,
                        1,
                        null,
                        startedBy,
                        heldBy,
                        List.of()));
        env.sleep(Duration.ofMinutes(1));
        RunbookWorkflow running = client.newWorkflowStub(RunbookWorkflow.class, id);
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase());
        return running;
    }

    private void decide(String id, Verdict verdict) {
        decisions.decide(id, new DecisionRequest(verdict, null, ANA, null, null));
    }

    private ExecutionProgress result(String id) {
        try {
            return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                    .getResult(60, TimeUnit.SECONDS, ExecutionProgress.class);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("execution " + id + " did not end", e);
        }
    }

    private List<String> incidentsOf(String id) {
        return client.newUntypedWorkflowStub(id)
                .describe()
                .getTypedSearchAttributes()
                .get(SearchAttributes.INCIDENTS);
    }

    @Test
    void anOutageThatJoinedARejectedStartGateGetsItsOwnDecisionWhenTheRunbookAsksForApproval() {
        RunbookWorkflow running = startForOutage("asks-again", movesWww("required"), null);
        running.outageDetected(JOINED);
        env.sleep(Duration.ofMinutes(1));
        assertEquals(List.of(FIRST, JOINED), incidentsOf("asks-again"), "found by the joined incident too");

        decide("asks-again", Verdict.REJECT);
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress again = running.progress();
        assertEquals(Phase.AWAITING_APPROVAL, again.phase(), again.phases().toString());
        assertTrue(
                again.awaiting().startsWith("approval to start the failover for outage " + JOINED), again.awaiting());
        assertTrue(again.error().contains("was rejected"), again.error());
        assertEquals("primary", world.values.get("www"));

        decide("asks-again", Verdict.APPROVE);
        env.sleep(Duration.ofMinutes(1));
        ExecutionProgress failedOver = running.progress();
        assertEquals(Phase.FAILED_OVER, failedOver.phase());
        assertEquals(null, failedOver.error());
        assertEquals("standby", world.values.get("www"));

        running.outageRecovered(FIRST);
        running.outageRecovered(JOINED);
        assertEquals(Phase.DONE, result("asks-again").phase());
        HistoryFiles.save(client, "asks-again", "joined-outage-decided-anew");
    }

    @Test
    void anOutageThatJoinedARejectedGuardHoldAndNeedsNoPersonFailsOverAtOnce() {
        RunbookWorkflow running = startForOutage("joined-unheld", movesWww("none"), HELD);
        running.outageDetected(JOINED);
        env.sleep(Duration.ofMinutes(1));

        decide("joined-unheld", Verdict.REJECT);
        env.sleep(Duration.ofMinutes(1));
        assertEquals(
                Phase.FAILED_OVER,
                running.progress().phase(),
                running.progress().phases().toString());
        assertEquals("standby", world.values.get("www"), "the joined outage is failed over as it would be alone");
    }

    @Test
    void anOutageTheGuardHoldsThatJoinedATimedOutStartGateWaitsForItsOwnDecision() {
        RunbookWorkflow running = startForOutage("joined-held", movesWww("none"), HELD);
        running.guardTripped(new LateHold(HELD_TOO, 7200, JOINED));
        running.outageDetected(JOINED);

        env.sleep(Duration.ofMinutes(61));
        ExecutionProgress again = running.progress();
        assertEquals(Phase.AWAITING_APPROVAL, again.phase(), again.phases().toString());
        assertTrue(again.awaiting().endsWith(HELD_TOO), again.awaiting());
        assertTrue(again.error().contains("nobody approved the failover for outage " + FIRST), again.error());
        assertEquals("primary", world.values.get("www"));

        decide("joined-held", Verdict.REJECT);
        ExecutionProgress done = result("joined-held");
        assertEquals(Phase.REJECTED, done.phase());
        assertTrue(done.error().contains("was rejected; nothing was changed"), done.error());
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void aHeldStartGateIsWithdrawnWhenItsOutageRecoversAndALaterApprovalIsRefused() {
        RunbookWorkflow running = startForOutage("recovered-held", movesWww("none"), HELD);
        running.outageRecovered(FIRST);
        ExecutionProgress done = result("recovered-held");
        assertEquals(Phase.REJECTED, done.phase());
        assertEquals(
                "outage " + FIRST + " recovered before anyone approved the failover; nothing was changed",
                done.error());
        assertEquals(null, done.awaiting());
        assertEquals("primary", world.values.get("www"));

        assertThrows(ExecutionNotFound.class, () -> decide("recovered-held", Verdict.APPROVE));
        env.sleep(Duration.ofMinutes(5));
        assertEquals("primary", world.values.get("www"), "nothing fails over after the recovery");
        HistoryFiles.save(client, "recovered-held", "start-gate-withdrawn-on-recovery");
    }

    @Test
    void theStartGateOfAFailoverAPersonStartedIsNotWithdrawnByAnOutageThatJoinedItAndRecovered() {
        String id = "by-a-person";
        RunbookWorkflow running =
                startAtGate(id, movesWww("required"), null, Actor.person("olu", List.of("ops")), null);

        // A short outage of the service joins the person's failover and recovers while the gate waits.
        running.outageDetected(JOINED);
        env.sleep(Duration.ofMinutes(1));
        running.outageRecovered(JOINED);
        env.sleep(Duration.ofMinutes(5));
        assertEquals(
                Phase.AWAITING_APPROVAL,
                running.progress().phase(),
                "the person's failover still waits for its approval: "
                        + running.progress().error());

        decide(id, Verdict.APPROVE);
        env.sleep(Duration.ofMinutes(1));
        assertTrue(
                world.journal.contains("apply move-www"), "approved, the person's failover goes on: " + world.journal);
    }

    @Test
    void aStartGateIsWithdrawnOnlyOnceEveryOutageItAsksAboutHasRecovered() {
        RunbookWorkflow running = startForOutage("recovered-both", movesWww("required"), null);
        running.outageDetected(JOINED);
        running.outageRecovered(FIRST);
        env.sleep(Duration.ofMinutes(1));
        assertEquals(Phase.AWAITING_APPROVAL, running.progress().phase(), "the joined outage goes on");

        running.outageRecovered(JOINED);
        ExecutionProgress done = result("recovered-both");
        assertEquals(Phase.REJECTED, done.phase());
        assertTrue(done.error().startsWith("outage " + FIRST + ", " + JOINED + " recovered before"), done.error());
        assertEquals("primary", world.values.get("www"));
    }

    @Test
    void theQuestionAskedAnewForAJoinedOutageIsWithdrawnWhenThatOutageRecovers() {
        RunbookWorkflow running = startForOutage("recovered-joined", movesWww("required"), null);
        running.outageDetected(JOINED);
        env.sleep(Duration.ofMinutes(1));
        decide("recovered-joined", Verdict.REJECT);
        env.sleep(Duration.ofMinutes(1));
        assertTrue(
                running.progress().awaiting().contains(JOINED),
                running.progress().awaiting());

        running.outageRecovered(JOINED);
        ExecutionProgress done = result("recovered-joined");
        assertEquals(Phase.REJECTED, done.phase());
        assertEquals(
                "the failover for outage " + FIRST + " was rejected; outage " + JOINED
                        + " recovered before anyone approved its failover; nothing was changed",
                done.error());
        assertEquals("primary", world.values.get("www"));
    }
}
