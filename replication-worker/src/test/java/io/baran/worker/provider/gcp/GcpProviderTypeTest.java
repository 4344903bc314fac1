package io.baran.worker.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.Heartbeat;
import io.baran.worker.provider.Capability;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.Support;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GcpProviderTypeTest {

    private static Providers connect(Map<String, String> options) {
        return Providers.connect(
                List.of(new ProviderSettings(
                        "gcp-dr", "gcp", "us-east-1", Optional.of(URI.create("http://127.0.0.1:9")), options)),
                ProviderContext.of(Duration.ofSeconds(5), Heartbeat.NONE));
    }

    private static String startUpError(Map<String, String> options) {
        return assertThrows(IllegalStateException.class, () -> connect(options)).getMessage();
    }

    @Test
    void aMissingProjectStopsTheWorkerNamingTheKey() {
        assertEquals(
                "baran.providers.\"gcp-dr\".project is required for a provider of type gcp", startUpError(Map.of()));
    }

    @Test
    void anUnknownSettingStopsTheWorkerNamingTheKey() {
        assertEquals(
                "baran.providers.\"gcp-dr\".zone is not a setting of provider type gcp",
                startUpError(Map.of("project", "shop-prod", "zone", "europe-west1-b")));
    }

    @Test
    void aProjectThatIsNotAProjectIdIsRefused() {
        assertTrue(startUpError(Map.of("project", "Shop Prod"))
                .startsWith("baran.providers.\"gcp-dr\".project: \"Shop Prod\" " + "is not a Google Cloud project id"));
    }

    @Test
    void aStorageEndpointThatIsNotAUrlIsRefused() {
        assertEquals(
                "baran.providers.\"gcp-dr\".storage-endpoint: \"fake-gcs\" is not a URL (e.g. http://127.0.0.1:4443)",
                startUpError(Map.of("project", "shop-prod", "storage-endpoint", "fake-gcs")));
    }

    @Test
    void aPubSubEndpointThatIsNeitherHttpNorHttpsIsRefused() {
        assertEquals(
                "baran.providers.\"gcp-dr\".pubsub-endpoint: \"127.0.0.1:8085\" is not a URL (e.g. http://127.0.0.1:4443)",
                startUpError(Map.of("project", "shop-prod", "pubsub-endpoint", "127.0.0.1:8085")));
        assertEquals(
                "baran.providers.\"gcp-dr\".pubsub-endpoint: \"grpc://127.0.0.1:8085\" is neither http:// (an emulator, "
                        + "plaintext and without credentials) nor https://",
                startUpError(Map.of("project", "shop-prod", "pubsub-endpoint", "grpc://127.0.0.1:8085")));
    }

    @Test
    void aBadTimeoutIsRefused() {
        assertTrue(startUpError(Map.of("project", "shop-prod", "operation-timeout", "soon"))
                .startsWith("baran.providers.\"gcp-dr\".operation-timeout: \"soon\" is not a duration"));
    }

    @Test
    void aConnectedProviderHasDnsCdnDatabaseAndCloudStorageAndDeclaresTheRest() {
        try (Providers providers = connect(Map.of("project", "shop-prod"))) {
            ConfiguredProvider gcp = providers.find("gcp-dr");
            assertEquals("gcp", gcp.type());
            assertNotNull(gcp.dns());
            assertNotNull(gcp.cdn());
            assertNotNull(gcp.database());
            assertEquals("gs", gcp.objects().scheme());
            for (Capability c : List.of(
                    Capability.DNS_RECORDS,
                    Capability.CDN_TTL,
                    Capability.DATABASE_PROMOTE,
                    Capability.DATABASE_SWITCHOVER,
                    Capability.OBJECT_STORE)) {
                assertEquals(Support.can(), gcp.support(c), c.name());
            }
            assertEquals(
                    Support.Level.CANNOT, gcp.support(Capability.DATABASE_FENCE).level());
            assertTrue(gcp.database() instanceof io.baran.worker.provider.DatabaseSwitchover);
        }
    }

    @Test
    void capabilitiesCanBeNarrowedToDnsOnly() {
        try (Providers providers = connect(Map.of("project", "shop-prod", "capabilities", "dns"))) {
            assertEquals(
                    Support.Level.CANNOT,
                    providers.find("gcp-dr").support(Capability.CDN_TTL).level());
            assertEquals(Support.can(), providers.find("gcp-dr").support(Capability.DNS_RECORDS));
        }
    }
}
