package io.baran.orchestrator.messaging;

import io.baran.orchestrator.config.EventsConfig;
import io.baran.orchestrator.config.FailoverConfig;
import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.runbook.RunningExecutions;
import io.baran.workflow.RunbookWorkflow;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;
import io.baran.workflow.Actor;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.baran.runbook.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Turns outage events into runbook executions: {@code outage.detected} starts the failover of every
 * runbook whose trigger matches the scope, {@code outage.recovered} signals every execution that answers the
 * incident (started for it or joined by it), whatever has happened to the catalog since. Safe to redeliver: the
 * workflow id derives from runbook and incident. An event that still cannot be handled after retrying
 * goes to the dead-letter topic rather than being dropped.
 */
@ApplicationScoped
public class OutageEventConsumer {

    private static final Logger LOG = Logger.getLogger(OutageEventConsumer.class);

    @Inject
    RunbookCatalog catalog;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    RunbookVersions versions;

    @Inject
    EventsConfig events;

    @Inject
    FailoverConfig failover;

    @Inject
    EventVerifier verifier;

    @Incoming("health-events")
    @Blocking
    public void onEvent(String json) {
        verifier.verify(json); // unsigned, unknown key, bad signature, replayed: refused, to the dead-letter topic
        CloudEvent<OutageEvent> event = EventCodec.decodeOutage(json);
        OutageEvent outage = event.data();
        if (outage.drill()) {
            LOG.infof("event %s is a simulated outage of %s; simulated outages are not acted on yet", event.id(), outage.scope());
            return;
        }
        if (OutageEvent.DETECTED.equals(event.type()) && isStale(event)) {
            LOG.warnf("event %s: outage of %s detected at %s is older than %s; no failover started (start one by hand if it"
                    + " is still needed)", event.id(), outage.scope(), event.time(), events.maxAge());
            return;
        }
        List<Runbook> runbooks = catalog.triggeredBy(outage.scope());
        if (!OutageEvent.DETECTED.equals(event.type())) {
            // Routed to the executions that answer the incident, whatever the catalog says now.
            withRetry(event, () -> launcher.signalRecovered(outage.incidentId(), runbooks));
            return;
        }
        if (runbooks.isEmpty()) {
            LOG.infof("event %s (%s of %s): no runbook is triggered by this scope", event.id(), event.type(), outage.scope());
            return;
        }
        for (Runbook runbook : runbooks) {
            dispatch(event, runbook);
        }
    }

    /**
     * Starts (or joins) the failover of one runbook for the outage. The execution is first claimed under the
     * runbook's lock, so a delete racing the dispatch is refused, and a delete or retarget saved before it is seen:
     * a deleted runbook starts nothing, a changed one is read again and started only if it is still triggered.
     */
    private void dispatch(CloudEvent<OutageEvent> event, Runbook read) {
        OutageEvent outage = event.data();
        Runbook runbook = read;
        String claimed = RunbookWorkflow.idForIncident(runbook.name(), outage.incidentId());
        for (int attempt = 0; ; attempt++) {
            RunbookVersions.Claim claim;
            try {
                claim = versions.claimDispatch(claimed, runbook.name(), runbook.version());
            } catch (RuntimeException e) {
                // A failover must not wait on the database: start it; only the delete guard is lost.
                LOG.warnf("event %s: cannot claim execution %s in the database (%s); starting it unclaimed", event.id(),
                        claimed, e.getMessage());
                claimed = null;
                break;
            }
            if (claim == RunbookVersions.Claim.CLAIMED) {
                break;
            }
            if (claim == RunbookVersions.Claim.DELETED) {
                LOG.infof("event %s (outage of %s): runbook %s was deleted before its failover started; nothing started",
                        event.id(), outage.scope(), runbook.name());
                return;
            }
            Runbook current = catalog.find(runbook.name()).orElse(null);
            if (current == null || current.trigger() == null || !current.trigger().matches(outage.scope()) || attempt >= 3) {
                LOG.infof("event %s (outage of %s): runbook %s changed before its failover started and is no longer "
                        + "triggered by this scope; nothing started", event.id(), outage.scope(), runbook.name());
                return;
            }
            runbook = current;
        }
        Runbook chosen = runbook;
        String claim = claimed;
        try {
            withRetry(event, () -> {
                String handling = launcher.startForIncident(chosen, outage.incidentId(), outage.scope(),
                        outage.since() == null ? null : outage.since().toEpochMilli(), chosen.version(), approvalTimeout(chosen),
                        Actor.system(event.id()));
                if (claim != null && !handling.equals(claim)) {
                    versions.finished(claim); // joined another execution: the claimed one will never exist
                }
            });
        } catch (RuntimeException e) {
            if (claim != null) {
                release(claim);
            }
            throw e;
        }
    }

    private void release(String claim) {
        try {
            versions.finished(claim);
        } catch (RuntimeException e) {
            LOG.warnf("cannot release the claim on %s (%s); it counts as running for %s", claim, e.getMessage(),
                    RunningExecutions.STARTING_GRACE);
        }
    }

    /** The runbook's own approval timeout, or the configured default. */
    private Duration approvalTimeout(Runbook runbook) {
        String own = runbook.trigger() == null ? null : runbook.trigger().approvalTimeout();
        return own != null ? Durations.parse(own) : failover.approvalTimeout();
    }

    private boolean isStale(CloudEvent<OutageEvent> event) {
        Instant at = event.time() != null ? event.time() : event.data().since();
        return at == null || at.isBefore(Instant.now().minus(events.maxAge()));
    }

    /** Temporal may be briefly unreachable; retry with backoff for a bounded time, then let the event fail. */
    private void withRetry(CloudEvent<OutageEvent> event, Runnable action) {
        long deadline = System.nanoTime() + events.retryFor().toNanos();
        long backoff = 250;
        while (true) {
            try {
                action.run();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                    LOG.errorf("event %s (%s of %s) could not be acted on: %s", event.id(), event.type(), event.data().scope(), e.getMessage());
                    throw e;
                }
                LOG.warnf("event %s: %s; retrying in %d ms", event.id(), e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }
}
