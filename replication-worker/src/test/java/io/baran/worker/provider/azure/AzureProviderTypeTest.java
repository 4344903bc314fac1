package io.baran.worker.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an Azure provider's configuration starts, what stops the worker (naming the key), and what it declares. */
class AzureProviderTypeTest {

    private static final Map<String, String> ENV = Map.of("ARM_TOKEN", "not-a-real-token");

    private static ConfiguredProvider connect(Optional<URI> endpoint, Map<String, String> options) {
        Map<String, String> all = new HashMap<>(Map.of("subscription", "sub-1", "resource-group", "rg"));
        all.putAll(options);
        Providers providers = Providers.connect(
                List.of(new ProviderSettings("azure-dr", "azure", "us-east-1", endpoint, all)),
                new ProviderContext(Duration.ofSeconds(1), Heartbeat.NONE, ENV::get));
        return providers.find("azure-dr");
    }

    private static String refused(Optional<URI> endpoint, Map<String, String> options) {
        return assertThrows(IllegalStateException.class, () -> connect(endpoint, options))
                .getMessage();
    }

    private static final Optional<URI> FAKE = Optional.of(URI.create("http://127.0.0.1:1"));

    @Test
    void aStorageAccountIsTheObjectStoreWithItsKeyFromTheEnvironment() {
        assertTrue(refused(Optional.empty(), Map.of("storage-account", "shopdr", "storage-account-key-env", "NOT_SET"))
                .contains("storage-account-key-env names the environment variable NOT_SET, which is not set"));
        assertTrue(refused(Optional.empty(), Map.of("storage-account", "Shop_DR", "storage-account-key-env", "X"))
                .contains("\"Shop_DR\" is not a storage account name"));
        assertTrue(refused(Optional.empty(), Map.of("storage-endpoint", "http://127.0.0.1:10000/x"))
                .contains(".storage-account is required with"));
    }

    @Test
    void aProviderWithoutInstancesHasDnsAndCdnAndSaysWhyNoDatabase() {
        ConfiguredProvider p = connect(Optional.empty(), Map.of());

        assertNotNull(p.dns());
        assertNotNull(p.cdn());
        assertNull(p.database());
        assertNull(p.objects(), "no storage account is configured");
        assertEquals(Support.Level.CANNOT, p.support(Capability.OBJECT_STORE).level());
        assertTrue(p.support(Capability.OBJECT_STORE).reason().contains("configures no storage account"));
        assertEquals(Support.Level.CANNOT, p.support(Capability.CDN_SERVE_STALE).level());
        assertTrue(p.support(Capability.DATABASE_PROMOTE).reason().contains("no database instance"));
        for (Capability c : Capability.values()) {
            assertTrue(p.support(c).available() || !p.support(c).reason().isBlank(), c + " says why");
        }
    }

    @Test
    void plannedSqlFailoverGroupsFenceAndAFlexibleServerInTheSameProviderTakesThatAway() {
        Map<String, String> sql = Map.of(
                "instances.orders.kind",
                "sql-failover-group",
                "instances.orders.server",
                "sql-dr",
                "instances.orders.failover-group",
                "orders-fg");
        Map<String, String> mixed = new HashMap<>(sql);
        mixed.putAll(Map.of("instances.carts.kind", "postgresql-flexible", "instances.carts.server", "pg-dr"));

        assertTrue(connect(Optional.empty(), sql)
                .support(Capability.DATABASE_FENCE)
                .available());
        Support fence = connect(Optional.empty(), mixed).support(Capability.DATABASE_FENCE);
        assertFalse(fence.available());
        assertTrue(fence.reason().contains("carts") && !fence.reason().contains("orders,"), fence.reason());
    }

    @Test
    void missingOrUnknownSettingsStopTheWorkerNamingTheKey() {
        assertEquals(
                "baran.providers.\"azure-dr\".subscription is required for a provider of type azure",
                assertThrows(
                                IllegalStateException.class,
                                () -> Providers.connect(
                                        List.of(new ProviderSettings(
                                                "azure-dr",
                                                "azure",
                                                "us-east-1",
                                                Optional.empty(),
                                                Map.of("resource-group", "rg"))),
                                        new ProviderContext(Duration.ofSeconds(1), Heartbeat.NONE, ENV::get)))
                        .getMessage());
        assertEquals(
                "baran.providers.\"azure-dr\".region-name is not a setting of provider type azure",
                refused(Optional.empty(), Map.of("region-name", "westeurope")));
    }

    @Test
    void aFixedTokenIsOnlyForAnEmulatorAndComesFromTheEnvironment() {
        assertTrue(refused(Optional.empty(), Map.of("token-env", "ARM_TOKEN"))
                .startsWith("baran.providers.\"azure-dr\".token-env is only for an ARM emulator"));
        assertEquals(
                "baran.providers.\"azure-dr\".token-env names the environment variable NOWHERE, which is not set for the "
                        + "replication-worker",
                refused(FAKE, Map.of("token-env", "NOWHERE")));
        assertNotNull(connect(FAKE, Map.of("token-env", "ARM_TOKEN")).dns());
    }

    @Test
    void everyInstanceProblemIsNamedAtOnce() {
        String message = refused(
                Optional.empty(),
                Map.of(
                        "instances.orders.kind",
                        "sql-failover-group",
                        "instances.orders.server",
                        "sql-dr",
                        "instances.orders.failover",
                        "whenever",
                        "instances.carts.kind",
                        "mysql",
                        "instances.carts.server",
                        "x",
                        "instances.pg.kind",
                        "postgresql-flexible",
                        "instances.pg.failover-group",
                        "fg",
                        "instances.pg.standby",
                        "10.0.0.2"));

        for (String part : List.of(
                "instances.orders.failover-group is required for kind sql-failover-group",
                "instances.orders.failover: \"whenever\" is not planned or forced-allow-data-loss",
                "instances.carts.kind: \"mysql\" is not a kind (use sql-failover-group or postgresql-flexible)",
                "instances.pg.server is required",
                "instances.pg.failover-group is not a setting of kind postgresql-flexible",
                "instances.pg.standby is not a setting")) {
            assertTrue(message.contains(part), "missing <" + part + "> in: " + message);
        }
    }
}
