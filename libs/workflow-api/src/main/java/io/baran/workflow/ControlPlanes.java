package io.baran.workflow;

/**
 * What the worker says in a {@link StepPlan}'s {@code observed} map about the control plane a step calls, and
 * the one rule for when that control plane may go down with the failing scope. Written by the worker, read by
 * the workflow (which warns on such a step), so the keys and the rule are declared here, once.
 */
public final class ControlPlanes {

    /** The plan's key holding the control plane's region as a scope, e.g. {@code aws/us-east-1}. */
    public static final String REGION_KEY = "controlPlaneRegion";
    /** The plan's key holding the control plane's scope with its service, e.g. {@code aws/us-east-1/route53}. */
    public static final String SCOPE_KEY = "controlPlane";

    private ControlPlanes() {}

    /**
     * True when an outage of the failing scope may take a control plane in {@code region} with it: the scope is
     * that region, a part of it, or a larger scope containing it ({@code aws} contains {@code aws/us-east-1}).
     */
    public static boolean dependsOn(String region, String failingScope) {
        if (region == null || failingScope == null || failingScope.isBlank()) {
            return false;
        }
        String failing =
                failingScope.endsWith("/") ? failingScope.substring(0, failingScope.length() - 1) : failingScope;
        return failing.equals(region) || failing.startsWith(region + "/") || region.startsWith(failing + "/");
    }
}
