package io.baran.detector;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the packaged service as its own process, the way it is deployed, for behaviour that shows only in its exit status and log. */
class PackagedServiceIT {

    private static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void refusesToStartWithEveryProblemNamingTargetAndField() throws Exception {
        Path log = start(
                "invalid",
                List.of(
                        "-Dbaran.detector.targets.web.url=127.0.0.1:8091/healthz",
                        "-Dbaran.detector.targets.web.scope=local/demo/web",
                        "-Dbaran.detector.targets.web.interval=50ms",
                        "-Dbaran.detector.targets.db.url=http://admin:hunter2@127.0.0.1:5432/",
                        "-Dbaran.detector.targets.db.scope= "));
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            fail("the service with an invalid configuration still runs after " + WAIT.toSeconds() + " s; log " + log);
        }
        assertNotEquals(0, process.exitValue(), "exit status");
        String output = Files.readString(log);
        assertTrue(
                output.contains(
                        "baran.detector.targets.web.url: \"127.0.0.1:8091/healthz\" is not an absolute http or https URL"),
                output);
        assertTrue(output.contains("baran.detector.targets.web.interval: 50ms is below the minimum of 100ms"), output);
        assertTrue(output.contains("baran.detector.targets.db.scope: must not be empty"), output);
        assertFalse(output.contains("hunter2"), "the password of a configured URL appeared in the output");
    }

    @Test
    void refusesToStartWithoutTheAuditTrailUnlessToldToKeepNone() throws Exception {
        Path log = start("no-audit-trail", List.of(), false);
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            fail("the service without an audit trail still runs after " + WAIT.toSeconds() + " s; log " + log);
        }
        assertNotEquals(0, process.exitValue(), "exit status");
        String output = Files.readString(log);
        assertTrue(output.contains("baran.audit.jdbc-url (BARAN_AUDIT_JDBC_URL) is not set"), output);
        assertTrue(output.contains("baran.audit.store=log"), output);
    }

    @Test
    void startsWithNoTargetsAndSaysNothingIsProbed() throws Exception {
        Path log = start("no-targets", List.of());
        awaitLine(log, "no targets configured under baran.detector.targets, nothing is probed");
        assertTrue(process.isAlive(), "the service without targets stopped: " + Files.readString(log));
    }

    @Test
    void anOutageThatCannotReachKafkaIsLoggedAsNotPublished() throws Exception {
        int closed = Ports.free();
        Path log = start(
                "kafka-unreachable",
                List.of(
                        // Nothing listens on the target either: the scope starts out DOWN, which is an outage too.
                        "-Dbaran.detector.targets.gone.url=http://127.0.0.1:" + closed + "/healthz",
                        "-Dbaran.detector.targets.gone.scope=local/gone",
                        "-Dbaran.detector.targets.gone.interval=100ms",
                        // Give up on Kafka after seconds rather than the default two minutes.
                        "-Dmp.messaging.outgoing.health-events.max.block.ms=2000",
                        "-Dmp.messaging.outgoing.health-events.request.timeout.ms=1000",
                        "-Dmp.messaging.outgoing.health-events.delivery.timeout.ms=2000"));
        awaitLine(log, "NOT published io.baran.outage.detected for scope local/gone (incident local/gone@");
        String output = Files.readString(log);
        assertTrue(output.contains("scope local/gone: UNKNOWN -> DOWN (incident local/gone@"), output);
        assertTrue(process.isAlive(), "a publish failure must not stop the detector");
    }

    private void awaitLine(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.readString(log);
            if (output.contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                fail("the service exited with " + process.exitValue() + " before logging '" + text + "': " + output);
            }
            Thread.sleep(100);
        }
        fail("no line '" + text + "' within " + WAIT.toSeconds() + " s; log " + log);
    }

    private Path start(String name, List<String> properties) throws IOException {
        return start(name, properties, true);
    }

    /** @param noTrail with {@code baran.audit.store=log}: these tests are about the detector's other settings */
    private Path start(String name, List<String> properties, boolean noTrail) throws IOException {
        assertTrue(Files.isRegularFile(APP), APP + " is missing: run the tests through ./mvnw verify, after packaging");
        Path log = WorkDirs.create("detector-" + name).resolve("detector.log");
        List<String> command = new ArrayList<>(List.of(
                Tools.javaExecutable().toString(),
                "-Dquarkus.http.port=" + Ports.free(),
                // The management port too (9081 in the packaged configuration), so a running detector is no obstacle.
                "-Dquarkus.management.port=" + Ports.free(),
                "-Dbaran.egress.allow=127.0.0.1",
                // Nothing listens there; the service must not need Kafka to decide whether its configuration is valid.
                "-Dkafka.bootstrap.servers=127.0.0.1:" + Ports.free()));
        if (noTrail) {
            command.add("-Dbaran.audit.store=log");
        }
        command.addAll(properties);
        command.addAll(List.of("-jar", APP.toAbsolutePath().toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return log;
    }
}
