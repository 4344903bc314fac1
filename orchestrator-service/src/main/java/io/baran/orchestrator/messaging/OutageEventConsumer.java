package io.baran.orchestrator.messaging;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.KafkaTrace;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.config.DispatchConfig;
import io.baran.orchestrator.config.EventsConfig;
import io.baran.orchestrator.dispatch.GameDays;
import io.baran.orchestrator.dispatch.OutageDispatcher;
import io.baran.orchestrator.dispatch.OutageLedger;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;
import io.baran.workflow.Traced;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Turns outage events into runbook executions: {@code outage.detected} starts the failover of every
 * runbook whose trigger matches the scope, {@code outage.recovered} signals every execution that answers the
 * incident (started for it or joined by it), whatever has happened to the catalog since. Safe to redeliver: the
 * workflow id derives from runbook and incident. An event that cannot be handled is tried again for as long as it
 * may still be acted on ({@link #retryWindow}), then goes to the dead-letter topic rather than being dropped; a copy
 * of it delivered later is still acted on (only events acted on count as seen). A simulated outage ({@code drill: true}) starts drills
 * of the runbooks its scope triggers that the person who asked for it may drill, never a failover ({@link GameDays}).
 *
 * <p>Handling an event is a span, a child of the detector's publishing span when the record's headers carry its trace
 * context ({@link KafkaTrace}); the workflow starts inside it carry the trace on into Temporal.
 */
@ApplicationScoped
public class OutageEventConsumer {

    private static final Logger LOG = Logger.getLogger(OutageEventConsumer.class);

    @Inject
    RunbookCatalog catalog;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    OutageDispatcher dispatcher;

    @Inject
    OutageLedger ledger;

    @Inject
    DispatchConfig dispatch;

    @Inject
    EventsConfig events;

    @Inject
    EventVerifier verifier;

    @Inject
    GameDays gameDays;

    /**
     * Acknowledges the record once the event is handled, and hands it to the dead-letter topic when its handling
     * failed; a dispatch {@link OutageDispatcher.Abandoned abandoned} because the orchestrator is shutting down is
     * neither: its offset is not committed, so the event is delivered again and its redelivery starts what this one
     * did not.
     */
    @Incoming("health-events")
    @Blocking
    public CompletionStage<Void> onEvent(Message<String> message) {
        var record = message.getMetadata(IncomingKafkaRecordMetadata.class);
        Span span = KafkaTrace.receive(
                record.map(IncomingKafkaRecordMetadata::getHeaders).orElseGet(RecordHeaders::new),
                record.map(IncomingKafkaRecordMetadata::getTopic).orElse("baran.health-events"),
                "outage event");
        try {
            Traced.run(span, Context.root(), () -> onEvent(message.getPayload()));
        } catch (OutageDispatcher.Abandoned e) {
            LOG.warnf("%s; the event is not acknowledged", e.getMessage());
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return message.nack(e);
        }
        return message.ack();
    }

    /** Handles one event, in the current trace. */
    void onEvent(String json) {
        verifier.verify(json); // unsigned, unknown key, bad signature, replayed: refused, to the dead-letter topic
        CloudEvent<OutageEvent> event = EventCodec.decodeOutage(json);
        Span.current().updateName("process " + event.type());
        Span.current().setAttribute("baran.scope", event.data().scope());
        Span.current()
                .setAttribute("baran.incident", String.valueOf(event.data().incidentId()));
        // Temporal restarting, PostgreSQL failing over: the whole handling is tried again (every part of it is
        // idempotent) for as long as the event may still be acted on, and only then dead-lettered.
        OutageDispatcher.withRetry(event, retryWindow(event, Instant.now(), events.retryFor(), events.maxAge()), () -> {
            handle(event);
            return null;
        });
        verifier.actedOn(event); // a copy is refused as replayed only once one was acted on
    }

    /**
     * How long the handling of an event is tried again before it goes to the dead-letter topic: until it is
     * {@code maxAge} old (an {@code outage.detected} older than that starts nothing anyway, and a recovery gets the
     * same chance), at least {@code retryFor}.
     */
    static Duration retryWindow(CloudEvent<OutageEvent> event, Instant now, Duration retryFor, Duration maxAge) {
        Instant at = event.time() != null ? event.time() : event.data().since();
        if (at == null) {
            return retryFor;
        }
        Duration untilTooOld = Duration.between(now, at.plus(maxAge));
        return untilTooOld.compareTo(retryFor) > 0 ? untilTooOld : retryFor;
    }

    /** Records the recovery in the database; false (logged) when the database does not answer. */
    private boolean recordRecovery(OutageEvent outage) {
        try {
            ledger.recovered(outage.incidentId(), outage.scope());
            return true;
        } catch (RuntimeException e) {
            LOG.warnf(
                    "cannot record the recovery of incident %s in the database (%s); it counts as down for the "
                            + "blast-radius guard until %s after it was detected, and only this event delivers it",
                    outage.incidentId(), e.getMessage(), dispatch.blastRadius().window());
            return false;
        }
    }

    private void handle(CloudEvent<OutageEvent> event) {
        OutageEvent outage = event.data();
        if (OutageEvent.DETECTED.equals(event.type()) && isStale(event)) {
            LOG.warnf(
                    "event %s: outage of %s detected at %s is older than %s; no failover started (start one by hand if it"
                            + " is still needed)",
                    event.id(), outage.scope(), event.time(), events.maxAge());
            return;
        }
        List<Runbook> runbooks = catalog.triggeredBy(outage.scope());
        if (outage.drill()) {
            // A game day: drills only, never a failover; the drills fail back after their hold.
            if (OutageEvent.DETECTED.equals(event.type())) {
                OutageDispatcher.withRetry(event, events.retryFor(), () -> gameDays.start(event, runbooks));
            } else {
                LOG.infof(
                        "event %s: simulated outage of %s recovered; its drills fail back after their hold",
                        event.id(), outage.scope());
            }
            return;
        }
        if (!OutageEvent.DETECTED.equals(event.type())) {
            // Recorded first (no longer down for the blast-radius guard, and delivered again by the recovery sweep if
            // this handling gives up), then routed to the executions that answer the incident, whatever the catalog
            // says now.
            boolean recorded = recordRecovery(outage);
            OutageDispatcher.withRetry(
                    event, events.retryFor(), () -> launcher.signalRecovered(outage.incidentId(), runbooks));
            if (recorded) {
                try {
                    ledger.delivered(outage.incidentId());
                } catch (RuntimeException e) {
                    LOG.debugf(
                            "recovery of incident %s delivered, not marked so (%s): the sweep tells its executions again",
                            outage.incidentId(), e.getMessage());
                }
            }
            return;
        }
        if (runbooks.isEmpty()) {
            LOG.infof(
                    "event %s (%s of %s): no runbook is triggered by this scope",
                    event.id(), event.type(), outage.scope());
            return;
        }
        if (recoveredAlready(outage.incidentId(), event.time() != null ? event.time() : outage.since())) {
            LOG.warnf(
                    "event %s: outage %s of %s was detected before its recorded recovery (a replayed or late copy); no "
                            + "failover started (start one by hand if it is still needed)",
                    event.id(), outage.incidentId(), outage.scope());
            return;
        }
        dispatcher.dispatch(event, runbooks);
    }

    /**
     * Whether the ledger holds the incident's recovery, recorded after this detection was made: the detection is then a
     * copy (replayed after a restart, which forgets the ids seen) and must not start a failover that no recovery would
     * end. False when the database does not answer: a failover never waits on it.
     */
    private boolean recoveredAlready(String incidentId, Instant detectedAt) {
        if (incidentId == null || detectedAt == null) {
            return false;
        }
        try {
            return ledger.recoveredSince(incidentId, detectedAt);
        } catch (RuntimeException e) {
            LOG.debugf("cannot read whether incident %s recovered (%s); dispatching it", incidentId, e.getMessage());
            return false;
        }
    }

    private boolean isStale(CloudEvent<OutageEvent> event) {
        Instant at = event.time() != null ? event.time() : event.data().since();
        return at == null || at.isBefore(Instant.now().minus(events.maxAge()));
    }
}
