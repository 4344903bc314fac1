package io.baran.detector.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BrokerClockTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void theSkewIsTheShortestGapBetweenStampAndArrivalSoAClockAheadStillReadsTheBrokersTime() {
        BrokerClock clock = new BrokerClock();
        assertEquals(Optional.empty(), clock.ahead());
        assertEquals(T0, clock.now(T0), "its own time until a record was seen");
        Duration ahead = Duration.ofMinutes(5);
        // Records stamped by the broker, received 40 ms, 3 ms and 900 ms later by an aggregator five minutes ahead.
        clock.observe(T0, T0.plus(ahead).plusMillis(40));
        clock.observe(T0.plusMillis(100), T0.plusMillis(103).plus(ahead));
        clock.observe(T0.plusMillis(200), T0.plusMillis(1100).plus(ahead));
        assertEquals(Optional.of(ahead.plusMillis(3)), clock.ahead());
        assertEquals(T0.plusMillis(1097), clock.now(T0.plusMillis(1100).plus(ahead)));
    }

    @Test
    void aClockSteppedLaterIsFollowedWithinTwoWindows() {
        BrokerClock clock = new BrokerClock();
        clock.observe(T0, T0.minusSeconds(60)); // a minute behind
        Instant stepped = T0.plusSeconds(1);
        Instant received = stepped;
        for (int i = 0; i <= 3; i++) {
            received = stepped.plus(BrokerClock.WINDOW.multipliedBy(i));
            clock.observe(received.minusMillis(5), received);
        }
        assertEquals(Optional.of(Duration.ofMillis(5)), clock.ahead());
        assertEquals(received.minusMillis(5), clock.now(received));
    }
}
