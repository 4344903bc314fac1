package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookParser;
import io.baran.testinfra.BenchRunbooks;
import io.baran.testinfra.TemporalDevServer;
import io.baran.workflow.Actor;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.TemporalClients;
import io.baran.workflow.temporal.AesGcmPayloadCodec;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How fast the Temporal dev server alone starts failover executions on this machine, with nothing else running: no
 * worker polls, no orchestrator, Kafka or moto beside it (not a test: failsafe runs it only when named, from {@code
 * orchestrator-service/bench/dev-server-starts.sh}). The starts are the orchestrator's own: the options of {@link
 * ExecutionLauncher#startOptions} (search attributes, memo, summary, the id refused if used before), the {@link
 * ExecutionRequest} of an outage's failover, encrypted by the payload codec; without eager start, as no worker is here
 * to take a first workflow task (the orchestrator's dispatch benchmark measures the same way). The dev server keeps its
 * state in memory, then in a SQLite file as {@code bin/local-stack} keeps it. Prints the starts per second and the CPU
 * seconds the server and this client used: the floor under the dispatch of a mass failover (README, "Mass failover").
 *
 * <p>Given {@code bench.target} (host:port), it measures that server instead, a Temporal server run by the script
 * ({@code TEMPORAL=postgres}: on PostgreSQL), and counts the CPU of the processes in {@code bench.target-pids} and of
 * everything they started (PostgreSQL's backends).
 */
class DevServerStartsBench {

    private static final int STARTS = Integer.getInteger("bench.starts", 1000);
    /** As the orchestrator's {@code baran.dispatch.concurrency}. */
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);

    private static final int WARM_UP = 100;
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    @Test
    void startsWithNothingElseRunning(@TempDir Path dir) throws Exception {
        System.out.printf(
                "BENCH dev-server starts: %d executions, %d at once, %d cores, %s%n",
                STARTS, CONCURRENCY, Runtime.getRuntime().availableProcessors(), loadAverage());
        String target = System.getProperty("bench.target", "");
        if (!target.isBlank()) {
            List<Long> pids = Stream.of(
                            System.getProperty("bench.target-pids", "").split(","))
                    .map(String::trim)
                    .filter(pid -> !pid.isEmpty())
                    .map(Long::valueOf)
                    .toList();
            measure(System.getProperty("bench.target-name", "the server at " + target), target, pids);
            return;
        }
        measure("in memory", dir.resolve("memory"), d -> TemporalDevServer.start(d, false));
        measure("the local stack's SQLite file (WAL)", dir.resolve("file"), TemporalDevServer::startPersistent);
    }

    private void measure(String how, Path workDir, Function<Path, TemporalDevServer> start) throws Exception {
        Files.createDirectories(workDir);
        try (TemporalDevServer server = start.apply(workDir)) {
            OptionalLong pid = server.pid();
            measure(how, server.target(), pid.isPresent() ? List.of(pid.getAsLong()) : List.of());
        }
    }

    /** Measures the server at {@code target}; its CPU is that of {@code pids} and their descendants (none: unknown). */
    private void measure(String how, String target, List<Long> pids) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        // A server kept between runs refuses a workflow id used before: each run's incidents are its own.
        String run = Long.toString(System.currentTimeMillis(), 36);
        WorkflowServiceStubs stubs = TemporalClients.stubs(target);
        try {
            WorkflowClient client = TemporalClients.client(
                    stubs, "default", Optional.of(new AesGcmPayloadCodec("bench", Map.of("bench", key))));
            List<Runbook> runbooks = runbooks(Math.max(STARTS, WARM_UP));
            ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
            try {
                startAll(client, pool, runbooks.subList(0, WARM_UP), "warm-up-" + run);
                double serverBefore = cpuSeconds(pids);
                long clientBefore = clientCpuNanos();
                long t0 = System.nanoTime();
                int started = startAll(client, pool, runbooks.subList(0, STARTS), "outage-" + run);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double serverCpu = cpuSeconds(pids) - serverBefore;
                double clientCpu = (clientCpuNanos() - clientBefore) / 1e9;
                assertEquals(STARTS, started, "every start answered as started");
                System.out.printf(
                        "BENCH   %s: %d starts in %.2f s (%.0f a second); the server used %s CPU s%s, this client"
                                + " %.1f CPU s%n",
                        how,
                        started,
                        seconds,
                        started / seconds,
                        pids.isEmpty() ? "?" : "%.1f".formatted(serverCpu),
                        pids.isEmpty() ? "" : " (%.1f ms a start)".formatted(serverCpu * 1000 / started),
                        clientCpu);
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }
        } finally {
            stubs.shutdownNow();
        }
    }

    /** Starts one failover per runbook for this incident, {@link #CONCURRENCY} at once; how many were started. */
    private static int startAll(WorkflowClient client, ExecutorService pool, List<Runbook> runbooks, String incident)
            throws Exception {
        List<Future<?>> starts = new ArrayList<>();
        long since = System.currentTimeMillis();
        for (Runbook runbook : runbooks) {
            starts.add(pool.submit(() -> {
                String id = RunbookWorkflow.idForIncident(runbook.name(), incident);
                ExecutionRequest request = new ExecutionRequest(
                        id,
                        Mode.FAILOVER,
                        runbook,
                        incident,
                        "bench/region/web",
                        0,
                        since,
                        3600,
                        1,
                        null,
                        Actor.system("bench-event-" + incident),
                        null,
                        List.of());
                RunbookWorkflow workflow = client.newWorkflowStub(
                        RunbookWorkflow.class, ExecutionLauncher.startOptions(id, request, true, false));
                WorkflowClient.start(workflow::run, request);
                return null;
            }));
        }
        for (Future<?> start : starts) {
            start.get(120, TimeUnit.SECONDS);
        }
        return starts.size();
    }

    /** The mass-failover bench's runbooks: one service and one CNAME each, one dns.switch step. */
    private static List<Runbook> runbooks(int count) {
        RunbookParser parser = new RunbookParser();
        List<Runbook> runbooks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            runbooks.add(parser.parse(
                    "svc" + i + ".yaml", BenchRunbooks.dnsSwitch(i, "bench/region/web", "z" + i % 10 + ".bench.test")));
        }
        return runbooks;
    }

    /**
     * The CPU seconds of these processes and of their descendants, with the children they have already reaped (a
     * process started between two readings counts from zero, as it used nothing before).
     */
    private static double cpuSeconds(List<Long> pids) {
        List<ProcessHandle> processes = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(process -> {
                processes.add(process);
                process.descendants().forEach(processes::add);
            });
        }
        long ticks = 0;
        for (ProcessHandle process : processes) {
            ticks += cpuTicks(process.pid());
        }
        return ticks / (double) CLOCK_TICKS_PER_SECOND;
    }

    private static long cpuTicks(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        } catch (IOException gone) {
            return 0; // ended between the listing and the reading: its parent counts it once reaped
        }
        // The fields after the command name (which is in parentheses and may hold spaces): utime, stime, cutime and
        // cstime are 14 to 17.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11])
                + Long.parseLong(fields[12])
                + Long.parseLong(fields[13])
                + Long.parseLong(fields[14]);
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return "load average "
                    + String.join(
                            " ",
                            List.of(Files.readString(Path.of("/proc/loadavg")).split(" "))
                                    .subList(0, 3));
        } catch (IOException e) {
            return "load average unknown";
        }
    }
}
