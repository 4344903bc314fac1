package io.baran.detector.quorum;

import io.baran.events.OutageEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * A request to simulate an outage of a scope, sent on the verdicts topic so that it reaches the aggregator that
 * owns the scope. The aggregator publishes {@code outage.detected} with {@code drill=true} at once and
 * {@code outage.recovered} (also a drill) at {@code until}; real verdicts are untouched.
 *
 * <p>The aggregator starts the drill only within {@code startWithin} of the broker's timestamp of the request record,
 * judged on the broker's clock (see {@link #window()}), so that a request its caller was told failed (no aggregator
 * started it in time) never starts later, however far the requester's and the aggregator's clocks are apart.
 *
 * @param startBy     {@code since + startWithin} on the requester's clock: what aggregators of older versions judge
 *     on their own clock; this version reads only the window it implies when {@code startWithin} is absent
 * @param startWithin how long after the broker took the request the drill may start; null in requests of older
 *     versions
 * @param requester   the person who asked ({@code POST /api/simulations}, verified from their bearer token), carried
 *     into the outage event so that the orchestrator drills only what they may drill; null in requests of older
 *     versions (the orchestrator then drills nothing)
 */
public record Simulation(
        String scope,
        String incidentId,
        Instant since,
        Instant until,
        String requestedBy,
        Instant startBy,
        Duration startWithin,
        OutageEvent.Requester requester) {

    public static final String TYPE = "io.baran.vantage.simulation";

    /** A request with no start limit and no person, as older versions sent it. */
    public Simulation(String scope, String incidentId, Instant since, Instant until, String requestedBy) {
        this(scope, incidentId, since, until, requestedBy, null, null, null);
    }

    /** A request with no person, as older versions sent it. */
    public Simulation(
            String scope,
            String incidentId,
            Instant since,
            Instant until,
            String requestedBy,
            Instant startBy,
            Duration startWithin) {
        this(scope, incidentId, since, until, requestedBy, startBy, startWithin, null);
    }

    /**
     * A request {@code requester} made at {@code since} that may start only within {@code startWithin} of when the
     * broker took it.
     */
    public static Simulation of(
            String scope,
            Instant since,
            Instant until,
            String requestedBy,
            Duration startWithin,
            OutageEvent.Requester requester) {
        return new Simulation(
                scope,
                incidentId(scope, since) + "-" + nonce(),
                since,
                until,
                requestedBy,
                since.plus(startWithin),
                startWithin,
                requester);
    }

    /**
     * How long after the broker took the request the drill may start: {@code startWithin}, or in a request of an
     * older version the window its start-by implies (it was {@code since} plus the window on the requester's clock);
     * null for no limit.
     */
    public Duration window() {
        if (startWithin != null) {
            return startWithin;
        }
        return startBy == null || since == null ? null : Duration.between(since, startBy);
    }

    /**
     * Six random hex digits: two people asking for a simulation of one scope in the same millisecond get two incidents,
     * so the one whose request the aggregator does not run is not told that the other's drill is theirs.
     */
    private static String nonce() {
        byte[] bytes = new byte[3];
        RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** Drill incidents are named apart from real ones, so that no one can mistake one for the other. */
    public static String incidentId(String scope, Instant since) {
        return scope + "@drill-" + since.toEpochMilli();
    }
}
