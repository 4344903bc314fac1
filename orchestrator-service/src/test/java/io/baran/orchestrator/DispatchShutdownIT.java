package io.baran.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.EventSignature;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.dispatch.OutageDispatcher;
import io.baran.orchestrator.messaging.OutageEventConsumer;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.PostgresResource;
import io.baran.testinfra.TemporalResource;
import io.baran.workflow.RunbookWorkflow;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An orchestrator shutting down while it dispatches an outage, on the real Temporal dev server and PostgreSQL: the
 * start it already sent finishes, the queued ones are not sent, their claims are let go, and the Kafka record is
 * neither acknowledged nor dead-lettered (its offset is not committed: the event is delivered again). Its own
 * application (the dispatcher stops for good here).
 */
@QuarkusTest
@TestProfile(DispatchShutdownIT.Profile.class)
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TemporalResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SigningKeysResource.class, restrictToAnnotatedClass = true)
@Timeout(300)
class DispatchShutdownIT {

    /** The workflow worker off; one start thread, so the starts after the first wait in its queue; no guard. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "baran.temporal.worker", "false",
                    "baran.dispatch.concurrency", "1",
                    "baran.dispatch.blast-radius.enabled", "false",
                    "baran.dispatch.shutdown-grace", "10s");
        }
    }

    @Inject
    OutageEventConsumer consumer;

    @Inject
    OutageDispatcher dispatcher;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    ExecutionReader reader;

    @Inject
    RunbookCatalog catalog;

    @Inject
    RunbookVersions versions;

    @ConfigProperty(name = "baran.test.signing.key-file")
    String keyFile;

    @Test
    void aShutdownMidDispatchSendsNoQueuedStartLetsGoOfTheirClaimsAndLeavesTheEventUnacknowledged() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String scope = "shutdown/region-" + tag;
        List<String> names =
                IntStream.range(0, 4).mapToObj(i -> "sd-" + tag + "-" + i).toList();
        for (String name : names) {
            catalog.save(name, name + ".yaml", runbook(name, scope), "test");
        }
        String incident = scope + "@1";
        List<String> ids = names.stream()
                .map(n -> RunbookWorkflow.idForIncident(n, incident))
                .toList();

        // The orchestrator starts shutting down as the first start (dispatch order: by name) is sent.
        DispatchIT.Launching launching = DispatchIT.Launching.install(launcher);
        AtomicInteger starts = new AtomicInteger();
        launching.beforeStart = () -> {
            if (starts.incrementAndGet() == 1) {
                dispatcher.stopDispatching();
            }
        };
        AtomicInteger acks = new AtomicInteger();
        AtomicInteger nacks = new AtomicInteger();
        Message<String> record = Message.of(
                signed(event(scope, incident)),
                () -> {
                    acks.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                },
                reason -> {
                    nacks.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                });
        var thread = Executors.newSingleThreadExecutor();
        try {
            // Bounded: the handling returns within the shutdown grace, not once every queued start was sent.
            thread.submit(() -> consumer.onEvent(record).toCompletableFuture().get(60, TimeUnit.SECONDS))
                    .get(120, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }

        assertEquals(0, acks.get(), "the record was acknowledged: its offset would be committed");
        assertEquals(0, nacks.get(), "the record was dead-lettered: its offset would be committed");
        assertEquals(1, starts.get(), "only the start under way when the shutdown began was sent");
        assertTrue(reader.exists(ids.get(0)), "the start already sent finished");
        assertNull(executionOf(names.get(0), ids.get(0)).finishedAt(), "the started execution's claim stays");
        for (int i = 1; i < ids.size(); i++) {
            assertFalse(reader.exists(ids.get(i)), ids.get(i) + " started after the shutdown began");
            assertNotNull(
                    executionOf(names.get(i), ids.get(i)).finishedAt(),
                    "the claim of " + ids.get(i) + " is let go: its runbook can be deleted, and a redelivery claims it"
                            + " anew");
        }
    }

    private RunbookVersions.Execution executionOf(String runbook, String executionId) {
        return versions.executions(runbook).stream()
                .filter(e -> e.executionId().equals(executionId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no record of execution " + executionId));
    }

    private String signed(CloudEvent<OutageEvent> event) {
        return EventSignature.sign(
                EventCodec.encode(event), SigningKeysResource.read(SigningKeysResource.KID, keyFile));
    }

    private static CloudEvent<OutageEvent> event(String scope, String incident) {
        Instant now = Instant.now();
        var data = new OutageEvent(scope, incident, SigningKeysResource.VANTAGE, now, List.of(), false);
        return CloudEvent.of(UUID.randomUUID().toString(), "/test", OutageEvent.DETECTED, scope, now, data);
    }

    private static String runbook(String name, String scope) {
        return ("{apiVersion: baran.io/v1, kind: Runbook, metadata: {name: %1$s}, spec: {protects: %1$s, "
                        + "trigger: {outage: {scope: %2$s}, approval: none}, failover: [{name: move-traffic, action: dns.switch, "
                        + "with: {provider: test, zone: example.com, record: %1$s, type: CNAME, to: standby.example.com}}]}}\n")
                .formatted(name, scope);
    }
}
