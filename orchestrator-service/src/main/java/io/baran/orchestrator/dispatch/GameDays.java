package io.baran.orchestrator.dispatch;

import io.baran.events.CloudEvent;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.config.DrillConfig;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;
import io.baran.workflow.Actor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A game day: a simulated outage (the detector's {@code POST /api/simulations}, marked {@code drill: true} end to end)
 * starts a <em>drill</em> of every runbook its scope triggers — fail over, verify, hold, fail back — never a failover.
 * Each drill carries the simulated incident and its start, so its report measures the RTO from the simulated outage's
 * start (detection included) and scores it against the runbook's objectives. Simulations never count for the
 * blast-radius guard, never claim a dispatch, and never join a running execution: a service that is busy is skipped.
 */
@ApplicationScoped
public class GameDays {

    private static final Logger LOG = Logger.getLogger(GameDays.class);

    @Inject
    ExecutionLauncher launcher;

    @Inject
    DrillConfig drill;

    @Inject
    RunbookVersions versions;

    /** The drill's id: derived from runbook and simulated incident, so a redelivered event starts nothing twice. */
    public static String executionId(String runbook, String incidentId) {
        return "gameday-" + runbook + "-" + incidentId.replaceAll("[^A-Za-z0-9._@-]", "_");
    }

    /**
     * Starts the drills of a simulated outage.
     *
     * @return the ids of the drills started or already running for it
     */
    public List<String> start(CloudEvent<OutageEvent> event, List<Runbook> runbooks) {
        OutageEvent outage = event.data();
        List<String> started = new ArrayList<>();
        for (Runbook runbook : runbooks) {
            String id = executionId(runbook.name(), outage.incidentId());
            try {
                launcher.startSystemDrill(
                        runbook,
                        id,
                        drill.holdOf(runbook),
                        outage.incidentId(),
                        outage.scope(),
                        outage.since() == null ? null : outage.since().toEpochMilli(),
                        Actor.system(event.id()));
                started.add(id);
            } catch (ExecutionLauncher.Busy | RunbookVersions.Deleted notNow) {
                LOG.warnf(
                        "simulated outage of %s (incident %s): no drill of runbook %s: %s",
                        outage.scope(), outage.incidentId(), runbook.name(), notNow.getMessage());
            }
        }
        versions.outageBegan(started, outage.since());
        LOG.infof(
                "simulated outage of %s (incident %s): game-day drills %s",
                outage.scope(), outage.incidentId(), started);
        return started;
    }
}
