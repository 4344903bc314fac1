package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.BOOL;
import static io.baran.runbook.ActionSpec.Type.DURATION;
import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.Durations;
import io.baran.runbook.WithBlock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code cdn.extend-ttl}: keeps a CDN serving from cache while the origin is down; undo restores the old TTLs. */
public final class CdnExtendTtl extends ActionType {

    /** A year: CloudFront accepts more, but a longer TTL during an outage is a typo, not a plan. */
    public static final Duration MAX_TTL = Duration.ofDays(365);

    private static final Pattern DISTRIBUTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,254}");

    public CdnExtendTtl() {
        super(ActionSpec.builder(
                        "cdn.extend-ttl",
                        "Raises a CDN's cache TTLs so it keeps serving while the origin is down; failback restores the TTLs it replaced.")
                .provider("provider", Capability.CDN, "a CDN provider configured in the replication-worker")
                .required("distribution", STRING, "the distribution or endpoint")
                .required("ttl", DURATION, "the new TTL, in whole seconds from 1s to 365d")
                .optional(
                        "serveStale",
                        BOOL,
                        "serve stale content while the origin fails (default false; CloudFront has no such setting and refuses it)")
                .defaultsTo("serveStale", false)
                .changes()
                .build());
    }

    @Override
    protected void check(Map<String, Object> values, WithBlock with) {
        if (values.get("distribution") instanceof String distribution
                && !DISTRIBUTION.matcher(distribution).matches()) {
            with.error("distribution", "\"" + distribution + "\" is not a distribution id");
        }
        if (values.get("ttl") instanceof String ttl) {
            Duration d = Durations.parse(ttl);
            if (d.toSeconds() < 1 || d.toMillis() % 1000 != 0) {
                with.error("ttl", "\"" + ttl + "\" must be a whole number of seconds, at least 1s");
            } else if (d.compareTo(MAX_TTL) > 0) {
                with.error("ttl", "\"" + ttl + "\" is longer than " + MAX_TTL.toDays() + "d");
            }
        }
    }
}
