package io.baran.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Temporal cluster the workflows run on. */
@ConfigMapping(prefix = "baran.temporal")
public interface TemporalConfig {

    /** host:port of the Temporal frontend. */
    @WithDefault("127.0.0.1:7233")
    String target();

    /** Temporal namespace the workflows run in. */
    @WithDefault("default")
    String namespace();

    /** Whether this instance runs the workflow worker. */
    @WithDefault("true")
    boolean worker();
}
