package io.baran.detector.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A target as the REST API shows it.
 *
 * @param url                 what is probed, without user-info
 * @param state               as the scope sees it: DOWN while held down by flap damping
 * @param lastResult          what the last probe saw, null before the first probe
 * @param kind                http, https, tcp, dns, s3, gs or az
 * @param probedState         from the probes alone, before flap damping
 * @param flapPenalty         the current flap penalty, decaying; the target is held DOWN while {@code damped}
 * @param origin              CONFIG (application properties) or API (added at run time)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetStatus(
        String name,
        String scope,
        String url,
        Health state,
        int consecutiveFailures,
        int consecutiveSuccesses,
        String lastResult,
        Instant lastCheckedAt,
        String kind,
        Health probedState,
        long flapPenalty,
        boolean damped,
        String origin,
        String interval) {}
