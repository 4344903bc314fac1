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

    /** {@link ProviderSlots} with one cap for every provider, in memory. */
    static final class CappedSlots implements ProviderSlots {
        final int cap;
        final Set<String> holders = new LinkedHashSet<>();
        final List<String> asked = new ArrayList<>();

        CappedSlots(int cap) {
            this.cap = cap;
        }

        @Override
        public synchronized Grant acquire(Ask ask) {
            asked.add(ask.executionId() + "@" + ask.tier());
            if (holders.contains(ask.executionId()) || holders.size() < cap) {
                holders.add(ask.executionId());
                return new Grant(true, null, 0);
            }
            return new Grant(
                    false,
                    "provider " + ask.providers().get(0) + ": " + holders.size() + " of " + cap
                            + " slots taken, 0 ahead",
                    2_000);
        }

        @Override
        public synchronized void release(String executionId) {
            holders.remove(executionId);
        }
    }

    @BeforeEach
    void start() {
        world = new InMemoryWorld();
        world.values.put("www", "primary");
        world.values.put("api", "primary");
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
        decisions = TestWorkers.decisions(client);
    }

    @AfterEach
    void closeEnvironment() {
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
        RunbookWorkflow stub = client.newWorkflowStub(
                RunbookWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(id)
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
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
                        Actor.system("event-1"),
                        heldBy,
                        capped));
        env.sleep(Duration.ofSeconds(30));
        return client.newWorkflowStub(RunbookWorkflow.class, id);
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

    @Test
    void anExecutionNotHeldRunsAtOnce() {
        start("free", runbook("www"), null, List.of());
        assertEquals("standby", world.values.get("www"));
    }

    @Test
    void theCapHoldsTheNextExecutionOfTheProviderUntilASlotIsFree() {
        // The first holds its slot while it fails over (a wait step keeps it there for ten minutes).
        RunbookWorkflow first = start(
                "first",
                runbook("www", Step.action("settle", "wait", Map.of("for", "10m"))),
                null,
                List.of("aws-prod"));
        assertEquals(Phase.FAILING_OVER, first.progress().phase());
        RunbookWorkflow second = start("second", runbook("api"), null, List.of("aws-prod"));
        ExecutionProgress queued = second.progress();
        assertEquals(Phase.QUEUED, queued.phase());
        assertTrue(queued.awaiting().contains("provider aws-prod: 1 of 1 slots taken"), queued.awaiting());
        assertEquals("primary", world.values.get("api"), "the queued execution changes nothing");

        env.sleep(Duration.ofMinutes(11));
        assertEquals(Phase.FAILED_OVER, first.progress().phase());
        assertEquals(Phase.FAILED_OVER, second.progress().phase());
        assertEquals("standby", world.values.get("www"));
        assertEquals("standby", world.values.get("api"));
        assertTrue(second.progress().phases().stream()
                .map(PhaseChange::phase)
                .toList()
                .contains(Phase.QUEUED));
        assertTrue(slots.holders.isEmpty(), "slots are given back once failed over: " + slots.holders);
        assertTrue(slots.asked.contains("second@" + io.baran.runbook.Runbook.DEFAULT_PRIORITY), slots.asked.toString());

        second.outageRecovered("aws/us-east-1@1");
        assertEquals(Phase.DONE, result("second").phase());
        assertEquals("primary", world.values.get("api"));
        assertTrue(slots.holders.isEmpty(), "failback gives its slot back too: " + slots.holders);
        HistoryFiles.save(client, "second", "queued-for-provider-slot");
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
}
