package io.baran.worker.action;

import io.baran.workflow.StepCommand;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code with:} block of a {@code cdn.extend-ttl} step, bound and validated.
 *
 * @param ttlSeconds the TTL the behaviours' default and max TTLs are raised to (never lowered)
 * @param ttlText    the TTL as the runbook wrote it, for messages
 */
public record CdnExtendTtlInput(String provider, String distribution, long ttlSeconds, String ttlText, boolean serveStale) {

    static final Set<String> FIELDS = Set.of("provider", "distribution", "ttl", "serveStale");
    /** A year: CloudFront accepts more, but a longer TTL during an outage is a typo, not a plan. */
    static final Duration MAX_TTL = Duration.ofDays(365);
    private static final Pattern DISTRIBUTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,254}");

    public static CdnExtendTtlInput bind(StepCommand command) {
        WithBlock with = new WithBlock(command, FIELDS);
        String provider = with.requiredString("provider");
        String distribution = with.requiredString("distribution");
        String ttl = with.requiredDurationText("ttl");
        boolean serveStale = with.optionalBool("serveStale", false);

        if (distribution != null && !DISTRIBUTION.matcher(distribution).matches()) {
            with.invalid("distribution", "\"" + distribution + "\" is not a distribution id");
        }
        long seconds = 0;
        if (ttl != null) {
            Duration d = WithBlock.duration(ttl);
            if (d.toSeconds() < 1 || d.toMillis() % 1000 != 0) {
                with.invalid("ttl", "\"" + ttl + "\" must be a whole number of seconds, at least 1s");
            } else if (d.compareTo(MAX_TTL) > 0) {
                with.invalid("ttl", "\"" + ttl + "\" is longer than " + MAX_TTL.toDays() + "d");
            }
            seconds = d.toSeconds();
        }
        with.throwIfInvalid();
        return new CdnExtendTtlInput(provider, distribution, seconds, ttl, serveStale);
    }
}
