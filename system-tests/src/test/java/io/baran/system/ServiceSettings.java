package io.baran.system;

import io.baran.testinfra.PostgresServer;

import java.util.Map;

/** Settings the system tests give the packaged services alike. */
final class ServiceSettings {

    private ServiceSettings() {
    }

    /** The orchestrator on this PostgreSQL: as the application role, its migrations as the owner. */
    static Map<String, String> orchestratorDatabase(PostgresServer postgres) {
        return Map.of("quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", PostgresServer.APP_USER,
                "quarkus.datasource.password", PostgresServer.APP_PASSWORD,
                "quarkus.flyway.username", PostgresServer.USER,
                "quarkus.flyway.password", PostgresServer.PASSWORD);
    }

    /** A detector target probed every 300 ms (a 1 s timeout), so an outage is seen within about a second. */
    static Map<String, String> fastTarget(String name, String url, String scope) {
        String prefix = "baran.detector.targets." + name + ".";
        return Map.of(prefix + "url", url, prefix + "scope", scope, prefix + "interval", "300ms", prefix + "timeout", "1s");
    }
}
