package io.baran.worker.provider.store;

import io.baran.testinfra.AzuriteServer;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.TestResources;
import io.baran.worker.provider.azure.BlobStorageObjectStore;
import io.baran.worker.replication.Emulators;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link BlobStoreConformance} suite on Blob Storage containers handed out by an {@code azure} provider, against
 * Azurite, with the account key read from the environment variable the configuration names.
 */
class AzureBlobStoreIT extends BlobStoreConformance {

    @RegisterExtension
    static final TestResources resources = new TestResources();

    private static Providers providers;

    @BeforeAll
    static void connect() {
        Map<String, String> environment = Map.of("AZURITE_KEY", AzuriteServer.KEY);
        providers = resources.keep(Providers.connect(
                List.of(new ProviderSettings(
                        "azure-objects",
                        "azure",
                        "us-east-1",
                        Optional.empty(),
                        Map.of(
                                "subscription",
                                "00000000-0000-0000-0000-000000000000",
                                "resource-group",
                                "baran-test",
                                "storage-account",
                                AzuriteServer.ACCOUNT,
                                "storage-account-key-env",
                                "AZURITE_KEY",
                                "storage-endpoint",
                                Emulators.azurite().endpoint()))),
                new ProviderContext(Duration.ofSeconds(10), Heartbeat.NONE, environment::get)));
    }

    @Override
    protected ObjectStore provider() {
        return providers.objects("azure-objects");
    }

    @Override
    protected ControlPlane expectedControlPlane() {
        return BlobStorageObjectStore.CONTROL_PLANE;
    }

    @Override
    protected BlobStore newStore() {
        return provider()
                .bucket(Emulators.azure(Emulators.bucket("conf")).describe().replaceFirst("^.*://", ""));
    }

    @Override
    protected BlobStore missingBucket() {
        return provider().bucket("no-such-container");
    }
}
