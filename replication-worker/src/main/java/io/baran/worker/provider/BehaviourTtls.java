package io.baran.worker.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cache TTLs of one behaviour of a CDN distribution, in seconds.
 *
 * @param path        the behaviour's path pattern; {@value #DEFAULT} for the default behaviour
 * @param cachePolicy the cache policy the behaviour uses instead of its own TTLs, or null
 * @param serveStale  how long past expiry the CDN serves a stale object when the origin fails, or null where the
 *                    provider has no such setting (CloudFront) or the plan did not record it
 */
public record BehaviourTtls(String path, long min, long defaultTtl, long max, String cachePolicy, Long serveStale) {

    public static final String DEFAULT = "*";

    /** A behaviour whose provider has no serve-stale setting. */
    public BehaviourTtls(String path, long min, long defaultTtl, long max, String cachePolicy) {
        this(path, min, defaultTtl, max, cachePolicy, null);
    }

    /** A behaviour that caches nothing (max TTL 0) was set up so on purpose, e.g. for an API. */
    public boolean cachesNothing() {
        return cachePolicy == null && max == 0;
    }

    /** Same TTLs; serve-stale is compared where both sides know it. */
    public boolean sameTtls(BehaviourTtls other) {
        return path.equals(other.path) && min == other.min && defaultTtl == other.defaultTtl && max == other.max
                && (serveStale == null || other.serveStale == null || serveStale.equals(other.serveStale));
    }

    /** The default and max TTLs raised to at least {@code ttl}; never lowered, min left alone. */
    public BehaviourTtls raisedTo(long ttl) {
        return new BehaviourTtls(path, min, Math.max(defaultTtl, ttl), Math.max(max, ttl), cachePolicy, serveStale);
    }

    /** Serving stale objects for at least {@code seconds}, where the provider has the setting; never lowered. */
    public BehaviourTtls servingStaleFor(long seconds) {
        return serveStale == null ? this : new BehaviourTtls(path, min, defaultTtl, max, cachePolicy, Math.max(serveStale, seconds));
    }

    public String describe() {
        return cachePolicy != null ? "cache policy " + cachePolicy : "min " + min + " default " + defaultTtl + " max " + max
                + (serveStale == null ? "" : " serve stale " + serveStale);
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
        return map;
    }

    static BehaviourTtls fromPlan(PlanValues values) {
        return new BehaviourTtls(values.string("path"), values.number("min"), values.number("default"), values.number("max"), null,
                values.optionalNumber("serveStale"));
    }
}
