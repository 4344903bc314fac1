package io.baran.detector.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The buckets (s3, gs), containers (az), credential variables ({@code account-key-env}) and endpoint overrides canary
 * targets may name: {@code baran.detector.canary.allowed-buckets}, {@code .allowed-credentials} and
 * {@code .allowed-endpoints}. A canary reads and writes with the detector's own credentials, so a target naming any
 * bucket would let whoever manages targets probe (and write to) every bucket those credentials reach, and make an
 * outage of one they do not; and a target's {@code endpoint} override receives the requests signed with them (an Azure
 * Shared Key signature does not cover the host: a copy could be replayed against the real account). Empty, the
 * default: no canary target, and no endpoint override.
 */
public record CanaryAllowList(Set<String> buckets, Set<String> credentials, Set<String> endpoints) {

    /** Nothing allowed: every canary target is refused. */
    public static final CanaryAllowList NONE = new CanaryAllowList(Set.of(), Set.of(), Set.of());

    public CanaryAllowList {
        buckets = Set.copyOf(new TreeSet<>(buckets));
        credentials = Set.copyOf(new TreeSet<>(credentials));
        endpoints = Set.copyOf(new TreeSet<>(endpoints));
    }

    /** No endpoint override allowed. */
    public static CanaryAllowList of(List<String> buckets, List<String> credentials) {
        return of(buckets, credentials, List.of());
    }

    /** @param endpoints hosts ({@code minio.internal}, any port) or {@code host:port} an endpoint override may name */
    public static CanaryAllowList of(List<String> buckets, List<String> credentials, List<String> endpoints) {
        return new CanaryAllowList(
                Set.copyOf(strip(buckets)),
                Set.copyOf(strip(credentials)),
                Set.copyOf(strip(endpoints).stream()
                        .map(e -> e.toLowerCase(java.util.Locale.ROOT))
                        .toList()));
    }

    public static CanaryAllowList from(DetectorConfig.Canary config) {
        return of(
                config.allowedBuckets().orElse(List.of()),
                config.allowedCredentials().orElse(List.of()),
                config.allowedEndpoints().orElse(List.of()));
    }

    /** Why this endpoint override may not be named, or empty when it may: its host, or its host and port, is listed. */
    Optional<String> refuseEndpoint(java.net.URI endpoint) {
        String host = endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(java.util.Locale.ROOT);
        int port = endpoint.getPort() != -1
                ? endpoint.getPort()
                : "http".equalsIgnoreCase(endpoint.getScheme()) ? 80 : 443;
        if (!host.isEmpty() && (endpoints.contains(host) || endpoints.contains(host + ":" + port))) {
            return Optional.empty();
        }
        return Optional.of("the endpoint override's host " + (host.isEmpty() ? "(none)" : host + ":" + port)
                + " is not in baran.detector.canary.allowed-endpoints "
                + (endpoints.isEmpty()
                        ? "(empty: an override receives the requests signed with the detector's credentials, so each"
                                + " must be listed there)"
                        : "(allowed: " + String.join(", ", new TreeSet<>(endpoints)) + ")"));
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
