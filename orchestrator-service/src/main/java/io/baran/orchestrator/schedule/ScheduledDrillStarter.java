package io.baran.orchestrator.schedule;

import io.baran.orchestrator.config.DrillConfig;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;
import io.baran.workflow.Actor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Starts the drill a runbook's schedule fired for: the runbook's current version, held for its
 * {@code spec.drills.hold} (at most {@code baran.drill.max-hold}), started by {@code system} with the firing as its
 * event. Skipped, with the reason as the scheduled workflow's result and in the log, when the runbook is no longer
 * served or scheduled, or when another execution of its service runs.
 */
@ApplicationScoped
public class ScheduledDrillStarter implements ScheduledDrills {

    private static final Logger LOG = Logger.getLogger(ScheduledDrillStarter.class);

    @Inject
    RunbookCatalog catalog;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    DrillConfig drill;

    @Override
    public String start(String runbookName, String firingId) {
        Optional<Runbook> found = catalog.find(runbookName);
        if (found.isEmpty()
                || found.get().drills() == null
                || found.get().drills().schedule() == null) {
            return skipped(runbookName, "runbook " + runbookName + " is no longer served with a drill schedule");
        }
        Runbook runbook = found.get();
        Duration hold = drill.holdOf(runbook);
        String id = executionId(runbookName, firingId);
        try {
            launcher.startSystemDrill(runbook, id, hold, null, null, null, Actor.system(firingId));
            return id;
        } catch (ExecutionLauncher.Busy | RunbookVersions.Deleted notNow) {
            return skipped(runbookName, notNow.getMessage());
        }
    }

    /** {@code drill-<runbook>-<8 hex of the firing>}: a retried start finds the drill it started. */
    static String executionId(String runbook, String firingId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(firingId.getBytes(StandardCharsets.UTF_8));
            return "drill-" + runbook + "-" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String skipped(String runbook, String why) {
        LOG.warnf("scheduled drill of runbook %s skipped: %s", runbook, why);
        return "skipped: " + why;
    }
}
