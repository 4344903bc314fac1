package io.baran.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The detector-wide settings through the real SmallRye Config mapping, as Quarkus reads them. */
class DetectorSettingsTest {

    @Test
    void theDefaultsDecideAloneWithOneVantageAndByMajorityWithMore() {
        DetectorSettings settings = DetectorSettings.from(config(Map.of()));
        assertEquals(1, settings.quorum().minVotes());
        assertEquals(0.5, settings.quorum().ratio());
        assertEquals(Duration.ofSeconds(1), settings.quorum().heartbeat());
        assertEquals(Duration.ofSeconds(5), settings.quorum().vantageExpiry());
        assertEquals("baran.vantage-verdicts", settings.quorum().verdictsTopic());
        assertEquals("baran.detector-decisions", settings.quorum().decisionsTopic());
        assertEquals("baran.health-events", settings.quorum().healthTopic());
        assertTrue(settings.quorum().aggregate());
        assertEquals(1.0, settings.vantage().scopeDownRatio());
        assertTrue(settings.vantage().isolation());
        assertEquals(
                new DetectorSettings.Damping(true, 1000, 2000, 750, Duration.ofSeconds(60)),
                settings.vantage().damping());
    }

    @Test
    void reportsEveryWrongSettingAtOnce() {
        DetectorConfig config = config(Map.of(
                "baran.detector.vantage", "eu west",
                "baran.detector.scope-down-ratio", "0",
                "baran.detector.quorum.ratio", "0.4",
                "baran.detector.quorum.min-votes", "0",
                "baran.detector.quorum.heartbeat", "1s",
                "baran.detector.quorum.vantage-expiry", "1500ms",
                "baran.detector.damping.reuse-below", "3000"));
        TargetDefinitions.InvalidConfigException e =
                assertThrows(TargetDefinitions.InvalidConfigException.class, () -> DetectorSettings.from(config));
        assertEquals(
                List.of(
                        "baran.detector.vantage: \"eu west\" is not an id (letters, digits, '.', '_', '-')",
                        "baran.detector.scope-down-ratio: 0.0 is not above 0 and at most 1",
                        "baran.detector.damping.reuse-below: 3000.0 must be positive and below damping.suppress-above (2000.0)",
                        "baran.detector.quorum.min-votes: 0 is below 1",
                        "baran.detector.quorum.ratio: 0.4 is not at least 0.5 and below 1 (0.5 is a strict majority)",
                        "baran.detector.quorum.vantage-expiry: 1500ms is less than two heartbeats (2000ms): a live vantage would flicker out of the quorum"),
                e.problems());
    }

    @Test
    void scopesMustBeWrittenAsPaths() {
        DetectorConfig config = config(Map.of(
                "baran.detector.targets.web.url", "http://127.0.0.1:8091/healthz",
                "baran.detector.targets.web.scope", "aws/us east/s3"));
        TargetDefinitions.InvalidConfigException e = assertThrows(
                TargetDefinitions.InvalidConfigException.class, () -> TargetDefinitions.read(config.targets()));
        assertEquals(
                List.of(
                        "baran.detector.targets.web.scope: \"aws/us east/s3\" is not a scope: use one to eight segments of"
                                + " letters, digits, '.', '_' or '-' separated by '/', e.g. aws/us-east-1/s3"),
                e.problems());
    }

    @Test
    void aTargetMayAcceptSeveralStatuses() {
        DetectorConfig config = config(Map.of(
                "baran.detector.targets.web.url", "http://127.0.0.1:8091/healthz",
                "baran.detector.targets.web.scope", "local/demo/web",
                "baran.detector.targets.web.expect-status", "204,200"));
        TargetDefinition web = TargetDefinitions.read(config.targets()).get(0);
        assertEquals(204, web.expectStatus());
        assertTrue(web.accepts(200) && web.accepts(204) && !web.accepts(503));
        assertEquals("200, 204", web.expectedStatuses());
    }

    @Test
    void checksThatOnlyApplyToSomeKindsAreRefusedOnTheOthers() {
        DetectorConfig config = config(Map.of(
                "baran.detector.targets.db.url", "tcp://127.0.0.1:5432",
                "baran.detector.targets.db.scope", "local/db",
                "baran.detector.targets.db.body-match", "ok",
                "baran.detector.targets.dns.url", "dns://127.0.0.1/www.example.com?type=A",
                "baran.detector.targets.dns.scope", "local/dns",
                "baran.detector.targets.dns.expect", "primary.example.com"));
        TargetDefinitions.InvalidConfigException e = assertThrows(
                TargetDefinitions.InvalidConfigException.class, () -> TargetDefinitions.read(config.targets()));
        assertEquals(
                List.of(
                        "baran.detector.targets.db.body-match: applies to http and https targets only",
                        "baran.detector.targets.dns.expect: \"primary.example.com\" is not an IP address, which an A record holds"),
                e.problems());
    }

    private static DetectorConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(DetectorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(DetectorConfig.class);
    }
}
