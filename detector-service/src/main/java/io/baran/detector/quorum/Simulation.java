package io.baran.detector.quorum;

import java.time.Instant;

/**
 * A request to simulate an outage of a scope, sent on the verdicts topic so that it reaches the aggregator that
 * owns the scope. The aggregator publishes {@code outage.detected} with {@code drill=true} at once and
 * {@code outage.recovered} (also a drill) at {@code until}; real verdicts are untouched.
 *
 * @param startBy the aggregator starts the drill only until then, so that a request its caller was told failed (no
 *     aggregator started it in time) never starts later; null (requests of older versions) for no limit
 */
public record Simulation(
        String scope, String incidentId, Instant since, Instant until, String requestedBy, Instant startBy) {

    public static final String TYPE = "io.baran.vantage.simulation";

    /** A request with no start limit. */
    public Simulation(String scope, String incidentId, Instant since, Instant until, String requestedBy) {
        this(scope, incidentId, since, until, requestedBy, null);
    }

    /** Drill incidents are named apart from real ones, so that no one can mistake one for the other. */
    public static String incidentId(String scope, Instant since) {
        return scope + "@drill-" + since.toEpochMilli();
    }
}
