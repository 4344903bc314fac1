package io.baran.system;

import io.baran.testinfra.PostgresServer;

import java.nio.file.Path;
import java.util.Map;

/** The settings the system tests give the packaged services, beyond each test's own. */
final class ServiceSettings {

    /** The payload encryption key the orchestrator and the worker share (a test-only key). */
    static final Map<String, String> CODEC = Map.of("baran.temporal.codec.active-key", "system",
            "baran.temporal.codec.keys.system", "dGVzdC1vbmx5LWtleS1mb3ItYmFyYW4tdGVzdHMtMDE=");
    /** moto takes any credentials; the worker's AWS SDK wants some. */
    static final Map<String, String> AWS_ENV = Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
            "AWS_REGION", "us-east-1");

    private ServiceSettings() {
    }

    /** The orchestrator's database: the application role for the service, the owner for the migrations. */
    static Map<String, String> database(PostgresServer postgres) {
        return Map.of("quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", PostgresServer.APP_USER, "quarkus.datasource.password", PostgresServer.APP_PASSWORD,
                "quarkus.flyway.username", PostgresServer.USER, "quarkus.flyway.password", PostgresServer.PASSWORD);
    }

    /** The worker's provider {@code aws-test}: moto at {@code endpoint}. */
    static Map<String, String> awsProvider(String endpoint) {
        return Map.of("baran.providers.aws-test.type", "aws", "baran.providers.aws-test.region", "us-east-1",
                "baran.providers.aws-test.endpoint", endpoint);
    }

    /** A detector vantage signing with the key {@link SigningKeys#create} made as {@code signing/<kid>.pem}. */
    static Map<String, String> vantage(Path signing, String kid, String vantage) {
        return Map.of("baran.detector.vantage", vantage, "baran.signing.key-id", kid,
                "baran.signing.key-file", signing.resolve(kid + ".pem").toString());
    }
}
