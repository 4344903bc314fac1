package io.baran.orchestrator.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.EventSignature;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.RestartableTemporalResource;
import io.baran.orchestrator.SigningKeysResource;
import io.baran.orchestrator.dispatch.OutageDispatcher;
import io.baran.orchestrator.dispatch.OutageLedger;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.Polling;
import io.baran.testinfra.PostgresResource;
import io.baran.workflow.RunbookWorkflow;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A recovery whose handling gave up (Temporal down for longer than its retries: the event goes to the dead-letter
 * topic) still reaches the executions that answer its incident: it was recorded first, and the recovery sweep
 * ({@code baran.events.recovery-sweep}) delivers it once Temporal answers. The real dev server is stopped and started
 * again here.
 */
@QuarkusTest
@TestProfile(RecoveryDeliveryIT.Profile.class)
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = RestartableTemporalResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SigningKeysResource.class, restrictToAnnotatedClass = true)
class RecoveryDeliveryIT {

    /** The workflow worker off (the execution stays at its start, its signals in its history); short retries. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "baran.temporal.worker", "false",
                    "baran.events.retry-for", "1s",
                    "baran.events.max-age", "2s",
                    "baran.events.recovery-sweep", "1s");
        }
    }

    @Inject
    OutageEventConsumer consumer;

    @Inject
    OutageDispatcher dispatcher;

    @Inject
    OutageLedger ledger;

    @Inject
    RunbookCatalog catalog;

    @Inject
    RunbookVersions versions;

    @Inject
    WorkflowClient client;

    @ConfigProperty(name = "baran.test.signing.key-file")
    String keyFile;

    @Test
    void aRecoveryTemporalDidNotTakeIsDeliveredOnceItAnswers() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String scope = "test/recovery-" + suffix;
        String name = "rd-" + suffix;
        catalog.save(name, name + ".yaml", runbook(name, scope), "tester");
        String incident = scope + "@" + Instant.now().toEpochMilli();
        String execution = RunbookWorkflow.idForIncident(name, incident);
        boolean down = false;
        try {
            OutageDispatcher.Outcome outcome =
                    dispatcher.dispatch(event(OutageEvent.DETECTED, scope, incident), catalog.triggeredBy(scope));
            assertEquals(1, outcome.started(), outcome.toString());

            RestartableTemporalResource.server().crash();
            down = true;
            String recovered = EventSignature.sign(
                    EventCodec.encode(event(OutageEvent.RECOVERED, scope, incident)),
                    SigningKeysResource.read(SigningKeysResource.KID, keyFile));
            // The handling tries for its window, then gives up (the connector sends the event to the dead-letter
            // topic).
            assertThrows(RuntimeException.class, () -> consumer.onEvent(recovered));
            assertTrue(
                    ledger.undelivered(Duration.ZERO, 1_000).contains(new OutageLedger.Recovery(incident, scope)),
                    "the recovery is recorded, not delivered");

            RestartableTemporalResource.server().restart();
            down = false;
            // The sweep (every second here) tells the execution once Temporal answers again.
            List<HistoryEvent> signals = Polling.until(
                    () -> recoverySignals(execution),
                    found -> !found.isEmpty(),
                    Duration.ofSeconds(120),
                    Duration.ofMillis(500),
                    found -> "execution " + execution + " was never told incident " + incident + " recovered");
            String told = client.getOptions()
                    .getDataConverter()
                    .fromPayloads(
                            0,
                            java.util.Optional.of(signals.get(0)
                                    .getWorkflowExecutionSignaledEventAttributes()
                                    .getInput()),
                            String.class,
                            String.class);
            assertEquals(incident, told);
            Polling.until(
                    () -> ledger.undelivered(Duration.ZERO, 1_000),
                    pending -> !pending.contains(new OutageLedger.Recovery(incident, scope)),
                    Duration.ofSeconds(30),
                    Duration.ofMillis(250),
                    pending -> "the recovery is still to deliver: " + pending);
        } finally {
            if (down) {
                RestartableTemporalResource.server().restart();
            }
            try {
                client.newUntypedWorkflowStub(execution).terminate("test over");
            } catch (RuntimeException gone) {
                // not started, or over
            }
            versions.delete(name);
        }
    }

    @Test
    void aCopyOfADetectionMadeBeforeItsIncidentRecoveredStartsNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String scope = "test/replayed-" + suffix;
        String name = "rp-" + suffix;
        catalog.save(name, name + ".yaml", runbook(name, scope), "tester");
        String incident = scope + "@" + Instant.now().toEpochMilli();
        String execution = RunbookWorkflow.idForIncident(name, incident);
        try {
            CloudEvent<OutageEvent> copy = event(OutageEvent.DETECTED, scope, incident);
            Thread.sleep(5);
            ledger.recovered(incident, scope);
            // A copy of its detection, made before the recovery (after a restart the ids seen are forgotten).
            consumer.onEvent(signed(copy));
            assertThrows(
                    io.temporal.client.WorkflowNotFoundException.class,
                    () -> client.newUntypedWorkflowStub(execution).describe());
            // A detection made after the recovery is a new outage that took the same id: it fails the service over.
            Thread.sleep(5);
            consumer.onEvent(signed(event(OutageEvent.DETECTED, scope, incident)));
            assertEquals(
                    io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
                    client.newUntypedWorkflowStub(execution).describe().getStatus());
        } finally {
            try {
                client.newUntypedWorkflowStub(execution).terminate("test over");
            } catch (RuntimeException gone) {
                // not started, or over
            }
            versions.delete(name);
        }
    }

    private String signed(CloudEvent<OutageEvent> event) {
        return EventSignature.sign(
                EventCodec.encode(event), SigningKeysResource.read(SigningKeysResource.KID, keyFile));
    }

    /** The history's signals that an incident recovered (the client reconnects meanwhile: a failed read is none). */
    private List<HistoryEvent> recoverySignals(String execution) {
        try {
            return client.fetchHistory(execution).getEvents().stream()
                    .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                    .filter(e -> e.getWorkflowExecutionSignaledEventAttributes()
                            .getSignalName()
                            .equals("outageRecovered"))
                    .toList();
        } catch (RuntimeException notYet) {
            return List.of();
        }
    }

    private static CloudEvent<OutageEvent> event(String type, String scope, String incident) {
        Instant now = Instant.now();
        var data = new OutageEvent(scope, incident, SigningKeysResource.VANTAGE, now, List.of(), false);
        return CloudEvent.of(UUID.randomUUID().toString(), "/test", type, scope, now, data);
    }

    private static String runbook(String name, String scope) {
        return ("{apiVersion: baran.io/v1, kind: Runbook, metadata: {name: %1$s}, spec: {protects: %1$s, "
                        + "trigger: {outage: {scope: %2$s}, approval: none}, failover: [{name: move-traffic, action: dns.switch, "
                        + "with: {provider: test, zone: example.com, record: %1$s, type: CNAME, to: standby.example.com}}]}}\n")
                .formatted(name, scope);
    }
}
