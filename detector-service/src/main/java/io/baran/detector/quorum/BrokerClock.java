package io.baran.detector.quorum;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The Kafka broker's clock, as seen from the aggregator's. Whether a vantage is live is judged by one clock, the
 * broker's: it stamps every record of the verdicts topic when it appends it (LogAppendTime). Comparing those stamps
 * with the aggregator's own clock would let a skewed aggregator decide wrongly: one ahead by more than
 * {@code vantage-expiry} sees every verdict expired and decides nothing, one behind keeps counting vantages that
 * stopped. So the aggregator judges ages on the broker's clock, and learns how far its own is ahead of it from the
 * records themselves: a record is received after the broker stamped it, so {@code received - stamped} is the skew
 * plus a delay that is never negative, and its minimum over recent records is the skew plus the shortest delay (a few
 * milliseconds while the aggregator keeps up). That estimate errs towards a verdict looking younger by that shortest
 * delay, never by the skew. Samples are kept in two windows of {@link #WINDOW}, so a clock that was stepped is
 * followed within two windows.
 *
 * <p>Not thread-safe: one aggregator thread owns it.
 */
final class BrokerClock {

    static final Duration WINDOW = Duration.ofSeconds(30);

    private Duration current;
    private Instant currentStarted;
    private Duration previous;

    /**
     * A record the broker stamped at {@code stamped} arrived at {@code received} (the aggregator's clock). Only records
     * read as they come, not replayed ones: those sat in the topic for a while.
     */
    void observe(Instant stamped, Instant received) {
        Duration sample = Duration.between(stamped, received);
        if (currentStarted == null
                || !received.isBefore(currentStarted.plus(WINDOW))
                || received.isBefore(currentStarted)) {
            previous = current;
            current = null;
            currentStarted = received;
        }
        if (current == null || sample.compareTo(current) < 0) {
            current = sample;
        }
    }

    /** How far the aggregator's clock is ahead of the broker's (negative: behind); empty until a record was seen. */
    Optional<Duration> ahead() {
        if (current == null) {
            return Optional.ofNullable(previous);
        }
        return Optional.of(previous == null || current.compareTo(previous) < 0 ? current : previous);
    }

    /** The broker's time now, given the aggregator's: the aggregator's own until a record was seen. */
    Instant now(Instant local) {
        return ahead().map(local::minus).orElse(local);
    }
}
