package io.baran.system;

import io.baran.testinfra.KafkaBroker;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.TemporalDevServer;
import java.util.Map;

/** Settings the system tests give the packaged services alike. */
final class ServiceSettings {

    /** The payload encryption key the orchestrator and the worker share (a test-only key). */
    static final Map<String, String> CODEC = Map.of(
            "baran.temporal.codec.active-key",
            "system",
            "baran.temporal.codec.keys.system",
            "dGVzdC1vbmx5LWtleS1mb3ItYmFyYW4tdGVzdHMtMDE=");
    /** moto takes any credentials; the worker's AWS SDK wants some. */
    static final Map<String, String> AWS_ENV =
            Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1");

    private ServiceSettings() {}

    /**
     * What every service of a system test is given: the broker, Temporal, the identity provider that issues its tokens,
     * and egress to 127.0.0.1, where every component of the tests is (the egress policy refuses it by default).
     */
    static Map<String, String> common(KafkaBroker kafka, TemporalDevServer temporal, String issuer) {
        return Map.of(
                "kafka.bootstrap.servers",
                kafka.bootstrapServers(),
                "baran.temporal.target",
                temporal.target(),
                "quarkus.oidc.auth-server-url",
                issuer,
                "baran.egress.allow",
                "127.0.0.1");
    }

    /** The orchestrator on this PostgreSQL: as the application role, its migrations as the owner. */
    static Map<String, String> orchestratorDatabase(PostgresServer postgres) {
        return Map.of(
                "quarkus.datasource.jdbc.url",
                postgres.jdbcUrl(),
                "quarkus.datasource.username",
                PostgresServer.APP_USER,
                "quarkus.datasource.password",
                PostgresServer.APP_PASSWORD,
                "quarkus.flyway.username",
                PostgresServer.USER,
                "quarkus.flyway.password",
                PostgresServer.PASSWORD);
    }

    /**
     * The detector and the worker: their changing calls appended to the orchestrator's audit trail on this PostgreSQL,
     * as the role its migrations grant SELECT and INSERT on {@code audit_log}.
     */
    static Map<String, String> auditTrail(PostgresServer postgres) {
        return Map.of(
                "baran.audit.jdbc-url",
                postgres.jdbcUrl(),
                "baran.audit.user",
                PostgresServer.AUDIT_USER,
                "baran.audit.password",
                PostgresServer.AUDIT_PASSWORD);
    }

    /** The worker's provider {@code aws-test}: moto at {@code endpoint}. */
    static Map<String, String> awsProvider(String endpoint) {
        return Map.of(
                "baran.providers.aws-test.type",
                "aws",
                "baran.providers.aws-test.region",
                "us-east-1",
                "baran.providers.aws-test.endpoint",
                endpoint);
    }

    /** A detector target probed every 300 ms (a 1 s timeout), so an outage is seen within about a second. */
    static Map<String, String> fastTarget(String name, String url, String scope) {
        String prefix = "baran.detector.targets." + name + ".";
        return Map.of(
                prefix + "url", url, prefix + "scope", scope, prefix + "interval", "300ms", prefix + "timeout", "1s");
    }
}
