package io.baran.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The azure keys of {@code baran.providers} as the typed configuration reads them, turned into the options the type checks. */
class ProviderBeansAzureTest {

    private static ProvidersConfig read(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ProvidersConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(ProvidersConfig.class);
    }

    @Test
    void everyAzureKeyReachesTheProviderUnderItsOwnName() {
        // Plain SmallRye (no Quarkus converters) reads durations in ISO-8601 only.
        ProvidersConfig config = read(Map.ofEntries(
                Map.entry("baran.providers.\"azure-dr\".type", "azure"),
                Map.entry("baran.providers.\"azure-dr\".subscription", "sub-1"),
                Map.entry("baran.providers.\"azure-dr\".resource-group", "dr-rg"),
                Map.entry("baran.providers.\"azure-dr\".cdn-profile", "shop"),
                Map.entry("baran.providers.\"azure-dr\".operation-timeout", "PT5M"),
                Map.entry("baran.providers.\"azure-dr\".instances.\"orders\".kind", "sql-failover-group"),
                Map.entry("baran.providers.\"azure-dr\".instances.\"orders\".server", "sql-dr"),
                Map.entry("baran.providers.\"azure-dr\".instances.\"orders\".failover-group", "orders-fg"),
                Map.entry("baran.providers.\"azure-dr\".instances.\"orders\".resource-group", "db-rg"),
                Map.entry("baran.providers.\"azure-dr\".instances.\"orders\".location", "northeurope"),
                Map.entry("baran.providers.\"azure-dr\".instances.\"carts\".kind", "postgresql-flexible"),
                Map.entry("baran.providers.\"azure-dr\".instances.\"carts\".server", "pg-dr"),
                Map.entry("baran.providers.\"azure-dr\".instances.\"carts\".promote-option", "forced")));

        Map<String, String> options = ProviderBeans.options(config.all().get("azure-dr"));

        assertEquals(
                Map.ofEntries(
                        Map.entry("subscription", "sub-1"),
                        Map.entry("resource-group", "dr-rg"),
                        Map.entry("cdn-profile", "shop"),
                        Map.entry("operation-timeout", "PT5M"),
                        Map.entry("instances.orders.kind", "sql-failover-group"),
                        Map.entry("instances.orders.server", "sql-dr"),
                        Map.entry("instances.orders.failover-group", "orders-fg"),
                        Map.entry("instances.orders.resource-group", "db-rg"),
                        Map.entry("instances.orders.location", "northeurope"),
                        Map.entry("instances.carts.kind", "postgresql-flexible"),
                        Map.entry("instances.carts.server", "pg-dr"),
                        Map.entry("instances.carts.promote-option", "forced")),
                options);
    }

    @Test
    void aPostgresqlInstanceStillNamesItsStandby() {
        ProvidersConfig config = read(Map.of(
                "baran.providers.db.type",
                "postgresql",
                "baran.providers.db.instances.orders.standby",
                "10.0.0.2",
                "baran.providers.db.instances.orders.primary",
                "10.0.0.1"));

        assertEquals(
                Map.of("instances.orders.standby", "10.0.0.2", "instances.orders.primary", "10.0.0.1"),
                ProviderBeans.options(config.all().get("db")));
    }
}
