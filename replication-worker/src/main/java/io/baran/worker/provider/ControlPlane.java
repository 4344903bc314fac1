package io.baran.worker.provider;

import io.baran.workflow.ControlPlanes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the API a step calls is served from, as a scope of the same shape the detector uses
 * ({@code aws/us-east-1}). Route 53's and CloudFront's control planes live in us-east-1 whatever region
 * the resources serve, so a failover away from us-east-1 that needs them depends on the failing region.
 *
 * @param region  e.g. {@code aws/us-east-1}, or {@code self-managed/10.0.0.53} for a server of one's own
 * @param service e.g. {@code route53}
 * @param label   how a person names it, e.g. {@code Route 53}
 */
public record ControlPlane(String region, String service, String label) {

    /** The plan's key holding {@link #region()}, as the workflow reads it. */
    public static final String REGION_KEY = ControlPlanes.REGION_KEY;
    /** The plan's key holding {@link #scope()}, as the workflow reads it. */
    public static final String SCOPE_KEY = ControlPlanes.SCOPE_KEY;

    /** e.g. {@code aws/us-east-1/route53}. */
    public String scope() {
        return region + "/" + service;
    }

    /**
     * True when an outage of the failing scope may take this control plane with it: the scope is this
     * region, a part of it, or a larger scope containing it ({@code aws} contains {@code aws/us-east-1}).
     */
    public boolean dependsOn(String failingScope) {
        return ControlPlanes.dependsOn(region, failingScope);
    }

    /** A suffix for a plan's summary, e.g. {@code  [control plane: Route 53 in aws/us-east-1]}. */
    public String note() {
        return " [control plane: " + label + " in " + region + "]";
    }

    /** Adds {@link #REGION_KEY} and {@link #SCOPE_KEY} to a plan's observed map. */
    public Map<String, Object> addTo(Map<String, Object> observed) {
        Map<String, Object> map = new LinkedHashMap<>(observed);
        map.put(REGION_KEY, region);
        map.put(SCOPE_KEY, scope());
        return map;
    }
}
