package io.baran.worker.provider.azure;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Azure CDN writes a cache duration as {@code [d.]hh:mm:ss}; Baran's TTLs are seconds. */
final class CacheDurations {

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)\\.)?(\\d{1,2}):(\\d{2}):(\\d{2})");

    private CacheDurations() {}

    static long parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    "Azure CDN answered the cache duration \"" + text + "\", which is not [d.]hh:mm:ss");
        }
        long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        return days * 86400
                + Long.parseLong(m.group(2)) * 3600
                + Long.parseLong(m.group(3)) * 60
                + Long.parseLong(m.group(4));
    }

    static String format(long seconds) {
        long days = seconds / 86400;
        long rest = seconds % 86400;
        return String.format("%d.%02d:%02d:%02d", days, rest / 3600, rest % 3600 / 60, rest % 60);
    }
}
