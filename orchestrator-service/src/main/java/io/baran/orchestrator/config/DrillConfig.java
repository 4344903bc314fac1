package io.baran.orchestrator.config;

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
}
