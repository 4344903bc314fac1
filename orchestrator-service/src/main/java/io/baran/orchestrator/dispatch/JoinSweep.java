package io.baran.orchestrator.dispatch;

import io.baran.events.CloudEvent;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.config.DispatchConfig;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Settles, every {@code baran.dispatch.join-sweep.every}, the joins a dispatch could not wait for ({@link
 * DeferredJoins}), so that no outage is dropped by an execution that ends as the outage joins it:
 * <ul>
 * <li>the execution answers the incident (its {@code BaranIncidents}, as Temporal describes it): it took the outage;</li>
 * <li>the outage has recovered: nothing is left to do;</li>
 * <li>the execution still runs without it: looked at again by the next sweep;</li>
 * <li>it has ended without it (it refused the outage, or dropped the signal as it ended): the outage is dispatched again
 * for the service, as its event was ({@link OutageDispatcher}: the catalog's runbooks of the service the scope still
 * triggers, the blast-radius guard, the claims, and a join of whatever acts on the service by then);</li>
 * <li>an outage detected longer ago than {@code baran.dispatch.join-sweep.max-age} starts nothing (named in the log);
 * nor does one told by signal to an execution that carries no {@code BaranIncidents}, where whether it took the outage
 * cannot be told.</li>
 * </ul>
 * Two instances sweeping at once dispatch an outage twice, which starts one execution (its workflow id).
 */
@ApplicationScoped
public class JoinSweep {

    private static final Logger LOG = Logger.getLogger(JoinSweep.class);

    /** Joins looked at per sweep at most; the rest wait for the next (those looked at least recently first). */
    static final int PER_SWEEP = 200;

    @Inject
    DeferredJoins joins;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    OutageDispatcher dispatcher;

    @Inject
    OutageLedger ledger;

    @Inject
    RunbookCatalog catalog;

    @Inject
    DispatchConfig config;

    private ScheduledExecutorService sweeps;

    void start(@Observes StartupEvent event) {
        long every = config.joinSweep().every().toMillis();
        if (every <= 0) {
            LOG.warn(
                    "baran.dispatch.join-sweep.every is 0: an outage that joins an execution as it ends may be dropped");
            return;
        }
        sweeps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "join-sweep");
            thread.setDaemon(true);
            return thread;
        });
        sweeps.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (sweeps != null) {
            sweeps.shutdownNow();
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // The next sweep tries again; a failure must not end the sweeps.
            LOG.warnf("join sweep failed (%s); the next one tries again", e.getMessage());
        }
    }

    /** Looks at the joins not settled yet; returns how many it settled. */
    public int sweep() {
        int settled = 0;
        for (DeferredJoins.Deferred join : joins.unsettled(PER_SWEEP)) {
            String outcome;
            try {
                outcome = settle(join);
            } catch (OutageDispatcher.Abandoned stopping) {
                return settled; // shutting down: the next instance's sweep takes it
            } catch (RuntimeException e) {
                LOG.warnf(
                        "outage %s of service %s, told to execution %s: not settled yet (%s); the next sweep tries again",
                        join.incidentId(), join.service(), join.executionId(), e.getMessage());
                continue;
            }
            if (outcome == null) {
                joins.checked(join);
            } else if (joins.settle(join, outcome)) {
                settled++;
                LOG.infof(
                        "outage %s of service %s, told to execution %s: %s",
                        join.incidentId(), join.service(), join.executionId(), outcome);
            }
        }
        return settled;
    }

    /** How the join settles now; null while the execution runs and has not taken the outage. */
    private String settle(DeferredJoins.Deferred join) {
        if (join.detectedAt().isBefore(Instant.now().minus(config.joinSweep().maxAge()))) {
            LOG.errorf(
                    "outage %s of service %s (event %s) was told to execution %s, which has not taken it, and was"
                            + " detected more than %s ago (baran.dispatch.join-sweep.max-age): no failover is started"
                            + " for it; start one by hand if the service is still down",
                    join.incidentId(),
                    join.service(),
                    join.eventId(),
                    join.executionId(),
                    config.joinSweep().maxAge());
            return "expired: detected more than " + config.joinSweep().maxAge() + " ago; nothing started";
        }
        if (ledger.recoveredSince(join.incidentId(), join.detectedAt())) {
            return "recovered before the execution took it; nothing started";
        }
        Optional<ExecutionLauncher.Told> told = launcher.told(join.executionId());
        if (told.isPresent() && told.get().answers(join.incidentId())) {
            return "taken";
        }
        if (told.isPresent() && told.get().running()) {
            return null;
        }
        if (join.reason() == DeferredJoins.Reason.SIGNALLED
                && (told.isEmpty() || !told.get().searchable())) {
            LOG.warnf(
                    "outage %s of service %s was told by signal to execution %s, which has ended (or is gone) without"
                            + " BaranIncidents and was not started able to add it: whether it took the outage is not"
                            + " known, so no failover is started for it",
                    join.incidentId(), join.service(), join.executionId());
            return "not known whether the execution took it (it carries no BaranIncidents); nothing started";
        }
        List<Runbook> runbooks = catalog.triggeredBy(join.scope()).stream()
                .filter(r -> join.service().equals(r.protects()))
                .toList();
        if (runbooks.isEmpty()) {
            return "ended without it; no runbook of the service is triggered by " + join.scope()
                    + " now, so nothing started";
        }
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(eventOf(join), runbooks);
        if (ledger.recoveredSince(join.incidentId(), join.detectedAt())) {
            // Recovered while it was dispatched: its recovery may have looked before these executions existed.
            launcher.signalRecovered(join.incidentId(), runbooks);
        }
        return "ended without it; dispatched again: " + outcome.started() + " started, " + outcome.alreadyStarted()
                + " already running, " + outcome.joined() + " joined another execution, " + outcome.deferred()
                + " left to the join sweep again, " + outcome.skipped() + " not started";
    }

    /** The outage's event as the dispatch read it (its id, scope, incident, detection), without its targets. */
    private static CloudEvent<OutageEvent> eventOf(DeferredJoins.Deferred join) {
        return CloudEvent.of(
                join.eventId(),
                "/baran/orchestrator/join-sweep",
                OutageEvent.DETECTED,
                join.scope(),
                join.detectedAt(),
                new OutageEvent(join.scope(), join.incidentId(), join.vantage(), join.outageSince(), List.of(), false));
    }
}
