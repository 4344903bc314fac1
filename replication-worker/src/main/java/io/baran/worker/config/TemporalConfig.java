package io.baran.worker.config;

import io.baran.workflow.temporal.TemporalConnectionConfig;
import io.smallrye.config.ConfigMapping;

/**
 * The Temporal frontend this worker polls for activity tasks: target, namespace, TLS, API key and payload codec, the
 * same keys as the orchestrator's ({@link TemporalConnectionConfig}); the codec keys must be the orchestrator's too.
 */
@ConfigMapping(prefix = "baran.temporal")
public interface TemporalConfig extends TemporalConnectionConfig {}
