package io.baran.worker.provider.azure;

import io.baran.testinfra.Ports;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Azure providers for the tests: one on the fake ARM, one whose endpoint accepts no connection. */
final class AzureProviders {

    static final String TOKEN_ENV = "BARAN_TEST_ARM_TOKEN";
    static final String UNREACHABLE = "azure-unreachable";

    private AzureProviders() {}

    static ProviderSettings settings(String name, String endpoint, Map<String, String> options) {
        Map<String, String> all =
                new HashMap<>(Map.of("subscription", FakeArm.SUBSCRIPTION, "token-env", TOKEN_ENV, "timeout", "5s"));
        all.putAll(options);
        return new ProviderSettings(name, "azure", "us-east-1", Optional.of(URI.create(endpoint)), all);
    }

    /** The provider under test on the fake, and the same settings on a port nothing listens on. */
    static Providers connect(FakeArm arm, String name, Map<String, String> options) {
        return Providers.connect(
                List.of(
                        settings(name, arm.endpoint(), options),
                        settings(UNREACHABLE, "http://127.0.0.1:" + Ports.free(), options)),
                new ProviderContext(Duration.ofSeconds(10), Heartbeat.NONE, Map.of(TOKEN_ENV, FakeArm.TOKEN)::get));
    }
}
