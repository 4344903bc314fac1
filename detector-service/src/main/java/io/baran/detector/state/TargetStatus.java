package io.baran.detector.state;

import java.time.Instant;

/**
 * A target as the REST API shows it.
 *
 * @param url without user-info
 * @param lastResult what the last probe saw, null before the first probe
 */
public record TargetStatus(
        String name,
        String scope,
        String url,
        Health state,
        int consecutiveFailures,
        int consecutiveSuccesses,
        String lastResult,
        Instant lastCheckedAt) {
}
