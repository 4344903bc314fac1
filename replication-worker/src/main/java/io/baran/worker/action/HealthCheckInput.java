package io.baran.worker.action;

import io.baran.workflow.StepCommand;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code with:} block of a {@code health.check} step, bound and validated.
 *
 * @param withinText the wait as the runbook wrote it, for messages
 */
public record HealthCheckInput(URI url, int expect, Duration within, String withinText, Duration interval) {

    static final Set<String> FIELDS = Set.of("url", "expect", "within", "interval");

    public static HealthCheckInput bind(StepCommand command) {
        WithBlock with = new WithBlock(command, FIELDS);
        String urlText = with.requiredString("url");
        int expect = with.optionalInt("expect", 200);
        String within = with.optionalDurationText("within", "1m");
        String interval = with.optionalDurationText("interval", "1s");

        URI url = null;
        if (urlText != null) {
            try {
                url = new URI(urlText);
                if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                        || url.getHost() == null) {
                    with.invalid("url", "\"" + urlText + "\" is not an http or https URL with a host");
                    url = null;
                }
            } catch (URISyntaxException e) {
                with.invalid("url", "\"" + urlText + "\" is not a URL: " + e.getReason());
            }
        }
        if (expect < 100 || expect > 599) {
            with.invalid("expect", expect + " is not an HTTP status (100-599)");
        }
        Duration withinDuration = WithBlock.duration(within);
        Duration intervalDuration = WithBlock.duration(interval);
        if (withinDuration.isZero()) {
            with.invalid("within", "must be longer than 0");
        }
        if (intervalDuration.isZero()) {
            with.invalid("interval", "must be longer than 0");
        }
        with.throwIfInvalid();
        return new HealthCheckInput(url, expect, withinDuration, within, intervalDuration);
    }
}
