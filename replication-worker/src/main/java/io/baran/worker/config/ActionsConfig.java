package io.baran.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How many runbook actions this worker runs at once. */
@ConfigMapping(prefix = "baran.actions")
public interface ActionsConfig {

    /**
     * Steps (activities) this worker runs at the same time. Most of a step's time is spent waiting (for the API budget,
     * for its zone's batch to be served, for a replica to be promoted), and the more steps wait together, the more of
     * their changes go in one batch: a mass failover of 1,000 services wants them all in flight. Temporal's own default
     * is 200.
     */
    @WithDefault("1000")
    int maxConcurrent();

    /**
     * Readiness checks this worker runs at the same time, on their own task queue ({@code baran-readiness}), so that a
     * readiness round of many runbooks never holds the slots failover steps need; their provider calls also wait
     * behind every step's ({@code CallPriority#BACKGROUND}).
     */
    @WithDefault("8")
    int readinessMaxConcurrent();
}
