package io.baran.detector;

import io.baran.detector.config.CanaryAllowList;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.config.TargetDefinitions;
import io.baran.detector.config.TargetSpec;
import java.util.List;

/** Targets for tests, checked by the same code as configured ones. */
public final class Targets {

    /**
     * What the canary tests name: the bucket and container {@code canaries}, Azurite's key variable, and the
     * emulators on 127.0.0.1 as endpoint overrides.
     */
    public static final CanaryAllowList CANARIES =
            CanaryAllowList.of(List.of("canaries"), List.of("BARAN_TEST_AZURITE_KEY"), List.of("127.0.0.1"));

    private Targets() {}

    public static TargetSpec spec(
            String url, String scope, String interval, int failureThreshold, int successThreshold) {
        return new TargetSpec(
                url,
                scope,
                interval,
                "1s",
                failureThreshold,
                successThreshold,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** An S3 canary of {@code url} (a bucket of {@link #CANARIES}) through the S3 API at {@code endpoint}. */
    public static TargetSpec s3Canary(String url, String endpoint) {
        return new TargetSpec(
                url,
                "aws/us-east-1/s3",
                "1s",
                "5s",
                3,
                3,
                null,
                null,
                null,
                null,
                null,
                null,
                endpoint,
                "us-east-1",
                null);
    }

    public static TargetDefinition define(String name, TargetSpec spec) {
        return define(name, spec, System::getenv);
    }

    /** @param environment where the variable {@code accountKeyEnv} names is looked up */
    public static TargetDefinition define(
            String name, TargetSpec spec, java.util.function.Function<String, String> environment) {
        TargetDefinitions.Result result = TargetDefinitions.define(
                name,
                spec,
                TargetDefinition.Origin.API,
                f -> f,
                environment,
                TargetDefinitions.ALWAYS_REFUSED,
                CANARIES);
        if (result.definition().isEmpty()) {
            throw new IllegalArgumentException("test target " + name + " is invalid: " + result.problems());
        }
        return result.definition().get();
    }

    public static TargetDefinition http(String name, String url, String scope, String interval, int thresholds) {
        return define(name, spec(url, scope, interval, thresholds, thresholds));
    }

    public static List<TargetDefinition> list(TargetDefinition... targets) {
        return List.of(targets);
    }
}
