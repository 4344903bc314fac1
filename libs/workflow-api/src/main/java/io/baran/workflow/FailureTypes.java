package io.baran.workflow;

import java.util.List;

/** Stable failure type strings carried by activity failures; the workflow's retry policy reads them. */
public final class FailureTypes {
    /** The step's input is wrong; retrying cannot help. */
    public static final String INVALID_INPUT = "InvalidInput";
    /** The named provider is not configured in the worker, or cannot do what the action needs. */
    public static final String CAPABILITY_MISSING = "CapabilityMissing";
    /** Applying would be unsafe, e.g. the world changed since the plan was made. */
    public static final String PLAN_UNSAFE = "PlanUnsafe";
    /** The provider refused the credentials or the resource does not exist. */
    public static final String PROVIDER_REJECTED = "ProviderRejected";
    /** A health check did not see the expected answer in time. */
    public static final String HEALTH_CHECK_FAILED = "HealthCheckFailed";
    /** The provider is down or answered 5xx: retry with backoff. */
    public static final String PROVIDER_UNAVAILABLE = "ProviderUnavailable";
    /** The provider asked us to slow down: retry with backoff. */
    public static final String PROVIDER_THROTTLED = "ProviderThrottled";

    /**
     * The worker could not record a step's plan on the server before applying it, so it changed nothing: retry.
     */
    public static final String PLAN_NOT_RECORDED = "PlanNotRecorded";

    /** Types that no retry can fix. */
    public static final List<String> NON_RETRYABLE =
            List.of(INVALID_INPUT, CAPABILITY_MISSING, PLAN_UNSAFE, PROVIDER_REJECTED, HEALTH_CHECK_FAILED);

    private FailureTypes() {}
}
