package io.baran.orchestrator.schedule;

import io.baran.orchestrator.config.DrillConfig;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * At start, the namespace's drill schedules are made those of the catalog (files loaded, runbooks deleted meanwhile);
 * then again every {@code baran.drill.schedule-check}, so a schedule Temporal did not take (it was down at a save, a
 * delete or the start) is written once it answers, and one deleted or left behind is put right.
 */
@ApplicationScoped
public class DrillSchedulesAtStart {

    private static final Logger LOG = Logger.getLogger(DrillSchedulesAtStart.class);

    @Inject
    RunbookCatalog catalog;

    @Inject
    DrillConfig config;

    private ScheduledExecutorService checks;

    void reconcile(@Observes StartupEvent event) {
        catalog.reconcileSchedules();
        long every = config.scheduleCheck().toMillis();
        if (every <= 0) {
            LOG.warn("baran.drill.schedule-check is 0: drill schedules are made those of the catalog at start only");
            return;
        }
        checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "drill-schedule-check");
            thread.setDaemon(true);
            return thread;
        });
        checks.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            catalog.repairSchedules();
        } catch (RuntimeException e) {
            // The next check tries again; a failure must not end the checks.
            LOG.warnf("drill schedule check failed (%s)", e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (checks != null) {
            checks.shutdownNow();
        }
    }
}
