package io.baran.orchestrator.readiness;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Continuous readiness, under {@code baran.readiness}: how often every runbook is evaluated, and what counts. */
@ConfigMapping(prefix = "baran.readiness")
public interface ReadinessConfig {

    /** Whether this orchestrator starts the readiness schedule (one for the whole deployment, in Temporal). */
    @WithDefault("true")
    boolean enabled();

    /** How often every runbook is evaluated; a change takes effect at the next start of an orchestrator. */
    @WithDefault("10m")
    Duration interval();

    /** How long the replication-worker may take to check one step before the step counts as not ready. */
    @WithDefault("2m")
    Duration checkTimeout();

    /**
     * A switched record whose current TTL is longer than this makes its runbook degraded: resolvers may keep sending
     * clients to the failed primary that long after the switch.
     */
    @WithDefault("1h")
    Duration maxTtl();

    /**
     * How long the detectors take to declare an outage (a probe interval times the failures in a row they need),
     * the first part of the predicted RTO: executions record when they started, not when the outage began.
     */
    @WithDefault("30s")
    Duration detection();

    /** How many of a runbook's latest drills and failovers the prediction and the history read. */
    @WithDefault("50")
    int history();

    /** Fewer detector vantages than this in {@code baran.signing.roster} make every runbook degraded. */
    @WithDefault("2")
    int minVantages();

    /**
     * Where Baran's Temporal runs, as an outage scope ({@code aws/us-east-1}); a runbook triggered by an outage of
     * that scope is degraded (its failover would need the Temporal that went down with it). Unset: not checked.
     */
    Optional<String> temporalScope();

    /** Where Baran's Kafka runs, as an outage scope; the same rule as {@link #temporalScope()}. Unset: not checked. */
    Optional<String> kafkaScope();

    /**
     * A provider quota a step draws on (a Route 53 hosted zone's record sets), at least this full in percent, makes the
     * runbook degraded.
     */
    @WithDefault("80")
    int quotaDegradedPercent();

    /**
     * A provider quota at least this full in percent makes the runbook not ready when one of its steps adds to it (a
     * switch that creates its record); a step that would overrun the limit is not ready whatever this says.
     */
    @WithDefault("100")
    int quotaNotReadyPercent();
}
