package io.baran.orchestrator.config;

import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Refuses a migrations owner without a password. Quarkus uses {@code quarkus.flyway.username} only together with
 * {@code quarkus.flyway.password}; with the password missing it would run the migrations as the application role
 * ({@code quarkus.datasource.username}), which may not create or alter tables, and fail with an error naming a table
 * rather than the setting. The service stops at start instead, naming the setting. Registered with SmallRye Config
 * ({@code META-INF/services}), so it runs when Quarkus reads its configuration at start, before any connection.
 */
public final class OwnerCredentials implements ConfigSourceInterceptor {

    static final String USERNAME = "quarkus.flyway.username";
    static final String PASSWORD = "quarkus.flyway.password";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        // Only when the application runs: the build reads every property too, and profiles not its own.
        if (name.equals(PASSWORD) && isBlank(value) && ExecutionMode.current() != ExecutionMode.UNSET) {
            ConfigValue owner = context.proceed(USERNAME);
            if (!isBlank(owner)) {
                throw new IllegalStateException("the migrations owner " + USERNAME + " is '" + owner.getValue()
                        + "' but " + PASSWORD + " is not set: set QUARKUS_FLYWAY_PASSWORD to the owner's password");
            }
        }
        return value;
    }

    private static boolean isBlank(ConfigValue value) {
        return value == null || value.getValue() == null || value.getValue().isBlank();
    }
}
