package io.baran.orchestrator.config;

import io.baran.runbook.Durations;
import io.baran.runbook.Runbook;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Drills started through the REST API. */
@ConfigMapping(prefix = "baran.drill")
public interface DrillConfig {

    /** How long a drill stays failed over before it fails back, unless the request says otherwise. */
    @WithDefault("10s")
    Duration hold();

    /** The longest hold a drill request may ask for. */
    @WithDefault("24h")
    Duration maxHold();

    /**
     * How often the drill schedules in Temporal are made those of the catalog: a schedule Temporal did not take at
     * a save or delete is written again, one missing is created, one of no scheduled runbook deleted, one written
     * from another spec than the latest version's written again; 0: at start only.
     */
    @WithDefault("1m")
    Duration scheduleCheck();

    /**
     * The hold of a drill the orchestrator starts itself (a schedule's, a game day's): the runbook's {@code
     * spec.drills.hold}, else {@link #hold()}; at most {@link #maxHold()}, a longer one cut to it with a warning.
     */
    default Duration holdOf(Runbook runbook) {
        Duration hold =
                runbook.drills() != null ? Durations.parse(runbook.drills().hold()) : hold();
        if (hold.compareTo(maxHold()) > 0) {
            org.jboss.logging.Logger.getLogger(DrillConfig.class)
                    .warnf(
                            "runbook %s: drill hold %s is longer than baran.drill.max-hold %s; the drill holds %s",
                            runbook.name(), hold, maxHold(), maxHold());
            return maxHold();
        }
        return hold;
    }
}
