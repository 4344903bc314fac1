package io.baran.orchestrator.schedule;

import io.baran.orchestrator.runbook.RunbookCatalog;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** At start, the namespace's drill schedules are made those of the catalog (files loaded, runbooks deleted meanwhile). */
@ApplicationScoped
public class DrillSchedulesAtStart {

    @Inject
    RunbookCatalog catalog;

    void reconcile(@Observes StartupEvent event) {
        catalog.reconcileSchedules();
    }
}
