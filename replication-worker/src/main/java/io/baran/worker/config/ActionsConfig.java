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

    /**
     * Long polls on {@code baran-actions} held open at once. A poll brings one step, so a burst of a thousand steps
     * reaches the worker only as fast as its polls come back: Temporal's default of 5 hands out about a hundred steps a
     * second on a busy server, and the steps of a mass failover wait in the task queue meanwhile. A fixed number, not
     * the SDK's poller autoscaling: with it, mass-failover benchmark runs had plans reach the idle worker only at their
     * timeout's retry, a minute late (most likely polls cancelled after the server had handed them a step).
     */
    @WithDefault("16")
    int taskPollers();
}
