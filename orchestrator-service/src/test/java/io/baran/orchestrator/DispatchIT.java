package io.baran.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.CloudEvent;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.dispatch.OutageDispatcher;
import io.baran.orchestrator.runbook.RunbookBusyException;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.orchestrator.workflow.ProviderSlots;
import io.baran.runbook.Runbook;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.PostgresResource;
import io.baran.testinfra.TemporalResource;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.LateHold;
import io.baran.workflow.Memos;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import jakarta.enterprise.inject.Vetoed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dispatching one outage to many runbooks on the real Temporal dev server and PostgreSQL. The workflow worker is off
 * here, so what is measured and checked is the dispatch alone: starts, their ids, their inputs. The number of runbooks
 * is {@code baran.bench.runbooks} (default 1000); the time from the call to the last start is printed, never asserted
 * ({@code bench/dispatch-bench.sh} runs this class for the figures).
 */
@QuarkusTest
@TestProfile(DispatchIT.WithoutWorker.class)
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TemporalResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@Timeout(900)
class DispatchIT {

    private static final int RUNBOOKS = Integer.getInteger("baran.bench.runbooks", 1000);

    /** The workflow worker off (executions stay at their start); a cap of one execution on provider "capped". */
    public static class WithoutWorker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "baran.temporal.worker",
                    "false",
                    "baran.dispatch.provider-cap.capped",
                    "1",
                    "baran.dispatch.slot-poll",
                    "1s",
                    // No worker answers a join's Update: the outage is told by signal after this wait.
                    "baran.dispatch.join-wait",
                    "1s",
                    // A third scope down at once trips the guard (each other test opens one, and recovers it after).
                    "baran.dispatch.blast-radius.max-scopes",
                    "2",
                    // The tests run the join sweep themselves.
                    "baran.dispatch.join-sweep.every",
                    "0");
        }
    }

    @Inject
    OutageDispatcher dispatcher;

    @Inject
    io.baran.orchestrator.audit.AuditTrail auditTrail;

    @Inject
    RunbookCatalog catalog;

    @Inject
    WorkflowClient client;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    RunbookVersions versions;

    @Inject
    ProviderSlots slots;

    @Inject
    io.baran.orchestrator.workflow.ExecutionReader reader;

    @Inject
    io.baran.orchestrator.dispatch.OutageLedger outages;

    /** The incidents a test opened: recovered after it, so one test's mass outage does not trip the guard in another. */
    private final List<String> opened = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void recoverWhatTheTestOpened() {
        for (String incident : opened) {
            outages.recovered(incident, incident.substring(0, incident.lastIndexOf('@')));
            outages.delivered(incident); // no execution of a test waits for it
        }
        opened.clear();
    }

    @Inject
    io.baran.orchestrator.dispatch.ProviderCaps caps;

    /** A generated runbook, one flow-style line: one dns.switch of its own record, triggered by {@code scope}. */
    private static String runbook(String name, String scope, String priority) {
        return runbook(name, name, scope, priority);
    }

    /** As {@link #runbook(String, String, String)}, protecting {@code service}. */
    private static String runbook(String name, String service, String scope, String priority) {
        return ("{apiVersion: baran.io/v1, kind: Runbook, metadata: {name: %1$s}, spec: {protects: %4$s, priority: %2$s, "
                        + "trigger: {outage: {scope: %3$s}, approval: none}, failover: [{name: move-traffic, action: dns.switch, "
                        + "with: {provider: test, zone: example.com, record: %1$s, type: CNAME, to: standby.example.com}}]}}\n")
                .formatted(name, priority, scope, service);
    }

    private static CloudEvent<OutageEvent> outage(String scope, String incident) {
        Instant now = Instant.now();
        return CloudEvent.of(
                UUID.randomUUID().toString(),
                "/baran/detector",
                OutageEvent.DETECTED,
                scope,
                now,
                new OutageEvent(scope, incident, "test", now, List.of(), false));
    }

    /** Every execution started for the incident, as Temporal's visibility lists them once it caught up. */
    private List<WorkflowExecutionMetadata> executionsOf(String incident, int expected) {
        String query = "BaranIncidents = '" + incident + "'";
        return io.baran.testinfra.Polling.until(
                () -> client.listExecutions(query).toList(),
                found -> found.size() >= expected,
                Duration.ofSeconds(120),
                Duration.ofMillis(500),
                found -> "Temporal lists " + found.size() + " executions of incident " + incident + ", expected "
                        + expected);
    }

    private ExecutionRequest inputOf(String workflowId) {
        HistoryEvent started = client.fetchHistory(workflowId).getEvents().get(0);
        var payloads = started.getWorkflowExecutionStartedEventAttributes().getInput();
        return client.getOptions()
                .getDataConverter()
                .fromPayloads(0, java.util.Optional.of(payloads), ExecutionRequest.class, ExecutionRequest.class);
    }

    @Test
    void oneOutageStartsOneExecutionPerRunbookAndItsRedeliveryStartsNone() {
        String scope = "bench/region-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> names = IntStream.range(0, RUNBOOKS)
                .mapToObj(i -> "svc-" + scope.substring(13) + "-" + i)
                .toList();
        long saving = System.nanoTime();
        for (int i = 0; i < names.size(); i++) {
            catalog.save(
                    names.get(i),
                    names.get(i) + ".yaml",
                    runbook(names.get(i), scope, String.valueOf(1 + i % 5)),
                    "bench");
        }
        System.out.printf("saved %d runbooks in %d ms%n", RUNBOOKS, (System.nanoTime() - saving) / 1_000_000);
        List<Runbook> triggered = catalog.triggeredBy(scope);
        assertEquals(RUNBOOKS, triggered.size());

        String incident = scope + "@" + Instant.now().toEpochMilli();
        opened.add(incident);
        long t0 = System.nanoTime();
        OutageDispatcher.Outcome first = dispatcher.dispatch(outage(scope, incident), triggered);
        long firstMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(RUNBOOKS, first.started(), first.toString());
        assertEquals(0, first.alreadyStarted() + first.joined() + first.skipped(), first.toString());

        // Redelivered (the orchestrator stopped before acknowledging it): nothing new.
        long t1 = System.nanoTime();
        OutageDispatcher.Outcome again = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));
        long againMillis = (System.nanoTime() - t1) / 1_000_000;
        assertEquals(0, again.started(), again.toString());
        assertEquals(RUNBOOKS, again.alreadyStarted() + again.joined(), again.toString());

        // The audit trail holds who started them: system, for the signed event, once (the redelivery adds nothing).
        var audited = auditTrail.list(new io.baran.orchestrator.audit.AuditQuery(
                "system", io.baran.orchestrator.audit.AuditActions.FAILOVER_START, incident, null, null, null, null));
        assertEquals(1, audited.size(), audited.toString());
        assertEquals(audited.get(0).requestId(), audited.get(0).detail().get("event"));
        assertTrue(audited.get(0)
                .reason()
                .contains("signed event " + audited.get(0).requestId()));
        assertEquals(RUNBOOKS, ((List<?>) audited.get(0).detail().get("started")).size());

        List<WorkflowExecutionMetadata> executions = executionsOf(incident, RUNBOOKS);
        Map<String, Long> perRunbook = executions.stream()
                .collect(Collectors.groupingBy(
                        m -> m.getTypedSearchAttributes().get(SearchAttributes.RUNBOOK), Collectors.counting()));
        assertEquals(RUNBOOKS, executions.size());
        assertEquals(
                Map.copyOf(names.stream().collect(Collectors.toMap(Function.identity(), n -> 1L))),
                Map.copyOf(perRunbook));

        // So many services down at once trips the blast-radius guard: every one is held, and says why.
        Pattern held = Pattern.compile("held by blast-radius guard: (\\d+) of (\\d+) services in \\d+ scopes? .*");
        var matcher = held.matcher(String.valueOf(first.heldBy()));
        assertTrue(matcher.matches(), String.valueOf(first.heldBy()));
        assertTrue(Integer.parseInt(matcher.group(1)) >= RUNBOOKS);
        String one = RunbookWorkflow.idForIncident(names.get(7), incident);
        ExecutionRequest input = inputOf(one);
        assertEquals(first.heldBy(), input.heldBy());
        var memo = client.fetchHistory(one)
                .getEvents()
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getMemo();
        assertTrue(memo.containsFields(Memos.HELD_BY), memo.toString());
        assertEquals(
                3,
                (int) client.getOptions()
                        .getDataConverter()
                        .fromPayload(memo.getFieldsOrThrow(Memos.PRIORITY), Integer.class, Integer.class),
                "svc #7 is tier 3");

        System.out.printf(
                "dispatch of %d runbooks (one outage): %d ms to the last start (%.0f starts/s); redelivery: %d ms%n",
                RUNBOOKS, firstMillis, RUNBOOKS * 1000.0 / Math.max(1, firstMillis), againMillis);
    }

    /**
     * Two orchestrator replicas (one Kafka consumer group, one Temporal namespace, one PostgreSQL) given the same outage
     * at once — a rebalance hands the partition over while the first is still dispatching, or the detector's event is
     * delivered twice — race through the same dispatch claims in PostgreSQL and the same workflow ids in Temporal: the
     * dispatcher keeps no state of its own between calls, so two concurrent calls are what two replicas do. One
     * execution per runbook, whichever replica started it.
     */
    @Test
    void twoReplicasDispatchingOneOutageAtOnceStartOneExecutionPerRunbook() throws Exception {
        int runbooks = 40;
        String scope = "ha/region-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> names = IntStream.range(0, runbooks)
                .mapToObj(i -> "ha-" + scope.substring(10) + "-" + i)
                .toList();
        for (String name : names) {
            catalog.save(name, name + ".yaml", runbook(name, scope, "2"), "ha");
        }
        String incident = scope + "@" + Instant.now().toEpochMilli();
        opened.add(incident);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var gate = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<OutageDispatcher.Outcome>> replicas = new java.util.ArrayList<>();
            for (int r = 0; r < 2; r++) {
                replicas.add(pool.submit(() -> {
                    gate.await();
                    // Each replica reads the event itself: its own CloudEvent, the same incident.
                    return dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));
                }));
            }
            gate.countDown();
            OutageDispatcher.Outcome a = replicas.get(0).get(120, java.util.concurrent.TimeUnit.SECONDS);
            OutageDispatcher.Outcome b = replicas.get(1).get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(runbooks, a.started() + b.started(), "every runbook started once in all: " + a + " / " + b);
            assertEquals(
                    runbooks,
                    a.started() + a.alreadyStarted() + a.joined(),
                    "each replica accounts for every runbook: " + a);
            assertEquals(runbooks, b.started() + b.alreadyStarted() + b.joined(), "likewise: " + b);
        } finally {
            pool.shutdownNow();
        }
        List<WorkflowExecutionMetadata> executions = executionsOf(incident, runbooks);
        Map<String, Long> perRunbook = executions.stream()
                .collect(Collectors.groupingBy(
                        m -> m.getTypedSearchAttributes().get(SearchAttributes.RUNBOOK), Collectors.counting()));
        assertEquals(runbooks, executions.size(), "one execution per runbook, none twice");
        assertEquals(
                Map.copyOf(names.stream().collect(Collectors.toMap(Function.identity(), n -> 1L))),
                Map.copyOf(perRunbook));
    }

    /**
     * Two runbooks protecting one service, each triggered by its own scope, and both scopes go down at the same moment
     * (two consumer threads, or two replicas): neither outage sees the other's execution in Temporal's visibility yet
     * ({@link #visibilityBehind}), but they decide under the service's lock, so one starts and the other joins it.
     */
    @Test
    void twoOutagesOfOneServiceThroughTwoRunbooksAtOnceStartOneExecution() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String service = "shared-" + tag;
        List<String> scopes = List.of("two/a-" + tag, "two/b-" + tag);
        List<String> names = List.of("two-a-" + tag, "two-b-" + tag);
        for (int i = 0; i < 2; i++) {
            catalog.save(
                    names.get(i), names.get(i) + ".yaml", runbook(names.get(i), service, scopes.get(i), "2"), "test");
        }
        List<String> incidents = scopes.stream().map(s -> s + "@1").toList();
        opened.addAll(incidents);
        visibilityBehind();

        List<OutageDispatcher.Outcome> outcomes = dispatchAtOnce(
                List.of(outage(scopes.get(0), incidents.get(0)), outage(scopes.get(1), incidents.get(1))));

        assertOneStartedAndOneJoined(
                outcomes,
                List.of(
                        RunbookWorkflow.idForIncident(names.get(0), incidents.get(0)),
                        RunbookWorkflow.idForIncident(names.get(1), incidents.get(1))));
    }

    /** One runbook, triggered by a scope and so by its sub-scopes too: two outages at once start it once. */
    @Test
    void twoOutagesOfOverlappingScopesAtOnceStartOneExecutionOfTheirRunbook() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String scope = "overlap/region-" + tag;
        String name = "overlap-" + tag;
        catalog.save(name, name + ".yaml", runbook(name, scope, "2"), "test");
        List<String> scopes = List.of(scope, scope + "/zone-a");
        List<String> incidents = scopes.stream().map(s -> s + "@1").toList();
        opened.addAll(incidents);
        visibilityBehind();

        List<OutageDispatcher.Outcome> outcomes = dispatchAtOnce(
                List.of(outage(scopes.get(0), incidents.get(0)), outage(scopes.get(1), incidents.get(1))));

        assertOneStartedAndOneJoined(
                outcomes,
                List.of(
                        RunbookWorkflow.idForIncident(name, incidents.get(0)),
                        RunbookWorkflow.idForIncident(name, incidents.get(1))));
    }

    /**
     * A drill started by hand a moment before the outage, recorded in PostgreSQL but not yet listed by Temporal's
     * visibility ({@link #visibilityBehind}), is joined by the outage as a listed one is: no failover starts beside it.
     */
    @Test
    void anOutageJoinsADrillStartedAMomentBeforeItIsListed() {
        String scope = "drilled/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "drilled-" + scope.substring(15);
        String drill = drillStartedByHand(name, scope);

        String incident = scope + "@1";
        opened.add(incident);
        visibilityBehind();
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));

        assertEquals(0, outcome.started(), outcome.toString());
        assertEquals(1, outcome.joined(), outcome.toString());
        assertFalse(
                reader.exists(RunbookWorkflow.idForIncident(name, incident)), "a failover started beside the drill");
        assertEquals(List.of("outageDetected"), signalsOf(drill));
        assertTrue(
                inputOf(drill).incidentsSearchable(),
                "an orchestrator that runs no workflow worker still tells a drill that BaranIncidents is registered");
    }

    /**
     * A drill recorded in PostgreSQL and not listed yet refuses the outage as it ends (its last decision made, or
     * aborted: {@code JoinOutageTest}), and the launcher answers once it has ended: the outage starts its own failover
     * in the same dispatch, instead of retrying a join nothing would act on.
     */
    @Test
    void anOutageRefusedByAnExecutionThatEndsStartsItsOwnFailover() {
        String scope = "ending/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "ending-" + scope.substring(14);
        String drill = drillStartedByHand(name, scope);
        Launching launching = Launching.install(launcher);
        launching.visibilityBehind = true;
        List<String> refusedBy = new java.util.concurrent.CopyOnWriteArrayList<>();
        launching.joining = id -> {
            refusedBy.add(id);
            client.newUntypedWorkflowStub(id).terminate("failed back as the outage joined");
            return ExecutionLauncher.Joined.ENDED;
        };

        String incident = scope + "@1";
        opened.add(incident);
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));

        assertEquals(List.of(drill), refusedBy, "the outage asked the drill first");
        assertEquals(1, outcome.started(), outcome.toString());
        assertEquals(0, outcome.joined(), outcome.toString());
        String id = RunbookWorkflow.idForIncident(name, incident);
        assertEquals(io.baran.workflow.Mode.FAILOVER, inputOf(id).mode());
        assertNull(executionOf(name, id).finishedAt(), "its claim is not released");
    }

    @Inject
    io.baran.orchestrator.dispatch.JoinSweep joinSweep;

    @Inject
    io.baran.orchestrator.dispatch.DeferredJoins deferredJoins;

    /**
     * No worker answers the join (the Update waits {@code baran.dispatch.join-wait}), so the drill acting on the service
     * is told by signal, which an execution ending by the time a worker runs it drops: the join sweep watches it, and
     * once the drill has completed naming the outage dropped (what its result says, as {@code JoinOutageTest} has a
     * worker show; stood in for here, where no worker runs), the outage starts its own failover. Swept again, nothing
     * more starts.
     */
    @Test
    void anOutageToldBySignalToAnExecutionThatDropsItStartsItsOwnFailover() {
        String scope = "dropped/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "dropped-" + scope.substring(15);
        String incident = scope + "@1";
        String id = toldBySignal(name, scope, incident);

        client.newUntypedWorkflowStub(drillOf(name)).terminate("stands for an execution that completed");
        Launching.install(launcher).fate = execution -> ExecutionLauncher.Fate.DROPPED;
        joinSweep.sweep();
        assertEquals(io.baran.workflow.Mode.FAILOVER, inputOf(id).mode(), "the outage's own failover started");
        assertTrue(
                deferredJoins.outcomeOf(incident, name).startsWith("ended without it; dispatched again: 1 started"),
                deferredJoins.outcomeOf(incident, name));
        assertNull(executionOf(name, id).finishedAt(), "its claim is recorded");
        String settled = deferredJoins.outcomeOf(incident, name);
        joinSweep.sweep();
        assertEquals(settled, deferredJoins.outcomeOf(incident, name), "settled: nothing more");
    }

    /**
     * Told by signal to an execution that then ended without a result (terminated): whether it took the outage cannot
     * be told, so the sweep starts nothing, and names the outage in the log for a person.
     */
    @Test
    void anOutageToldBySignalToAnExecutionTerminatedStartsNothing() {
        String scope = "unknown/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "unknown-" + scope.substring(15);
        String incident = scope + "@1";
        String id = toldBySignal(name, scope, incident);

        client.newUntypedWorkflowStub(drillOf(name)).terminate("ended without a result");
        joinSweep.sweep();
        assertTrue(
                deferredJoins.outcomeOf(incident, name).startsWith("not known"),
                deferredJoins.outcomeOf(incident, name));
        assertFalse(reader.exists(id), "nothing started");
    }

    /**
     * A drill of a new runbook {@code name} (scope {@code scope}), and an outage of it dispatched without a worker: the
     * join is told by signal and watched by the sweep, which waits while the drill runs. The id of the outage's own
     * failover, not started.
     */
    private String toldBySignal(String name, String scope, String incident) {
        String drill = drillStartedByHand(name, scope);
        opened.add(incident);
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));
        assertEquals(1, outcome.joined(), outcome.toString());
        assertEquals(0, outcome.started(), outcome.toString());
        assertEquals(List.of("outageDetected"), signalsOf(drill), "told by signal");
        String id = RunbookWorkflow.idForIncident(name, incident);

        // Other tests' joins may be swept too: only this one's outcome is looked at.
        joinSweep.sweep();
        assertNull(deferredJoins.outcomeOf(incident, name), "the drill runs: whether it takes the outage is not known");
        assertFalse(reader.exists(id), "nothing started while the drill may still take the outage");
        return id;
    }

    /** The drill of runbook {@code name} a test started by hand. */
    private String drillOf(String name) {
        return versions.executions(name).stream()
                .map(RunbookVersions.Execution::executionId)
                .filter(e -> e.startsWith("drill-"))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The execution acting on the service refuses the outage and is still ending after the launcher's wait (an undo
     * that takes minutes): the dispatch does not hold the event (nor those behind it on its partition) until it ends;
     * the join sweep starts the outage's failover once it has, and not before.
     */
    @Test
    void anOutageRefusedByAnExecutionStillEndingStartsItsFailoverOnceItEnded() {
        String scope = "slow-end/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "slow-end-" + scope.substring(16);
        String drill = drillStartedByHand(name, scope);
        Launching launching = Launching.install(launcher);
        launching.joining = joined -> ExecutionLauncher.Joined.ENDING;
        String incident = scope + "@1";
        opened.add(incident);
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));
        assertEquals(1, outcome.deferred(), outcome.toString());
        assertEquals(0, outcome.started() + outcome.joined(), outcome.toString());
        String id = RunbookWorkflow.idForIncident(name, incident);
        assertFalse(reader.exists(id), "nothing started beside the ending execution");

        joinSweep.sweep();
        assertNull(deferredJoins.outcomeOf(incident, name), "still ending");
        assertFalse(reader.exists(id), "nothing started beside the ending execution");

        client.newUntypedWorkflowStub(drill).terminate("its undo ended");
        launching.joining = null;
        joinSweep.sweep();
        assertEquals(io.baran.workflow.Mode.FAILOVER, inputOf(id).mode(), "the outage's own failover started");
        assertTrue(
                deferredJoins.outcomeOf(incident, name).startsWith("ended without it; dispatched again: 1 started"),
                deferredJoins.outcomeOf(incident, name));
        assertNull(executionOf(name, id).finishedAt(), "its claim is recorded");
    }

    /** A deferred join whose outage recovered before the execution ended starts nothing. */
    @Test
    void aDeferredJoinWhoseOutageRecoveredStartsNothing() {
        String scope = "over/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "over-" + scope.substring(12);
        String drill = drillStartedByHand(name, scope);
        Launching.install(launcher).joining = joined -> ExecutionLauncher.Joined.ENDING;
        String incident = scope + "@1";
        opened.add(incident);
        assertEquals(
                1,
                dispatcher
                        .dispatch(outage(scope, incident), catalog.triggeredBy(scope))
                        .deferred());
        outages.recovered(incident, scope);
        client.newUntypedWorkflowStub(drill).terminate("its undo ended");

        joinSweep.sweep();
        assertTrue(
                deferredJoins.outcomeOf(incident, name).startsWith("recovered"),
                deferredJoins.outcomeOf(incident, name));
        assertFalse(reader.exists(RunbookWorkflow.idForIncident(name, incident)), "nothing started");
    }

    /**
     * An execution that completed without naming the outage dropped took it: whatever became of it since (aborted by a
     * person, say), the sweep starts nothing for that outage. A deferred join of an outage older than the sweep's max
     * age starts nothing either, even once the execution that refused it has ended.
     */
    @Test
    void aDeferredJoinTheExecutionTookOrThatIsTooOldStartsNothing() {
        String scope = "taken/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "taken-" + scope.substring(13);
        catalog.save(name, name + ".yaml", runbook(name, scope, "tier-2"), "test");
        String incident = scope + "@1";
        opened.add(incident);
        assertEquals(
                1,
                dispatcher
                        .dispatch(outage(scope, incident), catalog.triggeredBy(scope))
                        .started());
        String id = RunbookWorkflow.idForIncident(name, incident);
        client.newUntypedWorkflowStub(id).terminate("stands for an execution that completed");
        // Its result names no outage dropped (JoinOutageTest has a worker show it for one a person aborted).
        Launching.install(launcher).fate = execution -> ExecutionLauncher.Fate.TAKEN;
        Instant now = Instant.now();
        deferredJoins.record(new io.baran.orchestrator.dispatch.DeferredJoins.Deferred(
                incident,
                name,
                id,
                io.baran.orchestrator.dispatch.DeferredJoins.Reason.SIGNALLED,
                scope,
                "event-taken",
                "test",
                now,
                now));
        String later = scope + "@2";
        opened.add(later);
        deferredJoins.record(new io.baran.orchestrator.dispatch.DeferredJoins.Deferred(
                later,
                name,
                id,
                io.baran.orchestrator.dispatch.DeferredJoins.Reason.REFUSED,
                scope,
                "event-old",
                "test",
                now.minus(Duration.ofHours(2)),
                now.minus(Duration.ofHours(2))));

        joinSweep.sweep();
        assertEquals("taken", deferredJoins.outcomeOf(incident, name));
        assertTrue(deferredJoins.outcomeOf(later, name).startsWith("expired"), deferredJoins.outcomeOf(later, name));
        assertFalse(reader.exists(RunbookWorkflow.idForIncident(name, later)), "nothing started for the old outage");
    }

    /**
     * A drill asked again with the same idempotency key while the first request is still starting it (the retry found
     * no execution of its id, then waited for the service's start lock the first request held): it answers with the
     * first request's execution, not 409 naming it, and starts nothing twice.
     */
    @Test
    void aKeyedStartRetriedWhileTheFirstStartsItAnswersWithTheFirstExecution() {
        String name = "keyed-" + UUID.randomUUID().toString().substring(0, 6);
        catalog.save(name, name + ".yaml", runbook(name, "keyed/" + name, "tier-2"), "test");
        Runbook runbook = catalog.find(name).orElseThrow();
        io.baran.workflow.Actor dora = io.baran.workflow.Actor.person("dora", List.of());
        String first = launcher.startByHand(
                runbook, io.baran.workflow.Mode.DRILL, Duration.ofMinutes(5), runbook.version(), null, dora, "retry-1");
        ExecutionLauncher injected = ClientProxy.unwrap(launcher);
        io.baran.orchestrator.workflow.ExecutionReader real = ClientProxy.unwrap(reader);
        // As the retry saw it before the first request's start: no execution of that id yet.
        QuarkusMock.installMockForType(
                new io.baran.orchestrator.workflow.ExecutionReader() {
                    @Override
                    public boolean exists(String executionId) {
                        return !executionId.equals(first) && real.exists(executionId);
                    }

                    @Override
                    public java.util.Optional<io.temporal.api.enums.v1.WorkflowExecutionStatus> status(
                            String executionId) {
                        return real.status(executionId);
                    }
                },
                io.baran.orchestrator.workflow.ExecutionReader.class);
        String again = injected.startByHand(
                runbook, io.baran.workflow.Mode.DRILL, Duration.ofMinutes(5), runbook.version(), null, dora, "retry-1");
        assertEquals(first, again);
        assertEquals(1, versions.executions(name).size(), "started once");
        assertThrows(
                ExecutionLauncher.Busy.class,
                () -> injected.startByHand(
                        runbook,
                        io.baran.workflow.Mode.DRILL,
                        Duration.ofMinutes(5),
                        runbook.version(),
                        null,
                        dora,
                        "another-key"),
                "another request for the busy service is refused");
    }

    /**
     * A sweep leases the joins it takes: another instance's sweep does not take them meanwhile (no second look at
     * Temporal, no second dispatch), and takes one given back unsettled once a sweep period has passed.
     */
    @Test
    void aJoinTakenBySweepIsLeasedUntilItIsGivenBack() {
        String incident = "lease/region@1";
        Instant now = Instant.now();
        var join = new io.baran.orchestrator.dispatch.DeferredJoins.Deferred(
                incident,
                "lease-" + UUID.randomUUID().toString().substring(0, 6),
                "drill-lease",
                io.baran.orchestrator.dispatch.DeferredJoins.Reason.SIGNALLED,
                "lease/region",
                "event-lease",
                "test",
                now,
                now);
        deferredJoins.record(join);
        Function<List<io.baran.orchestrator.dispatch.DeferredJoins.Deferred>, Boolean> holds =
                taken -> taken.stream().anyMatch(j -> j.service().equals(join.service()));

        assertTrue(holds.apply(deferredJoins.take(10_000, Duration.ZERO)), "taken");
        assertFalse(holds.apply(deferredJoins.take(10_000, Duration.ZERO)), "leased to the first sweep");
        deferredJoins.release(join);
        assertFalse(holds.apply(deferredJoins.take(10_000, Duration.ofMinutes(1))), "looked at within the period");
        assertTrue(holds.apply(deferredJoins.take(10_000, Duration.ZERO)), "given back: taken again");
        assertTrue(deferredJoins.settle(join, "test over"));
        deferredJoins.release(join);
        assertFalse(holds.apply(deferredJoins.take(10_000, Duration.ZERO)), "settled: never taken again");
    }

    /**
     * A sweep that stops early (three joins it could not settle: Temporal not answering) gives back the joins it did
     * not get to, for any instance's next sweep, instead of keeping them for its lease.
     */
    @Test
    void aSweepThatStopsAfterErrorsGivesBackTheJoinsItDidNotGetTo() {
        String run = UUID.randomUUID().toString().substring(0, 6);
        Instant now = Instant.now();
        List<String> services = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String service = "stop-" + run + "-" + i;
            services.add(service);
            deferredJoins.record(new io.baran.orchestrator.dispatch.DeferredJoins.Deferred(
                    "stop/" + run + "@1",
                    service,
                    "drill-" + service,
                    io.baran.orchestrator.dispatch.DeferredJoins.Reason.SIGNALLED,
                    "stop/" + run,
                    "event-" + service,
                    "test",
                    now,
                    now));
        }
        Launching.install(launcher).fate = execution -> {
            throw new IllegalStateException("Temporal does not answer");
        };

        joinSweep.sweep();
        long givenBack = deferredJoins.take(10_000, Duration.ZERO).stream()
                .filter(j -> services.contains(j.service()))
                .count();
        assertTrue(givenBack >= 3, givenBack + " of 6 given back; at most the 3 that failed wait out their lease");
        for (String service : services) {
            deferredJoins.settle(
                    new io.baran.orchestrator.dispatch.DeferredJoins.Deferred(
                            "stop/" + run + "@1", service, "drill-" + service, null, null, null, null, null, now),
                    "test over");
        }
    }

    /** A drill of a new tier-2 runbook {@code name} triggered by {@code scope}, started by a person: its id. */
    private String drillStartedByHand(String name, String scope) {
        catalog.save(name, name + ".yaml", runbook(name, scope, "tier-2"), "test");
        Runbook runbook = catalog.find(name).orElseThrow();
        return launcher.startByHand(
                runbook,
                io.baran.workflow.Mode.DRILL,
                Duration.ofMinutes(5),
                runbook.version(),
                io.baran.workflow.Actor.person("p", List.of()));
    }

    /**
     * For the rest of the test, Temporal's visibility lists no execution as running to the dispatcher: it lags behind
     * starts (about a second on a cluster whose visibility store is Elasticsearch), while the dev server's lists a start
     * within milliseconds, before the other of two outages dispatched "at once" asks, which would hide the race.
     */
    private void visibilityBehind() {
        Launching.install(launcher).visibilityBehind = true;
    }

    /** Dispatches the outages from as many threads, released at once; their outcomes, in the same order. */
    private List<OutageDispatcher.Outcome> dispatchAtOnce(List<CloudEvent<OutageEvent>> events) throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(events.size());
        try {
            var gate = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<OutageDispatcher.Outcome>> dispatches = new java.util.ArrayList<>();
            for (CloudEvent<OutageEvent> event : events) {
                dispatches.add(pool.submit(() -> {
                    gate.await();
                    return dispatcher.dispatch(
                            event, catalog.triggeredBy(event.data().scope()));
                }));
            }
            gate.countDown();
            List<OutageDispatcher.Outcome> outcomes = new java.util.ArrayList<>();
            for (var dispatch : dispatches) {
                outcomes.add(dispatch.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Of two outages' executions ({@code ids}, in the order of {@code outcomes}), one started and the other outage
     * joined it: the other was never started, and the started one was told of the other outage.
     */
    private void assertOneStartedAndOneJoined(List<OutageDispatcher.Outcome> outcomes, List<String> ids) {
        String both = outcomes.toString();
        assertEquals(1, outcomes.get(0).started() + outcomes.get(1).started(), "one execution started: " + both);
        assertEquals(1, outcomes.get(0).joined() + outcomes.get(1).joined(), "the other outage joined it: " + both);
        int first = outcomes.get(0).started() == 1 ? 0 : 1;
        assertTrue(reader.exists(ids.get(first)), ids.get(first));
        assertFalse(reader.exists(ids.get(1 - first)), "a second execution of the service started: " + ids);
        assertEquals(List.of("outageDetected"), signalsOf(ids.get(first)));
    }

    /** The names of the signals in an execution's history (the worker is off: executions do not act on them). */
    private List<String> signalsOf(String workflowId) {
        return client.fetchHistory(workflowId).getEvents().stream()
                .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
                .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName())
                .toList();
    }

    @Test
    void anOutageOfFewServicesIsNotHeld() {
        String scope = "small/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "small-" + scope.substring(13);
        catalog.save(name, name + ".yaml", runbook(name, scope, "tier-1"), "test");
        String incident = scope + "@1";
        opened.add(incident);
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));
        assertEquals(1, outcome.started());
        assertNull(outcome.heldBy());
        ExecutionRequest input = inputOf(RunbookWorkflow.idForIncident(name, incident));
        assertNull(input.heldBy());
        assertEquals(1, input.runbook().tier());
        assertEquals(List.of(), input.cappedProviders(), "provider test has no cap");
    }

    /**
     * A plan only observes: while one of a service runs (here it stays at its start, the worker is off), the service is
     * not busy, and an outage starts the service's failover instead of joining the plan, where it would be dropped.
     */
    @Test
    void anOutageNeverJoinsAPlanOfTheService() {
        String scope = "plan/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "planned-" + scope.substring(12);
        startByHandOnceListed(name, scope, io.baran.workflow.Mode.PLAN);
        assertTrue(launcher.running(name).isEmpty(), "a running plan makes the service busy");

        String incident = scope + "@1";
        opened.add(incident);
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));
        assertEquals(1, outcome.started(), outcome.toString());
        assertEquals(0, outcome.joined(), outcome.toString());
        assertEquals(
                io.baran.workflow.Mode.FAILOVER,
                inputOf(RunbookWorkflow.idForIncident(name, incident)).mode());
    }

    @Test
    void aLaterOutageThatTripsTheGuardHoldsWhatTheEarlierOnesStarted() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<String> incidents = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        for (String part : List.of("a", "b", "c")) {
            String scope = "late/" + part + "-" + tag;
            String name = "late-" + part + "-" + tag;
            catalog.save(name, name + ".yaml", runbook(name, scope, "tier-2"), "test");
            incidents.add(scope + "@1");
            ids.add(RunbookWorkflow.idForIncident(name, scope + "@1"));
        }
        opened.addAll(incidents);
        for (int i = 0; i < 2; i++) {
            String scope = incidents.get(i).substring(0, incidents.get(i).indexOf('@'));
            OutageDispatcher.Outcome outcome =
                    dispatcher.dispatch(outage(scope, incidents.get(i)), catalog.triggeredBy(scope));
            assertEquals(1, outcome.started());
            assertNull(outcome.heldBy(), "two scopes down do not trip the guard");
            executionsOf(incidents.get(i), 1);
        }

        String third = incidents.get(2).substring(0, incidents.get(2).indexOf('@'));
        OutageDispatcher.Outcome tripped =
                dispatcher.dispatch(outage(third, incidents.get(2)), catalog.triggeredBy(third));
        assertNotNull(tripped.heldBy(), "the third scope down at once trips the guard");
        assertTrue(tripped.heldBy().contains("3 scopes"), tripped.heldBy());
        assertEquals(tripped.heldBy(), inputOf(ids.get(2)).heldBy(), "the new outage's execution is held at its start");

        // The executions the two earlier outages started are told, with the same reason and the guard's timeout.
        for (String id : ids.subList(0, 2)) {
            LateHold hold = lateHoldOf(id);
            assertEquals(tripped.heldBy(), hold.why(), id);
            assertEquals(3600, hold.approvalTimeoutSeconds(), id);
        }

        // A fourth scope goes down while the guard holds, and its service already has an execution a person started:
        // the outage joins it, and it is told of the hold first, so that if it is failing back it asks a person
        // before failing over again.
        String scope = "late/d-" + tag;
        String name = "late-d-" + tag;
        String manual = startByHandOnceListed(name, scope, io.baran.workflow.Mode.FAILOVER);
        opened.add(scope + "@1");
        OutageDispatcher.Outcome joined = dispatcher.dispatch(outage(scope, scope + "@1"), catalog.triggeredBy(scope));
        assertEquals(1, joined.joined(), joined.toString());
        assertNotNull(joined.heldBy(), joined.toString());
        assertEquals(List.of("guardTripped", "outageDetected"), signalsOf(manual));
        assertEquals(new LateHold(joined.heldBy(), 3600, scope + "@1"), lateHoldOf(manual));
    }

    /**
     * Another orchestrator replica is dispatching an earlier outage: it claimed the execution in PostgreSQL and has not
     * started it yet when a later outage trips the guard here. Temporal's visibility cannot list it; the guard finds the
     * claim, and holds the execution once it exists (here it is started by the first late hold Temporal refused).
     */
    @Test
    void anExecutionAnotherReplicaIsStartingWhenTheGuardTripsIsHeldOnceItExists() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<String> scopes = List.of("starting/a-" + tag, "starting/b-" + tag, "starting/c-" + tag);
        // One runbook only (the scopes trip the guard by their count): every protected service added here lowers the
        // share the bench test's outage of baran.bench.runbooks services has of the catalog.
        String name = "starting-a-" + tag;
        catalog.save(name, name + ".yaml", runbook(name, scopes.get(0), "tier-2"), "test");
        List<String> incidents = scopes.stream().map(s -> s + "@1").toList();
        opened.addAll(incidents);
        // The other replica's dispatch of the first outage, up to its claim.
        Runbook claimedRunbook = catalog.find(name).orElseThrow();
        String claimedId = RunbookWorkflow.idForIncident(name, incidents.get(0));
        outages.opened(incidents.get(0), scopes.get(0), Duration.ofMinutes(15));
        RunbookVersions.Claims claims = versions.claimDispatch(
                List.of(new RunbookVersions.Wanted(
                        claimedId, claimedRunbook.name(), claimedRunbook.version(), claimedRunbook.protects())),
                1,
                Map.of(),
                (service, recorded) -> java.util.Optional.empty());
        assertEquals(RunbookVersions.Claim.CLAIMED, claims.claims().get(claimedId));
        outages.opened(incidents.get(1), scopes.get(1), Duration.ofMinutes(15)); // a second outage, on a third replica

        // Its start goes through once the guard here has asked Temporal for it in vain.
        Launching launching = Launching.install(launcher);
        java.util.concurrent.atomic.AtomicBoolean startedByReplica = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable replicaStarts = () -> {
            if (startedByReplica.compareAndSet(false, true)) {
                launcher.startFailover(
                        claimedRunbook,
                        incidents.get(0),
                        scopes.get(0),
                        null,
                        claimedRunbook.version(),
                        Duration.ofHours(1),
                        io.baran.workflow.Actor.system("other-replica"),
                        null,
                        List.of(),
                        true);
            }
        };
        launching.unknownToHold = id -> {
            if (id.equals(claimedId)) {
                replicaStarts.run();
            }
        };
        OutageDispatcher.Outcome tripped = dispatcher.dispatch(outage(scopes.get(2), incidents.get(2)), List.of());
        replicaStarts.run(); // the other replica's start, if nothing here waited for it
        assertNotNull(tripped.heldBy(), "the third scope down at once trips the guard");
        assertNull(inputOf(claimedId).heldBy(), "the other replica started it unheld");
        assertEquals(new LateHold(tripped.heldBy(), 3600), lateHoldOf(claimedId));
    }

    /**
     * Two more scopes go down, dispatched by other replicas, while this outage claims its execution: its first answer
     * from the guard (two scopes down, not tripped) is out of date by the time it starts. Asked again after the claim, the
     * guard trips, and the execution starts held (had the others asked after the claim, they would have found it).
     */
    @Test
    void anOutageWhoseGuardTripsWhileItClaimsStartsItsExecutionHeld() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<String> scopes = List.of("meanwhile/a-" + tag, "meanwhile/b-" + tag, "meanwhile/c-" + tag);
        String name = "meanwhile-a-" + tag;
        catalog.save(name, name + ".yaml", runbook(name, scopes.get(0), "tier-2"), "test");
        List<String> incidents = scopes.stream().map(s -> s + "@1").toList();
        opened.addAll(incidents);
        Launching launching = Launching.install(launcher);
        launching.afterListing = running -> {
            for (int i = 1; i < 3; i++) {
                outages.opened(incidents.get(i), scopes.get(i), Duration.ofMinutes(15));
            }
        };
        OutageDispatcher.Outcome outcome =
                dispatcher.dispatch(outage(scopes.get(0), incidents.get(0)), catalog.triggeredBy(scopes.get(0)));
        assertEquals(1, outcome.started(), outcome.toString());
        assertNotNull(outcome.heldBy(), outcome.toString());
        assertEquals(
                outcome.heldBy(),
                inputOf(RunbookWorkflow.idForIncident(name, incidents.get(0))).heldBy());
    }

    /**
     * Saves runbook {@code name} (triggered by {@code scope}), starts it by hand in {@code mode} as a person, and returns
     * the execution's id once Temporal's visibility lists it.
     */
    private String startByHandOnceListed(String name, String scope, io.baran.workflow.Mode mode) {
        catalog.save(name, name + ".yaml", runbook(name, scope, "tier-2"), "test");
        Runbook runbook = catalog.find(name).orElseThrow();
        String id = launcher.startByHand(
                runbook, mode, Duration.ZERO, runbook.version(), io.baran.workflow.Actor.person("p", List.of()));
        io.baran.testinfra.Polling.until(
                () -> client.listExecutions("BaranService = '" + name + "'").toList(),
                found -> !found.isEmpty(),
                Duration.ofSeconds(60),
                Duration.ofMillis(500),
                found -> "Temporal does not list " + id + " yet");
        return id;
    }

    /** The {@code guardTripped} signal in an execution's history (the worker is off: executions do not act on it). */
    private LateHold lateHoldOf(String workflowId) {
        HistoryEvent signalled = client.fetchHistory(workflowId).getEvents().stream()
                .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
                .filter(e -> e.getWorkflowExecutionSignaledEventAttributes()
                        .getSignalName()
                        .equals("guardTripped"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(workflowId + " was not told that the guard tripped"));
        var payloads = signalled.getWorkflowExecutionSignaledEventAttributes().getInput();
        return client.getOptions()
                .getDataConverter()
                .fromPayloads(0, java.util.Optional.of(payloads), LateHold.class, LateHold.class);
    }

    /**
     * Temporal refused the start past the retries: the dispatch failed and let go of its claim. The event's retry claims
     * the execution again: from that claim on, as after a first one, deleting the runbook is refused, and the execution
     * it starts is recorded as running, not as the finished claim it was.
     */
    @Test
    void aStartRetriedAfterTemporalRefusedItClaimsItsExecutionAgain() {
        String scope = "retried/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "retried-" + scope.substring(15);
        catalog.save(name, name + ".yaml", runbook(name, scope, "tier-2"), "test");
        String incident = scope + "@1";
        opened.add(incident);
        String id = RunbookWorkflow.idForIncident(name, incident);
        Launching launching = Launching.install(launcher);
        launching.beforeStart = () -> {
            throw new StatusRuntimeException(Status.UNAVAILABLE.withDescription("Temporal is down"));
        };
        assertThrows(
                StatusRuntimeException.class,
                () -> dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope)));
        assertNotNull(executionOf(name, id).finishedAt(), "the failed start let go of its claim");

        // The retry: a delete between its claim and its start is refused.
        java.util.concurrent.atomic.AtomicReference<Object> deleting =
                new java.util.concurrent.atomic.AtomicReference<>();
        launching.beforeStart = () -> {
            try {
                deleting.set(catalog.delete(name));
            } catch (RunbookBusyException e) {
                deleting.set(e);
            }
        };
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));
        assertEquals(1, outcome.started(), outcome.toString());
        assertTrue(
                deleting.get() instanceof RunbookBusyException busy
                        && busy.running().contains(id),
                "deleting the runbook while its execution starts: " + deleting.get());
        assertNull(executionOf(name, id).finishedAt(), "the execution started runs");
        assertTrue(versions.unfinished(name).contains(id));
    }

    /**
     * A flapping service: the execution that handled its last outage is listed as running, and ends before the new
     * outage can join it. The outage starts the runbook's own failover in the same dispatch, instead of failing it after
     * retrying the closed execution for {@code baran.events.retry-for} and waiting for the event's retry.
     */
    @Test
    void anOutageWhoseServiceExecutionEndedSinceItWasListedStartsItsOwnFailover() {
        String scope = "flapping/region-" + UUID.randomUUID().toString().substring(0, 6);
        String name = "flapping-" + scope.substring(16);
        String ended = startByHandOnceListed(name, scope, io.baran.workflow.Mode.FAILOVER);
        Launching launching = Launching.install(launcher);
        java.util.concurrent.atomic.AtomicReference<Map<String, String>> listed =
                new java.util.concurrent.atomic.AtomicReference<>();
        launching.afterListing = running -> {
            listed.set(running);
            client.newUntypedWorkflowStub(ended).terminate("failed back a moment ago");
        };

        String incident = scope + "@1";
        opened.add(incident);
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(outage(scope, incident), catalog.triggeredBy(scope));
        assertEquals(Map.of(name, ended), listed.get(), "the ended execution was listed as handling the service");
        assertEquals(1, outcome.started(), outcome.toString());
        assertEquals(0, outcome.joined(), outcome.toString());
        String id = RunbookWorkflow.idForIncident(name, incident);
        assertEquals(io.baran.workflow.Mode.FAILOVER, inputOf(id).mode());
        assertNull(executionOf(name, id).finishedAt(), "its claim is not released");
    }

    private RunbookVersions.Execution executionOf(String runbook, String executionId) {
        return versions.executions(runbook).stream()
                .filter(e -> e.executionId().equals(executionId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no record of execution " + executionId));
    }

    /**
     * The launcher the dispatcher uses while a test installs it ({@link #install}): the application's, with the test's
     * {@code beforeStart} run before each failover's start (throwing there is Temporal refusing the start), and its
     * {@code afterListing} given what each listing of the services' running executions found.
     */
    @Vetoed
    static class Launching extends ExecutionLauncher {
        private final ExecutionLauncher real;
        volatile Runnable beforeStart = () -> {};
        volatile java.util.function.Consumer<Map<String, String>> afterListing = running -> {};
        /** Given each execution a late hold was sent to that Temporal did not know. */
        volatile java.util.function.Consumer<String> unknownToHold = id -> {};
        /** Temporal's visibility has not caught up with any execution: it lists none as running to the dispatcher. */
        volatile boolean visibilityBehind;
        /** When set, what a join of the execution of this id answers, instead of the launcher's join. */
        volatile java.util.function.Function<String, Joined> joining;

        private Launching(ExecutionLauncher real) {
            this.real = real;
        }

        /** Installed for the running test only: the next one has the application's again. */
        static Launching install(ExecutionLauncher injected) {
            Launching launching = new Launching(ClientProxy.unwrap(injected));
            QuarkusMock.installMockForType(launching, ExecutionLauncher.class);
            return launching;
        }

        @Override
        public Started startFailover(
                Runbook runbook,
                String incidentId,
                String scope,
                Long outageSince,
                int version,
                Duration approvalTimeout,
                io.baran.workflow.Actor startedBy,
                String heldBy,
                List<String> cappedProviders,
                boolean claimed) {
            beforeStart.run();
            return real.startFailover(
                    runbook,
                    incidentId,
                    scope,
                    outageSince,
                    version,
                    approvalTimeout,
                    startedBy,
                    heldBy,
                    cappedProviders,
                    claimed);
        }

        @Override
        public Map<String, String> runningByService(java.util.Collection<String> services, int chunk) {
            if (visibilityBehind) {
                return Map.of();
            }
            Map<String, String> running = real.runningByService(services, chunk);
            afterListing.accept(running);
            return running;
        }

        @Override
        public java.util.Optional<String> running(String service) {
            return visibilityBehind ? java.util.Optional.empty() : real.running(service);
        }

        @Override
        public java.util.Optional<String> handlingOf(
                List<io.baran.orchestrator.runbook.RunbookVersions.Execution> recorded) {
            return real.handlingOf(recorded);
        }

        @Override
        public Joined join(String runningId, String incidentId) {
            var answer = joining;
            if (answer != null) {
                return answer.apply(runningId);
            }
            return real.join(runningId, incidentId);
        }

        @Override
        public boolean holdLate(String executionId, LateHold hold) {
            boolean known = real.holdLate(executionId, hold);
            if (!known) {
                unknownToHold.accept(executionId);
            }
            return known;
        }

        @Override
        public List<String> answering(String incidentId) {
            return real.answering(incidentId);
        }

        /** When set, what became of an outage told by signal to an execution, instead of what Temporal says. */
        volatile java.util.function.Function<String, Fate> fate;

        @Override
        public Fate fateOf(String executionId, String incidentId, boolean refused) {
            var answer = fate;
            // A refusal is the launcher's to judge (dropped once ended); what a completed execution said is stood in
            // for.
            return answer != null && !refused
                    ? answer.apply(executionId)
                    : real.fateOf(executionId, incidentId, refused);
        }

        @Override
        public java.util.Set<String> signalRecovered(String incidentId, List<Runbook> stillTriggered) {
            return real.signalRecovered(incidentId, stillTriggered);
        }
    }

    @Test
    void theProviderCapGrantsItsSlotsByTierThenArrival() {
        assertEquals(java.util.OptionalInt.of(1), caps.of("capped"));
        assertEquals(java.util.OptionalInt.empty(), caps.of("test"));
        String run = UUID.randomUUID().toString().substring(0, 6);
        var first = new ProviderSlots.Ask("a-" + run, List.of("capped", "test"), 3);
        var lowTier = new ProviderSlots.Ask("b-" + run, List.of("capped"), 3);
        var highTier = new ProviderSlots.Ask("c-" + run, List.of("capped"), 1);
        assertTrue(slots.acquire(first).granted());
        assertTrue(slots.acquire(first).granted(), "asking again keeps the slot");
        ProviderSlots.Grant waiting = slots.acquire(lowTier);
        assertFalse(waiting.granted());
        assertTrue(waiting.waitingFor().contains("provider capped: 1 of 1 slots taken"), waiting.waitingFor());
        assertFalse(slots.acquire(highTier).granted());

        slots.release(first.executionId());
        ProviderSlots.Grant behind = slots.acquire(lowTier);
        assertFalse(behind.granted(), "tier 1 waits too, and goes first");
        assertTrue(behind.waitingFor().contains("1 ahead"), behind.waitingFor());
        assertTrue(slots.acquire(highTier).granted());
        slots.release(highTier.executionId());
        assertTrue(slots.acquire(lowTier).granted());
        slots.release(lowTier.executionId());
        slots.release(lowTier.executionId()); // idempotent
    }
}
