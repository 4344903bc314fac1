package io.baran.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Handling of outage events from Kafka. */
@ConfigMapping(prefix = "baran.events")
public interface EventsConfig {

    /** How long an outage event is retried against Temporal before it goes to the dead-letter topic. */
    @WithDefault("30s")
    Duration retryFor();

    /**
     * An outage.detected event older than this starts nothing: a consumer that joins late, or replays the
     * topic from its start, must not fail over for an outage that may long be over. Recoveries are always
     * delivered.
     */
    @WithDefault("5m")
    Duration maxAge();

    /**
     * An outage.detected event dated more than this after the orchestrator's clock is refused ({@code future}): a
     * signer whose clock runs ahead would otherwise make its events fresh, so replayable, for longer than
     * {@link #maxAge()}. Room for clocks that disagree a little; recoveries are never refused for their time.
     */
    @WithDefault("1m")
    Duration maxSkew();

    /**
     * How often each orchestrator instance delivers again the recoveries recorded and not delivered (their event's
     * handling gave up, e.g. Temporal did not answer for longer than {@link #retryFor()} or the event's max age): the
     * executions answering the incident are told it recovered once Temporal answers. 0: never (a recovery whose
     * handling gave up is only in the dead-letter topic).
     */
    @WithDefault("1m")
    Duration recoverySweep();
}
