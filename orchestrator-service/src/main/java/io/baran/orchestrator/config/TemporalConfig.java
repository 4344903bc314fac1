package io.baran.orchestrator.config;

import io.baran.workflow.temporal.TemporalConnectionConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Temporal cluster the workflows run on: target, namespace, TLS, API key and payload codec as every service
 * reads them ({@link TemporalConnectionConfig}), and what is the orchestrator's own.
 */
@ConfigMapping(prefix = "baran.temporal")
public interface TemporalConfig extends TemporalConnectionConfig {

    /** Whether this instance runs the workflow worker. */
    @WithDefault("true")
    boolean worker();
}
