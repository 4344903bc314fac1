package io.baran.worker.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cache TTLs of one behaviour of a CDN distribution, in seconds.
 *
 * @param path        the behaviour's path pattern; {@value #DEFAULT} for the default behaviour
 * @param cachePolicy the cache policy the behaviour uses instead of its own TTLs, or null
 */
public record BehaviourTtls(String path, long min, long defaultTtl, long max, String cachePolicy) {

    public static final String DEFAULT = "*";

    /** A behaviour that caches nothing (max TTL 0) was set up so on purpose, e.g. for an API. */
    public boolean cachesNothing() {
        return cachePolicy == null && max == 0;
    }

    public boolean sameTtls(BehaviourTtls other) {
        return path.equals(other.path) && min == other.min && defaultTtl == other.defaultTtl && max == other.max;
    }

    /** The default and max TTLs raised to at least {@code ttl}; never lowered, min left alone. */
    public BehaviourTtls raisedTo(long ttl) {
        return new BehaviourTtls(path, min, Math.max(defaultTtl, ttl), Math.max(max, ttl), cachePolicy);
    }

    public String describe() {
        return cachePolicy != null ? "cache policy " + cachePolicy : "min " + min + " default " + defaultTtl + " max " + max;
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("path", path);
        map.put("min", min);
        map.put("default", defaultTtl);
        map.put("max", max);
        return map;
    }

    static BehaviourTtls fromPlan(PlanValues values) {
        return new BehaviourTtls(values.string("path"), values.number("min"), values.number("default"), values.number("max"), null);
    }
}
