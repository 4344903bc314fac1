package io.baran.system;

import static org.junit.jupiter.api.Assertions.fail;

import io.baran.testinfra.KafkaBroker;
import io.baran.testinfra.KeycloakServer;
import io.baran.testinfra.MotoServer;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.TemporalDevServer;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * Schemathesis against each packaged service's OpenAPI document, with an admin's token so every operation is exercised
 * beyond 401 and 403: examples, coverage, fuzzing and the stateful phase (sequences that follow what one answer gives
 * the next call). It fails on any 5xx, any answer slower than 2 s, any answer its document does not describe (status,
 * content type, schema) and any invalid input accepted. Everything the services could move is an emulator on 127.0.0.1
 * (moto's Route 53, the egress policy allows the loopback only), and the seed is fixed so a run can be repeated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemathesisIT {

    /** The version {@code .ci/run} installs. */
    static final String VERSION = "4.32.5";

    private static final String SEED = "20261204";
    private static final String MAX_EXAMPLES = "40";

    private final Running stack = new Running();
    private Path work;
    private KeycloakServer keycloak;
    private ServiceProcess orchestrator;
    private ServiceProcess detector;
    private ServiceProcess worker;

    @BeforeAll
    void startEverything() throws Exception {
        work = WorkDirs.create("schemathesis");
        keycloak = keep(KeycloakServer.start(work.resolve("keycloak")));
        KafkaBroker kafka = keep(KafkaBroker.start(work.resolve("kafka")));
        TemporalDevServer temporal = keep(TemporalDevServer.start(work.resolve("temporal"), false));
        MotoServer moto = keep(MotoServer.start(work.resolve("moto")));
        PostgresServer postgres = keep(PostgresServer.start(work.resolve("postgres")));
        Route53Records route53 = keep(new Route53Records(moto.endpoint(), "baran.test"));
        route53.upsert("www.baran.test.", RRType.CNAME, "primary.baran.test.", 300);
        DemoTarget standby = keep(new DemoTarget("standby"));

        Path runbooks = Files.createDirectories(work.resolve("runbooks"));
        Files.writeString(runbooks.resolve("fuzz.yaml"), """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: fuzz
                spec:
                  protects: fuzz
                  trigger:
                    outage: { scope: local/fuzz }
                  failover:
                    - name: move-traffic
                      action: dns.switch
                      with: { provider: aws-test, zone: baran.test, record: www, type: CNAME, to: standby.baran.test, ttl: 60 }
                    - name: standby-answers
                      action: health.check
                      with: { url: "%s", within: 10s }
                  failback:
                    approval: none
                """.formatted(standby.url()));

        Map<String, String> common = ServiceSettings.common(kafka, temporal, keycloak.issuer());
        Map<String, String> roster = SigningKeys.make(work.resolve("signing"), "fuzz-1", "fuzz");

        Map<String, String> orchestratorProps = new HashMap<>(common);
        orchestratorProps.putAll(roster);
        orchestratorProps.putAll(ServiceSettings.CODEC);
        orchestratorProps.put("baran.runbooks.dir", runbooks.toString());
        orchestratorProps.putAll(ServiceSettings.orchestratorDatabase(postgres));
        orchestratorProps.put("baran.providers.aws-test.type", "aws");
        orchestrator = keep(ServiceProcess.start("orchestrator-service", work, orchestratorProps, Map.of()));

        Map<String, String> workerProps = new HashMap<>(common);
        workerProps.putAll(ServiceSettings.auditTrail(postgres));
        workerProps.putAll(ServiceSettings.CODEC);
        workerProps.putAll(ServiceSettings.awsProvider(moto.endpoint()));
        worker = keep(ServiceProcess.start("replication-worker", work, workerProps, ServiceSettings.AWS_ENV));

        Map<String, String> detectorProps = new HashMap<>(common);
        detectorProps.putAll(ServiceSettings.auditTrail(postgres));
        detectorProps.putAll(roster);
        detectorProps.putAll(SigningKeys.signWith(work.resolve("signing"), "fuzz-1"));
        detectorProps.put("baran.detector.vantage", "fuzz");
        detectorProps.put("baran.detector.targets.fuzz-standby.url", standby.url());
        detectorProps.put("baran.detector.targets.fuzz-standby.scope", "local/fuzz/web");
        detector = keep(ServiceProcess.start("detector-service", work, detectorProps, Map.of()));

        orchestrator.awaitReady(Duration.ofSeconds(120));
        worker.awaitReady(Duration.ofSeconds(120));
        detector.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    void stopEverything() {
        stack.close();
    }

    @Test
    void theOrchestratorsApiAnswersEveryGeneratedCallWithinItsDocument() throws Exception {
        schemathesis("orchestrator-service", orchestrator);
    }

    @Test
    void theDetectorsApiAnswersEveryGeneratedCallWithinItsDocument() throws Exception {
        schemathesis("detector-service", detector);
    }

    @Test
    void theWorkersApiAnswersEveryGeneratedCallWithinItsDocument() throws Exception {
        schemathesis("replication-worker", worker);
    }

    private void schemathesis(String name, ServiceProcess service) throws Exception {
        Path schemathesis =
                Tools.find("schemathesis", "BARAN_SCHEMATHESIS_BIN", "pip install schemathesis==" + VERSION);
        Path reports = Files.createDirectories(
                Tools.projectRoot().resolve("system-tests/target/schemathesis").resolve(name));
        Path output = work.resolve("schemathesis-" + name + ".txt");
        List<String> command = List.of(
                schemathesis.toString(),
                "run",
                service.managementUrl("/q/openapi?format=json"),
                "--url",
                service.url(""),
                "--header",
                "Authorization: Bearer " + keycloak.token("admin"),
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                        + "response_headers_conformance,response_schema_conformance,negative_data_rejection,"
                        + "missing_required_header,unsupported_method,use_after_free,ensure_resource_availability,ignored_auth",
                "--max-response-time",
                "2",
                "--request-timeout",
                "10",
                "--max-examples",
                MAX_EXAMPLES,
                "--seed",
                SEED,
                "--workers",
                "1",
                "--generation-database",
                "none",
                "--no-color",
                "--report",
                "junit",
                "--report-dir",
                reports.toString());
        // From the run's own folder: schemathesis keeps a cache of what it found (.schemathesis/) where it runs.
        Process process = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("schemathesis against " + name + " did not finish within 10 minutes\n" + read(output));
        }
        String summary = read(output);
        System.out.println("--- schemathesis against " + name + " ---\n" + summary);
        if (process.exitValue() != 0) {
            fail("schemathesis found problems in " + name + "'s API (exit " + process.exitValue() + "):\n" + summary
                    + "\n--- " + name + " ---\n" + service.logTail());
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private <T extends AutoCloseable> T keep(T resource) {
        return stack.keep(resource);
    }
}
