package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Temporal frontend this worker polls for activity tasks. */
@ConfigMapping(prefix = "baran.temporal")
public interface TemporalConfig {

    /** host:port of the Temporal frontend. */
    @WithDefault("127.0.0.1:7233")
    String target();

    /** The Temporal namespace the worker polls. */
    @WithDefault("default")
    String namespace();
}
