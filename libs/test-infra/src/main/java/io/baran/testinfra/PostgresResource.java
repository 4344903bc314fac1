package io.baran.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A real PostgreSQL server for a {@code @QuarkusTest}, with the roles of a deployment: sets
 * {@code quarkus.datasource.jdbc.url}, {@code .username} and {@code .password} to the application's role
 * ({@link PostgresServer#APP_USER}) and {@code quarkus.flyway.username} and {@code .password} to the owner
 * ({@link PostgresServer#USER}), who runs the migrations. A test connects with either through the same URL.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private PostgresServer server;

    @Override
    public Map<String, String> start() {
        server = PostgresServer.start(WorkDirs.create("postgres"));
        return Map.of(
                "quarkus.datasource.jdbc.url",
                server.jdbcUrl(),
                "quarkus.datasource.username",
                PostgresServer.APP_USER,
                "quarkus.datasource.password",
                PostgresServer.APP_PASSWORD,
                "quarkus.flyway.username",
                PostgresServer.USER,
                "quarkus.flyway.password",
                PostgresServer.PASSWORD);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
