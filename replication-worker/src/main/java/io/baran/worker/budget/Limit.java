package io.baran.worker.budget;

/**
 * A token bucket's shape: it holds at most {@code burst} calls and refills at {@code rate} calls per second.
 *
 * @param rate  calls per second, sustained; more than zero
 * @param burst calls that may go at once after a quiet spell; at least one
 */
public record Limit(double rate, int burst) {

    public Limit {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(
                    "an API budget's rate must be a positive number of calls per second, not " + rate);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("an API budget's burst must be at least 1, not " + burst);
        }
    }

    /** How {@code 5/s, burst 5} reads in logs and messages. */
    public String describe() {
        return (rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate)) + "/s, burst " + burst;
    }
}
