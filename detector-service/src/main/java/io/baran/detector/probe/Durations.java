package io.baran.detector.probe;

import java.time.Duration;

/** Durations written the way the configuration takes them. */
public final class Durations {

    private Durations() {}

    /** {@code 250ms}, {@code 3s}, {@code 2m}, {@code 1h}, {@code 14d}: the largest exact unit. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms != 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0 && ms != 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
