package io.baran.detector.state;

import java.util.Optional;

/**
 * One target's health with hysteresis: it takes {@code failureThreshold} failed probes in a row to become DOWN and
 * {@code successThreshold} passed probes in a row to become UP, so a single lost packet or a single lucky answer
 * changes nothing. Not thread-safe; the caller serialises the results of one target.
 */
public final class TargetHealth {

    private final int failureThreshold;
    private final int successThreshold;
    private Health state = Health.UNKNOWN;
    private int consecutiveFailures;
    private int consecutiveSuccesses;

    public TargetHealth(int failureThreshold, int successThreshold) {
        if (failureThreshold < 1 || successThreshold < 1) {
            throw new IllegalArgumentException("thresholds must be at least 1, got failure " + failureThreshold
                    + " and success " + successThreshold);
        }
        this.failureThreshold = failureThreshold;
        this.successThreshold = successThreshold;
    }

    /** Takes one probe's outcome; returns the transition when this outcome changed the state. */
    public Optional<Transition> record(boolean passed) {
        Health before = state;
        if (passed) {
            consecutiveSuccesses++;
            consecutiveFailures = 0;
            if (state != Health.UP && consecutiveSuccesses >= successThreshold) {
                state = Health.UP;
            }
        } else {
            consecutiveFailures++;
            consecutiveSuccesses = 0;
            if (state != Health.DOWN && consecutiveFailures >= failureThreshold) {
                state = Health.DOWN;
            }
        }
        return before == state ? Optional.empty() : Optional.of(new Transition(before, state));
    }

    public Health state() {
        return state;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    public int consecutiveSuccesses() {
        return consecutiveSuccesses;
    }

    /** A change of state, e.g. UNKNOWN to UP. */
    public record Transition(Health from, Health to) {}
}
