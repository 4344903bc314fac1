package io.baran.workflow.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The keys as the deployments set them: environment variables only (the local stack, Kubernetes Secrets). */
class TemporalConnectionConfigTest {

    @ConfigMapping(prefix = "baran.temporal")
    interface ServiceTemporalConfig extends TemporalConnectionConfig {}

    private static final String KEY = "dGVzdC1vbmx5LWtleS1mb3ItYmFyYW4tdGVzdHMtMDE=";

    @Test
    void everySettingReadsFromTheEnvironmentIncludingTheCodecKeysById() {
        ServiceTemporalConfig config = config(Map.of(
                "BARAN_TEMPORAL_TARGET", "baran.a1b2c.tmprl.cloud:7233",
                "BARAN_TEMPORAL_NAMESPACE", "baran.a1b2c",
                "BARAN_TEMPORAL_API_KEY", "the-key",
                "BARAN_TEMPORAL_TLS_CA", "/etc/baran/temporal/ca.pem",
                "BARAN_TEMPORAL_TLS_SERVER_NAME", "frontend.temporal",
                "BARAN_TEMPORAL_CODEC_ACTIVE_KEY", "k2026b",
                "baran.temporal.codec.keys.k2026a", KEY,
                "BARAN_TEMPORAL_CODEC_KEYS_K2026B", KEY,
                "BARAN_TEMPORAL_CODEC_UI_ORIGIN", "https://temporal.example.com"));
        assertEquals(Map.of("k2026a", KEY, "k2026b", KEY), config.codec().keys());
        assertEquals(Optional.of("https://temporal.example.com"), config.codec().uiOrigin());
        AesGcmPayloadCodec codec = AesGcmPayloadCodec.from(config.codec()).orElseThrow();
        assertEquals("k2026b", codec.activeKeyId());

        TemporalConnection connection = TemporalConnection.of(config);
        assertTrue(connection.tls().enabled());
        assertEquals(Optional.of("frontend.temporal"), connection.tls().serverName());
        assertEquals(Optional.of("the-key"), connection.apiKey());
        assertEquals(
                "baran.a1b2c.tmprl.cloud:7233 (namespace baran.a1b2c, TLS, server name frontend.temporal, API key)",
                connection.describe());
    }

    @Test
    void theDefaultsArePlainTextToTheLocalFrontendAndACodecThatIsRequired() {
        ServiceTemporalConfig config = config(Map.of());
        assertEquals("127.0.0.1:7233", config.target());
        assertFalse(TemporalConnection.of(config).tls().enabled());
        assertTrue(config.codec().required());
        assertTrue(config.codec().keys().isEmpty());
    }

    private static ServiceTemporalConfig config(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ServiceTemporalConfig.class)
                .withSources(new EnvConfigSource(env, 300))
                .build();
        return config.getConfigMapping(ServiceTemporalConfig.class);
    }
}
