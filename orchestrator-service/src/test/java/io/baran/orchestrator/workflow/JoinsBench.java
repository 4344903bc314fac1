package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.runbook.Failback;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.testinfra.TemporalDevServer;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.TemporalClients;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a mass outage's joins cost since they are the Update {@code joinOutage} (answered once a worker has run the
 * execution's workflow task) rather than the signal {@code outageDetected} (answered once Temporal has it): N failed-over
 * executions on a Temporal dev server, the orchestrator's workflow worker running them (the interpreter, an in-memory
 * world as the provider), then N joins through {@link ExecutionLauncher#join}, {@code bench.concurrency} at once as the
 * dispatcher sends them, and N signals the same way. Not a test: failsafe runs it only when named, from {@code
 * orchestrator-service/bench/joins-bench.sh}; it prints, it does not judge.
 */
class JoinsBench {

    private static final int EXECUTIONS = Integer.getInteger("bench.executions", 1000);
    /** As the orchestrator's {@code baran.dispatch.concurrency}. */
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);

    @Test
    void joinsAsUpdatesAndAsSignals(@TempDir Path dir) throws Exception {
        System.out.printf(
                "BENCH joins: %d failed-over executions, %d joins at once, %d cores%n",
                EXECUTIONS, CONCURRENCY, Runtime.getRuntime().availableProcessors());
        try (TemporalDevServer server = TemporalDevServer.start(dir, false)) {
            WorkflowServiceStubs stubs = TemporalClients.stubs(server.target());
            WorkerFactory workers = null;
            ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
            try {
                WorkflowClient client = TemporalClients.client(stubs, "default", Optional.empty());
                workers = WorkerFactory.newInstance(client);
                InMemoryWorld world = new InMemoryWorld();
                var orchestration = workers.newWorker(TaskQueues.ORCHESTRATION, TestWorkers.OPTIONS);
                orchestration.registerWorkflowImplementationFactory(RunbookWorkflow.class, RunbookWorkflowImpl::new);
                orchestration.registerActivitiesImplementations(new RecordingJournal());
                workers.newWorker(TaskQueues.ACTIONS, TestWorkers.OPTIONS).registerActivitiesImplementations(world);
                workers.start();

                String run = Long.toString(System.currentTimeMillis(), 36);
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < EXECUTIONS; i++) {
                    ids.add("failover-svc" + i + "-bench_region@" + run);
                }
                long t0 = System.nanoTime();
                all(pool, ids, id -> {
                    int i = ids.indexOf(id);
                    Runbook runbook = runbook(i);
                    world.values.put("www" + i, "primary");
                    RunbookWorkflow workflow = TestWorkers.stub(client, id);
                    WorkflowClient.start(
                            workflow::run,
                            new ExecutionRequest(id, Mode.FAILOVER, runbook, "bench/region@1", "bench/region", 0));
                    return null;
                });
                awaitFailedOver(client, ids);
                System.out.printf(
                        "BENCH   %d executions started and failed over in %.1f s%n",
                        EXECUTIONS, (System.nanoTime() - t0) / 1e9);

                ExecutionLauncher launcher = new ExecutionLauncher();
                launcher.client = client;
                // Every record put back by hand before each round: each join re-applies its record, which tells when
                // every execution has acted on its join.
                drift(world);
                long t1 = System.nanoTime();
                List<ExecutionLauncher.Joined> answers = all(pool, ids, id -> launcher.join(id, "bench/region@2"));
                double updates = (System.nanoTime() - t1) / 1e9;
                double updatesActed = awaitReapplied(world, t1);
                assertEquals(
                        EXECUTIONS,
                        answers.stream()
                                // told by signal when the Update was not answered within join-wait
                                .filter(j ->
                                        j == ExecutionLauncher.Joined.TAKEN || j == ExecutionLauncher.Joined.SIGNALLED)
                                .count(),
                        "every join taken");
                System.out.printf(
                        "BENCH   %d joins as the Update joinOutage (each answered once taken): sent in %.2f s (%.0f a"
                                + " second), every record re-applied after %.2f s%n",
                        EXECUTIONS, updates, EXECUTIONS / updates, updatesActed);

                drift(world);
                long t2 = System.nanoTime();
                all(pool, ids, id -> {
                    client.newWorkflowStub(RunbookWorkflow.class, id).outageDetected("bench/region@3");
                    return null;
                });
                double signals = (System.nanoTime() - t2) / 1e9;
                double signalsActed = awaitReapplied(world, t2);
                System.out.printf(
                        "BENCH   %d joins as the signal outageDetected (each answered once Temporal has it): sent in %.2f s"
                                + " (%.0f a second), every record re-applied after %.2f s%n",
                        EXECUTIONS, signals, EXECUTIONS / signals, signalsActed);
            } finally {
                pool.shutdownNow();
                if (workers != null) {
                    workers.shutdownNow();
                    workers.awaitTermination(30, TimeUnit.SECONDS);
                }
                stubs.shutdownNow();
            }
        }
    }

    /** One service and one record each; waits for its outage's recovery. */
    private static Runbook runbook(int i) {
        Runbook shape = RunbookWorkflowTest.runbook(
                List.of(Step.action("move-www", "dns.switch", Map.of("record", "www" + i, "to", "standby"))),
                new Failback(true, "0s", "none", "reverse"),
                "none",
                RunbookWorkflowTest.ACCESS);
        return new Runbook(
                "svc" + i,
                shape.description(),
                shape.labels(),
                "svc" + i,
                shape.parameters(),
                shape.trigger(),
                shape.failover(),
                shape.failback(),
                shape.sha256(),
                shape.source(),
                shape.version(),
                shape.access(),
                shape.priority(),
                shape.objectives(),
                shape.drills());
    }

    private static void drift(InMemoryWorld world) {
        world.values.replaceAll((record, value) -> "primary");
    }

    /** Seconds from {@code since} until every record is back on the standby (bounded). */
    private static double awaitReapplied(InMemoryWorld world, long since) {
        io.baran.testinfra.Polling.until(
                () -> world.values.values().stream().filter("primary"::equals).count(),
                left -> left == 0,
                Duration.ofSeconds(300),
                Duration.ofMillis(20),
                left -> left + " records not re-applied");
        return (System.nanoTime() - since) / 1e9;
    }

    private static <T> List<T> all(ExecutorService pool, List<String> ids, Function<String, T> each) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (String id : ids) {
            futures.add(pool.submit(() -> each.apply(id)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(300, TimeUnit.SECONDS));
        }
        return results;
    }

    private static void awaitFailedOver(WorkflowClient client, List<String> ids) {
        for (String id : ids) {
            io.baran.testinfra.Polling.until(
                    () -> client.newWorkflowStub(RunbookWorkflow.class, id)
                            .progress()
                            .phase(),
                    Phase.FAILED_OVER::equals,
                    Duration.ofSeconds(300),
                    Duration.ofMillis(100),
                    last -> id + " not failed over; last: " + last);
        }
    }
}
