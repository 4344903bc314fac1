package io.baran.orchestrator.dispatch;

import io.baran.orchestrator.config.EventsConfig;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * Delivers again, every {@code baran.events.recovery-sweep}, the recoveries the ledger recorded and the event's
 * handling could not deliver (it went to the dead-letter topic: Temporal did not answer for longer than its retries):
 * the executions that answer the incident are told it recovered once Temporal answers, so none stays failed over for
 * an outage that is over. A recovery is picked up only once it is older than one sweep period (the event's own
 * handling delivers it first); two instances sweeping at once tell an execution twice, which changes nothing.
 */
@ApplicationScoped
public class RecoverySweep {

    private static final Logger LOG = Logger.getLogger(RecoverySweep.class);

    /** Recoveries delivered per sweep at most; the rest wait for the next. */
    static final int PER_SWEEP = 200;

    @Inject
    OutageLedger ledger;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    RunbookCatalog catalog;

    @Inject
    EventsConfig events;

    private ScheduledExecutorService sweeps;

    void start(@Observes StartupEvent event) {
        long every = events.recoverySweep().toMillis();
        if (every <= 0) {
            LOG.warn(
                    "baran.events.recovery-sweep is 0: a recovery whose handling gave up is only in the dead-letter topic");
            return;
        }
        sweeps = Sweeps.every("recovery-sweep", events.recoverySweep(), this::sweep);
    }

    /**
     * Delivers the recoveries recorded more than one sweep period ago and not delivered; returns how many it delivered
     * (a recovery Temporal did not take stays for the next sweep).
     */
    public int sweep() {
        List<OutageLedger.Recovery> pending = ledger.undelivered(events.recoverySweep(), PER_SWEEP);
        int delivered = 0;
        for (OutageLedger.Recovery recovery : pending) {
            Set<String> told;
            try {
                told = launcher.signalRecovered(recovery.incidentId(), catalog.triggeredBy(recovery.scope()));
            } catch (RuntimeException e) {
                LOG.warnf(
                        "recovery of incident %s (%s) not delivered yet (%s); the next sweep tries again",
                        recovery.incidentId(), recovery.scope(), e.getMessage());
                return delivered;
            }
            ledger.delivered(recovery.incidentId());
            delivered++;
            LOG.infof(
                    "recovery of incident %s (%s) delivered by the sweep to %s",
                    recovery.incidentId(), recovery.scope(), told.isEmpty() ? "no running execution" : told);
        }
        return delivered;
    }

    void stop(@Observes ShutdownEvent event) {
        if (sweeps != null) {
            sweeps.shutdownNow();
        }
    }
}
