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
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * Settles, every {@code baran.dispatch.join-sweep.every}, the joins a dispatch could not wait for ({@link
 * DeferredJoins}), so that no outage is dropped by an execution that ends as the outage joins it:
 * <ul>
 * <li>the outage has recovered: nothing is left to do (its recovery is delivered once more, in case an execution this
 * sweep started was not there when it was);</li>
 * <li>the execution shows it took the outage (its {@code BaranIncidents}, as Temporal describes it): taken;</li>
 * <li>the execution still runs: looked at again by a later sweep, however long it holds;</li>
 * <li>it refused the outage (it was ending) and has ended, or it completed with the outage among those it dropped (told
 * by signal once it acted on no further outage, which the Update would have refused): the outage is dispatched again
 * for the service, as its event was ({@link OutageDispatcher}: the catalog's runbooks of the service the scope still
 * triggers, the blast-radius guard, the claims, and a join of whatever acts on the service by then);</li>
 * <li>it completed without naming the outage dropped: it took it, whatever became of it since (aborted by a person, say:
 * no second failover);</li>
 * <li>it ended without a result (terminated, failed) after being told by signal: whether it took the outage cannot be
 * told, and nothing starts (named in the log);</li>
 * <li>an outage detected longer ago than {@code baran.dispatch.join-sweep.max-age} starts nothing when the execution
 * has ended without it (named in the log).</li>
 * </ul>
 * Each instance's sweep takes the joins no sweep looked at within one period and leases them ({@link
 * DeferredJoins#take}), giving back those it looked at and left unsettled and those it did not get to (one whose
 * settling failed waits out its lease, 2 minutes), so instances share them; two dispatching one outage at once start one execution all the same (its workflow id).
 */
@ApplicationScoped
public class JoinSweep {

    private static final Logger LOG = Logger.getLogger(JoinSweep.class);

    /** The source of the outage events the sweep dispatches again (the signed event's id is kept). */
    public static final String SOURCE = "/baran/orchestrator/join-sweep";

    /** Joins looked at per sweep at most; the rest wait for the next (those looked at least recently first). */
    static final int PER_SWEEP = 100;

    /** A sweep stops after this many joins it could not settle for an error (Temporal or the database down). */
    static final int ERRORS_PER_SWEEP = 3;

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
        sweeps = Sweeps.every("join-sweep", config.joinSweep().every(), this::sweep);
    }

    void stop(@Observes ShutdownEvent event) {
        if (sweeps != null) {
            sweeps.shutdownNow();
        }
    }

    /** Looks at the joins no sweep looked at within one period; returns how many it settled. */
    public int sweep() {
        int settled = 0;
        int errors = 0;
        java.util.Deque<DeferredJoins.Deferred> left = new java.util.ArrayDeque<>(
                joins.take(PER_SWEEP, config.joinSweep().every()));
        try {
            while (!left.isEmpty() && !Thread.currentThread().isInterrupted()) {
                DeferredJoins.Deferred join = left.peek();
                String outcome;
                try {
                    outcome = settle(join);
                } catch (OutageDispatcher.Abandoned stopping) {
                    return settled; // shutting down
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "outage %s of service %s, told to execution %s: not settled yet (%s); a later sweep tries"
                                    + " again",
                            join.incidentId(), join.service(), join.executionId(), e.getMessage());
                    if (++errors >= ERRORS_PER_SWEEP) {
                        return settled; // Temporal or the database down, likely: the rest wait for the next sweep
                    }
                    continue; // given back below
                } finally {
                    left.poll();
                }
                if (outcome == null) {
                    joins.release(join);
                } else if (joins.settle(join, outcome)) {
                    settled++;
                    LOG.infof(
                            "outage %s of service %s, told to execution %s: %s",
                            join.incidentId(), join.service(), join.executionId(), outcome);
                }
            }
            return settled;
        } finally {
            // Those not looked at (shutting down, or after errors) go back for any instance's next sweep.
            giveBack(left);
        }
    }

    private void giveBack(java.util.Collection<DeferredJoins.Deferred> left) {
        for (DeferredJoins.Deferred join : left) {
            try {
                joins.release(join);
            } catch (RuntimeException e) {
                return; // the database does not answer: their lease ends on its own
            }
        }
    }

    /** How the join settles now; null while the execution runs. */
    private String settle(DeferredJoins.Deferred join) {
        if (ledger.recoveredSince(join.incidentId(), join.detectedAt())) {
            // Delivered once more: an execution an earlier sweep started may not have been there when it was.
            launcher.signalRecovered(join.incidentId(), runbooksOf(join));
            return "recovered; nothing started";
        }
        ExecutionLauncher.Fate fate =
                launcher.fateOf(join.executionId(), join.incidentId(), join.reason() == DeferredJoins.Reason.REFUSED);
        if (fate == ExecutionLauncher.Fate.RUNNING) {
            // Not settled before it ends or shows it took the outage, however long that takes (a hold of hours).
            return null;
        }
        if (fate == ExecutionLauncher.Fate.TAKEN) {
            return "taken";
        }
        if (fate == ExecutionLauncher.Fate.UNKNOWN) {
            LOG.errorf(
                    "outage %s of service %s was told by signal to execution %s, which ended without a result (or is"
                            + " gone): whether it took the outage is not known, so no failover is started for it; start"
                            + " one by hand if the service is still down",
                    join.incidentId(), join.service(), join.executionId());
            return "not known whether the execution took it (it ended without a result); nothing started";
        }
        boolean tooOld = join.detectedAt()
                .isBefore(Instant.now().minus(config.joinSweep().maxAge()));
        if (tooOld) {
            LOG.errorf(
                    "outage %s of service %s (event %s) was told to execution %s, which ended without it, and was"
                            + " detected more than %s ago (baran.dispatch.join-sweep.max-age): no failover is started"
                            + " for it; start one by hand if the service is still down",
                    join.incidentId(),
                    join.service(),
                    join.eventId(),
                    join.executionId(),
                    config.joinSweep().maxAge());
            return "expired: detected more than " + config.joinSweep().maxAge() + " ago; nothing started";
        }
        List<Runbook> runbooks = runbooksOf(join);
        if (runbooks.isEmpty()) {
            return "ended without it; no runbook of the service is triggered by " + join.scope()
                    + " now, so nothing started";
        }
        OutageDispatcher.Outcome outcome = dispatcher.dispatch(eventOf(join), runbooks);
        if (ledger.recoveredSince(join.incidentId(), join.detectedAt())) {
            // Recovered while it was dispatched: its delivery may have looked before these executions existed (a
            // failure here leaves the join unsettled, and the next sweep delivers it).
            launcher.signalRecovered(join.incidentId(), runbooks);
        }
        return "ended without it; dispatched again: " + outcome.started() + " started, " + outcome.alreadyStarted()
                + " already running, " + outcome.joined() + " joined another execution, " + outcome.deferred()
                + " left to the join sweep again, " + outcome.skipped() + " not started";
    }

    /** The catalog's runbooks of the join's service that its scope triggers now. */
    private List<Runbook> runbooksOf(DeferredJoins.Deferred join) {
        return catalog.triggeredBy(join.scope()).stream()
                .filter(r -> join.service().equals(r.protects()))
                .toList();
    }

    /** The outage's event as the dispatch read it (its id, scope, incident, detection), without its targets. */
    private static CloudEvent<OutageEvent> eventOf(DeferredJoins.Deferred join) {
        return CloudEvent.of(
                join.eventId(),
                SOURCE,
                OutageEvent.DETECTED,
                join.scope(),
                join.detectedAt(),
                new OutageEvent(join.scope(), join.incidentId(), join.vantage(), join.outageSince(), List.of(), false));
    }
}
