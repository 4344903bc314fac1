package io.baran.detector.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * A target as the REST API receives it and as {@code targets.json} keeps it: every field optional until
 * {@link TargetDefinitions#define} checks it, durations written like {@code 1s} or {@code 250ms}.
 * It holds the URL as given, credentials included, so it is never served back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetSpec(
        String url,
        String scope,
        String interval,
        String timeout,
        Integer failureThreshold,
        Integer successThreshold,
        List<Integer> expectStatus,
        String bodyMatch,
        String maxLatency,
        String tlsMinValidity,
        String caFile,
        List<String> expect,
        String endpoint,
        String region,
        Boolean write,
        String account,
        String accountKeyEnv) {

    /** A target without the Blob Storage canary's settings. */
    public TargetSpec(
            String url,
            String scope,
            String interval,
            String timeout,
            Integer failureThreshold,
            Integer successThreshold,
            List<Integer> expectStatus,
            String bodyMatch,
            String maxLatency,
            String tlsMinValidity,
            String caFile,
            List<String> expect,
            String endpoint,
            String region,
            Boolean write) {
        this(
                url,
                scope,
                interval,
                timeout,
                failureThreshold,
                successThreshold,
                expectStatus,
                bodyMatch,
                maxLatency,
                tlsMinValidity,
                caFile,
                expect,
                endpoint,
                region,
                write,
                null,
                null);
    }

    /** The configured target in this form, so both are checked by the same code. */
    static TargetSpec of(DetectorConfig.Target t) {
        return new TargetSpec(
                t.url(),
                t.scope(),
                millis(t.interval()),
                millis(t.timeout()),
                t.failureThreshold(),
                t.successThreshold(),
                t.expectStatus(),
                t.bodyMatch().orElse(null),
                t.maxLatency().map(TargetSpec::millis).orElse(null),
                t.tlsMinValidity().map(TargetSpec::millis).orElse(null),
                t.caFile().orElse(null),
                t.expect().orElse(null),
                t.endpoint().orElse(null),
                t.region(),
                t.write(),
                t.account().orElse(null),
                t.accountKeyEnv().orElse(null));
    }

    static String millis(Duration d) {
        return d.toMillis() + "ms";
    }
}
