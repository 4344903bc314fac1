package io.baran.detector.probe;

import io.baran.detector.config.TargetDefinition;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The probes of one vantage ({@code test-vantage}) on their own vert.x, as the object-store canary tests use
 * them. Held in a {@code @RegisterExtension static} field, it closes the probes and vert.x after the test class.
 */
final class CanaryProbes implements AfterAllCallback {

    final Vertx vertx = Vertx.vertx();
    final Probes probes;

    /** Probes that read secrets from {@code environment}. */
    CanaryProbes(Function<String, String> environment) {
        probes = new Probes(vertx, "test-vantage", environment);
    }

    /** Probes that read secrets from the process's environment. */
    CanaryProbes() {
        probes = new Probes(vertx, "test-vantage");
    }

    /** One run of {@code target}'s probe by {@code with}, bounded to 20 s. */
    static ProbeResult run(Probes with, TargetDefinition target) {
        return with.create(target).run().await().atMost(Duration.ofSeconds(20));
    }

    /** One run of {@code target}'s probe, bounded to 20 s. */
    ProbeResult run(TargetDefinition target) {
        return run(probes, target);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        probes.close();
        vertx.closeAndAwait();
    }
}
