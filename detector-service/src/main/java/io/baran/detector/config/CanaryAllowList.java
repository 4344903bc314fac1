package io.baran.detector.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The buckets (s3, gs), containers (az) and credential variables ({@code account-key-env}) canary targets may name:
 * {@code baran.detector.canary.allowed-buckets} and {@code .allowed-credentials}. A canary reads and writes with the
 * detector's own credentials, so a target naming any bucket would let whoever manages targets probe (and write to)
 * every bucket those credentials reach, and make an outage of one they do not. Empty, the default: no canary target.
 */
public record CanaryAllowList(Set<String> buckets, Set<String> credentials) {

    /** Nothing allowed: every canary target is refused. */
    public static final CanaryAllowList NONE = new CanaryAllowList(Set.of(), Set.of());

    public CanaryAllowList {
        buckets = Set.copyOf(new TreeSet<>(buckets));
        credentials = Set.copyOf(new TreeSet<>(credentials));
    }

    public static CanaryAllowList of(List<String> buckets, List<String> credentials) {
        return new CanaryAllowList(Set.copyOf(strip(buckets)), Set.copyOf(strip(credentials)));
    }

    public static CanaryAllowList from(DetectorConfig.Canary config) {
        return of(
                config.allowedBuckets().orElse(List.of()),
                config.allowedCredentials().orElse(List.of()));
    }

    /** Why this bucket or container may not be named, or empty when it may. */
    Optional<String> refuseBucket(String kind, String bucket) {
        if (buckets.contains(bucket)) {
            return Optional.empty();
        }
        return Optional.of((kind.equals("az") ? "container" : "bucket") + " \"" + bucket + "\" is not in"
                + " baran.detector.canary.allowed-buckets " + shown(buckets));
    }

    /** Why this credential variable may not be named, or empty when it may. */
    Optional<String> refuseCredential(String variable) {
        if (credentials.contains(variable)) {
            return Optional.empty();
        }
        return Optional.of(variable + " is not in baran.detector.canary.allowed-credentials " + shown(credentials));
    }

    private static String shown(Set<String> allowed) {
        return allowed.isEmpty()
                ? "(empty: no canary target is allowed until the detector's operator lists it there)"
                : "(allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")";
    }

    private static List<String> strip(List<String> values) {
        return values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }
}
