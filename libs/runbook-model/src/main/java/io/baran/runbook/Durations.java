package io.baran.runbook;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as runbooks write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 2d}, {@code 1h30m}. */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d))+");

    /**
     * The longest duration a runbook may name (a CDN TTL's longest too). Longer ones are refused where they are written:
     * Temporal refuses timers and timeouts of about 10,000 years, and a workflow that tripped over one in the middle of
     * a failover could neither go on nor be aborted.
     */
    public static final Duration MAX = Duration.ofDays(365);

    public static final String MAX_TEXT = "365d";

    private Durations() {}

    public static Optional<Duration> tryParse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            return Optional.empty();
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(
                        switch (m.group(2)) {
                            case "ms" -> Duration.ofMillis(n);
                            case "s" -> Duration.ofSeconds(n);
                            case "m" -> Duration.ofMinutes(n);
                            case "h" -> Duration.ofHours(n);
                            default -> Duration.ofDays(n);
                        });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(total);
    }

    /** Parses a duration text that was already validated. */
    public static Duration parse(String text) {
        return tryParse(text)
                .orElseThrow(() ->
                        new IllegalArgumentException("\"" + text + "\" is not a duration (use e.g. 30s, 5m, 24h)"));
    }

    /** A hint for a text that is not a duration: {@code "24hours"} gives {@code 24h}. */
    static String suggest(String text) {
        if (text != null) {
            Matcher m = Pattern.compile("^(\\d+)\\s*([a-zA-Z]+)$").matcher(text.trim());
            if (m.matches()) {
                String unit = m.group(2).toLowerCase();
                String u = unit.startsWith("ms") || unit.startsWith("milli")
                        ? "ms"
                        : unit.startsWith("s")
                                ? "s"
                                : unit.startsWith("mi") || unit.equals("m")
                                        ? "m"
                                        : unit.startsWith("h") ? "h" : unit.startsWith("d") ? "d" : null;
                if (u != null) {
                    return m.group(1) + u;
                }
            }
            if (text.trim().matches("\\d+")) {
                return text.trim() + "s";
            }
        }
        return "30s, 5m or 24h";
    }
}
