package io.baran.detector.probe;

/**
 * When a target's next probe is due. Probes follow a fixed grid, one interval apart from the first one, so a probe
 * that starts late (a busy event loop, a garbage collection) does not move the probes after it: were each probe
 * due one interval after the previous one actually started, every delay would shift its target's phase for good,
 * targets delayed together would stay together, and their clumps would grow into bursts that delay more probes.
 *
 * <p>Only a probe that ends after its successor's slot (a target slower than its interval) restarts its grid: the
 * next probe starts as soon as it ends, since probes of one target never overlap, and that is the target's doing, not
 * lateness of the schedule.
 */
final class ProbeSchedule {

    private ProbeSchedule() {}

    /**
     * @param dueNanos      when the probe that just ended was due ({@link System#nanoTime()} scale)
     * @param endedNanos    when it ended
     * @param intervalNanos the target's interval
     * @return when the next probe is due
     */
    static long next(long dueNanos, long endedNanos, long intervalNanos) {
        long next = dueNanos + intervalNanos;
        return next - endedNanos > 0 ? next : endedNanos;
    }
}
