package io.baran.worker.provider.gcp;

import io.baran.testinfra.Ports;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How the gcp tests configure their providers against {@link GoogleCloudFake}. */
final class GcpFakes {

    static final String PROVIDER = "gcp-main";
    static final String UNREACHABLE = "gcp-unreachable";

    private GcpFakes() {}

    static ProviderSettings settings(String name, String endpoint, Map<String, String> options) {
        return new ProviderSettings(name, "gcp", "us-east-1", Optional.of(URI.create(endpoint)), options);
    }

    /** {@link #PROVIDER} served by the fake, {@link #UNREACHABLE} at a port nothing listens on. */
    static Providers connect(GoogleCloudFake fake, Duration dnsSyncTimeout) {
        return Providers.connect(
                List.of(
                        settings(
                                PROVIDER,
                                fake.endpoint(),
                                Map.of(
                                        "project",
                                        GoogleCloudFake.PROJECT,
                                        "promote-timeout",
                                        "10s",
                                        "operation-timeout",
                                        "10s")),
                        settings(
                                UNREACHABLE,
                                "http://127.0.0.1:" + Ports.free(),
                                Map.of("project", GoogleCloudFake.PROJECT))),
                ProviderContext.of(dnsSyncTimeout, Heartbeat.NONE));
    }
}
