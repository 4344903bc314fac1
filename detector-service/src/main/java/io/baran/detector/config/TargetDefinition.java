package io.baran.detector.config;

import com.google.re2j.Pattern;
import io.baran.detector.probe.ProbeUrl;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One target as the detector runs it: its configuration, checked, with the URL split from its credentials.
 *
 * @param url      the HTTP(S) URL for http targets, null for the other kinds
 * @param endpoint where the probe goes, for every kind
 * @param expectStatus the (first) status a healthy http(s) target answers
 * @param checks   what a probe must see beyond reaching the endpoint, other accepted statuses included
 * @param origin   where the target was defined
 */
public record TargetDefinition(
        String name,
        String scope,
        ProbeUrl url,
        Duration interval,
        Duration timeout,
        int failureThreshold,
        int successThreshold,
        int expectStatus,
        ProbeEndpoint endpoint,
        Checks checks,
        Origin origin) {

    /** An HTTP target with nothing but its status checked, from the configuration. */
    public TargetDefinition(
            String name,
            String scope,
            ProbeUrl url,
            Duration interval,
            Duration timeout,
            int failureThreshold,
            int successThreshold,
            int expectStatus) {
        this(
                name,
                scope,
                url,
                interval,
                timeout,
                failureThreshold,
                successThreshold,
                expectStatus,
                new ProbeEndpoint.Http(url),
                Checks.NONE,
                Origin.CONFIG);
    }

    /** Where a target comes from; only targets added through the API can be changed through it. */
    public enum Origin {
        CONFIG,
        API
    }

    /**
     * @param bodyMatch      http(s): must be found in the body
     * @param maxLatency     the latency ceiling
     * @param tlsMinValidity https: the certificate must stay valid this long
     * @param caFile         https: extra CA certificates (PEM)
     * @param expect         dns: answers that must be present; s3: the canary's content
     * @param write          s3: write the canary before reading it
     */
    public record Checks(
            Optional<Pattern> bodyMatch,
            Optional<Duration> maxLatency,
            Optional<Duration> tlsMinValidity,
            Optional<String> caFile,
            List<String> expect,
            boolean write,
            Set<Integer> moreStatuses) {

        public static final Checks NONE = new Checks(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), false, Set.of());

        public Checks {
            expect = expect == null ? List.of() : List.copyOf(expect);
            moreStatuses = moreStatuses == null ? Set.of() : Set.copyOf(moreStatuses);
        }
    }

    /** Whether a healthy target may answer this status: {@code expectStatus} or any other configured one. */
    public boolean accepts(int status) {
        return status == expectStatus || checks.moreStatuses().contains(status);
    }

    /** The accepted statuses as configured, for messages: {@code 200} or {@code 200, 204}. */
    public String expectedStatuses() {
        java.util.TreeSet<Integer> all = new java.util.TreeSet<>(checks.moreStatuses());
        all.add(expectStatus);
        return String.join(", ", all.stream().map(String::valueOf).toList());
    }
}
