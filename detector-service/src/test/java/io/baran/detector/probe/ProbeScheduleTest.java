package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProbeScheduleTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void aProbeThatStartedLateDoesNotMoveTheNextOne() {
        // Due at 10 s, started 400 ms late, answered in 5 ms: the next one is still due at 11 s, not 11.4 s.
        assertEquals(11 * SECOND, ProbeSchedule.next(10 * SECOND, 10 * SECOND + 405 * MS, SECOND));
    }

    @Test
    void slotsStayOneIntervalApartOverManyProbes() {
        long due = 7 * MS;
        for (int i = 0; i < 1_000; i++) {
            // Each probe starts up to 300 ms late and takes 20 ms.
            long ended = due + (i % 300) * MS + 20 * MS;
            due = ProbeSchedule.next(due, ended, SECOND);
        }
        assertEquals(7 * MS + 1_000 * SECOND, due);
    }

    @Test
    void aProbeSlowerThanItsIntervalIsFollowedAtOnceAndRestartsTheGrid() {
        long ended = 10 * SECOND + 2_500 * MS;
        assertEquals(ended, ProbeSchedule.next(10 * SECOND, ended, SECOND));
        assertEquals(ended + SECOND, ProbeSchedule.next(ended, ended + 30 * MS, SECOND));
    }

    @Test
    void worksAcrossTheWrapOfNanoTime() {
        long due = Long.MAX_VALUE - 100 * MS;
        long next = ProbeSchedule.next(due, due + 10 * MS, SECOND);
        assertEquals(due + SECOND, next);
    }
}
