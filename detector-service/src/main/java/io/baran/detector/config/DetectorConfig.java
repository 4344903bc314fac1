package io.baran.detector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/**
 * Configuration of detector-service, under {@code baran.detector}. Values are checked once more at start-up
 * by {@link TargetDefinitions#read}, which refuses the whole configuration with every problem it finds.
 */
@ConfigMapping(prefix = "baran.detector")
public interface DetectorConfig {

    /** Id of this detector instance; it names the vantage point in every event it publishes. */
    @WithDefault("local")
    String vantage();

    /** What this detector probes, keyed by target name: {@code baran.detector.targets."<name>".url} and so on. None is allowed. */
    Map<String, Target> targets();

    /** One probed endpoint. */
    interface Target {
        /**
         * The http or https URL that is fetched with GET. Credentials in its user-info part are sent as HTTP basic
         * authentication and never appear in logs, events or the REST API.
         */
        String url();

        /**
         * What the target stands for, e.g. {@code aws/us-east-1/s3} or {@code local/demo/web}. Outages are per scope: a
         * scope is DOWN when all of its targets are DOWN and UP while any of them is UP.
         */
        String scope();

        /** Time between the starts of two probes (at least 100ms); a probe never overlaps the previous one. */
        @WithDefault("1s")
        Duration interval();

        /** How long a probe may take, connection included, before it counts as failed. */
        @WithDefault("2s")
        Duration timeout();

        /** Consecutive failed probes that make the target DOWN. */
        @WithDefault("3")
        int failureThreshold();

        /** Consecutive passed probes that make the target UP. */
        @WithDefault("3")
        int successThreshold();

        /** The HTTP status a healthy target answers; any other status fails the probe. Redirects are not followed. */
        @WithDefault("200")
        int expectStatus();
    }
}
