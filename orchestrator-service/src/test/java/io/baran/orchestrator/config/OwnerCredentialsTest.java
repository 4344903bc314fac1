package io.baran.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.ExecutionModeManager;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.io.IOException;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's own application.properties, read as Quarkus reads it (with the interceptors it discovers):
 * no database password has a default in production, and a migrations owner without a password stops the service
 * naming the setting instead of running the migrations as the application role.
 */
class OwnerCredentialsTest {

    /** As when the application starts (the build reads the properties too, and is not refused). */
    @BeforeEach
    void starting() {
        ExecutionModeManager.runtimeInit();
    }

    @AfterEach
    void built() {
        ExecutionModeManager.unset();
    }

    @Test
    void theBuildIsNotRefused() throws IOException {
        ExecutionModeManager.unset();
        SmallRyeConfig config = packaged(null, Map.of());

        assertEquals(Optional.empty(), config.getOptionalValue(OwnerCredentials.PASSWORD, String.class));
    }

    @Test
    void productionHasNoDatabasePasswordAndRefusesAnOwnerWithoutOne() throws IOException {
        SmallRyeConfig config = packaged(null, Map.of());

        assertEquals(Optional.empty(), config.getOptionalValue("quarkus.datasource.password", String.class));
        assertEquals("baran", config.getValue(OwnerCredentials.USERNAME, String.class));
        IllegalStateException refused = assertThrows(
                IllegalStateException.class, () -> config.getOptionalValue(OwnerCredentials.PASSWORD, String.class));
        assertTrue(refused.getMessage().contains("QUARKUS_FLYWAY_PASSWORD"), refused.getMessage());
        assertTrue(refused.getMessage().contains("'baran'"), refused.getMessage());
    }

    @Test
    void productionTakesBothPasswordsFromTheEnvironment() throws IOException {
        SmallRyeConfig config = packaged(
                null, Map.of("quarkus.datasource.password", "app-secret", "quarkus.flyway.password", "owner-secret"));

        assertEquals("app-secret", config.getValue("quarkus.datasource.password", String.class));
        assertEquals("owner-secret", config.getValue(OwnerCredentials.PASSWORD, String.class));
    }

    @Test
    void anEmptyOwnerPasswordIsRefusedToo() throws IOException {
        SmallRyeConfig config = packaged(null, Map.of("quarkus.flyway.password", " "));

        assertThrows(
                IllegalStateException.class, () -> config.getOptionalValue(OwnerCredentials.PASSWORD, String.class));
    }

    @Test
    void withoutAnOwnerTheMigrationsNeedNoPasswordOfTheirOwn() throws IOException {
        SmallRyeConfig config = packaged(null, Map.of(OwnerCredentials.USERNAME, ""));

        assertEquals(Optional.empty(), config.getOptionalValue(OwnerCredentials.PASSWORD, String.class));
    }

    @Test
    void theLocalStackKeepsItsWellKnownPasswords() throws IOException {
        SmallRyeConfig config = packaged("local", Map.of());

        assertEquals("baran_app", config.getValue("quarkus.datasource.password", String.class));
        assertEquals("baran", config.getValue(OwnerCredentials.PASSWORD, String.class));
    }

    /** The packaged application.properties under {@code profile}, below {@code environment} (as the environment is). */
    private static SmallRyeConfig packaged(String profile, Map<String, String> environment) throws IOException {
        URL properties = OwnerCredentials.class.getClassLoader().getResource("application.properties");
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDiscoveredInterceptors()
                .withSources(new PropertiesConfigSource(properties, 250))
                .withSources(new MapBackedConfigSource("environment", environment, 300) {});
        if (profile != null) {
            builder.withProfile(profile);
        }
        return builder.build();
    }
}
