package io.baran.worker.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cache TTLs of one behaviour of a CDN distribution, in seconds.
 *
 * @param path        the behaviour's path pattern; {@value #DEFAULT} for the default behaviour
 * @param cachePolicy the cache policy the behaviour takes its TTLs from (the TTLs are then the policy's, where the
 *                    provider can read them), or what else decides them (e.g. the origin's headers); null for a
 *                    behaviour with TTLs of its own, and in a plan's desired state for a behaviour whose raised TTLs
 *                    come from whichever policy the provider switches it to
 * @param serveStale  how long past expiry the CDN serves a stale object when the origin fails, or null where the
 *                    provider has no such setting (CloudFront) or the plan did not record it
 */
public record BehaviourTtls(String path, long min, long defaultTtl, long max, String cachePolicy, Long serveStale) {

    public static final String DEFAULT = "*";

    /** A behaviour whose provider has no serve-stale setting. */
    public BehaviourTtls(String path, long min, long defaultTtl, long max, String cachePolicy) {
        this(path, min, defaultTtl, max, cachePolicy, null);
    }

    /**
     * A behaviour that caches nothing (max TTL 0, its own or its cache policy's) was set up so on purpose, e.g. for
     * an API. A behaviour whose TTLs something other than a readable policy decides reports 0s, and is refused
     * before this is asked unless its provider can switch cache policies.
     */
    public boolean cachesNothing() {
        return max == 0;
    }

    /** Same TTLs; the cache policy and serve-stale are compared where both sides know them. */
    public boolean sameTtls(BehaviourTtls other) {
        return path.equals(other.path)
                && min == other.min
                && defaultTtl == other.defaultTtl
                && max == other.max
                && (cachePolicy == null || other.cachePolicy == null || cachePolicy.equals(other.cachePolicy))
                && (serveStale == null || other.serveStale == null || serveStale.equals(other.serveStale));
    }

    /**
     * The default and max TTLs raised to at least {@code ttl}; never lowered, min left alone. A behaviour on a cache
     * policy that must rise no longer names the policy: its provider switches it to one with the raised TTLs.
     */
    public BehaviourTtls raisedTo(long ttl) {
        if (defaultTtl >= ttl && max >= ttl) {
            return this;
        }
        return new BehaviourTtls(path, min, Math.max(defaultTtl, ttl), Math.max(max, ttl), null, serveStale);
    }

    /** Serving stale objects for at least {@code seconds}, where the provider has the setting; never lowered. */
    public BehaviourTtls servingStaleFor(long seconds) {
        return serveStale == null
                ? this
                : new BehaviourTtls(path, min, defaultTtl, max, cachePolicy, Math.max(serveStale, seconds));
    }

    public String describe() {
        return "min " + min + " default " + defaultTtl + " max " + max
                + (serveStale == null ? "" : " serve stale " + serveStale)
                + (cachePolicy == null ? "" : " (cache policy " + cachePolicy + ")");
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("path", path);
        map.put("min", min);
        map.put("default", defaultTtl);
        map.put("max", max);
        // A plan's maps hold no nulls: a provider without the setting leaves the key out.
        if (serveStale != null) {
            map.put("serveStale", serveStale);
        }
        if (cachePolicy != null) {
            map.put("cachePolicy", cachePolicy);
        }
        return map;
    }

    static BehaviourTtls fromPlan(PlanValues values) {
        return new BehaviourTtls(
                values.string("path"),
                values.number("min"),
                values.number("default"),
                values.number("max"),
                values.optionalString("cachePolicy"),
                values.optionalNumber("serveStale"));
    }
}
