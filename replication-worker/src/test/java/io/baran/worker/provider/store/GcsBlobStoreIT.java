package io.baran.worker.provider.store;

import com.google.cloud.storage.BucketInfo;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.TestResources;
import io.baran.worker.provider.gcp.CloudStorageObjectStore;
import io.baran.worker.replication.Emulators;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link BlobStoreConformance} suite on Cloud Storage buckets handed out by a {@code gcp} provider, against fake-gcs-server. */
class GcsBlobStoreIT extends BlobStoreConformance {

    @RegisterExtension
    static final TestResources resources = new TestResources();

    private static Providers providers;

    @BeforeAll
    static void connect() {
        providers = resources.keep(Providers.connect(
                List.of(new ProviderSettings(
                        "gcp-objects",
                        "gcp",
                        "us-east-1",
                        Optional.empty(),
                        Map.of(
                                "project",
                                "baran-test",
                                "storage-endpoint",
                                Emulators.gcs().endpoint()))),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE)));
    }

    @Override
    protected ObjectStore provider() {
        return providers.objects("gcp-objects");
    }

    @Override
    protected ControlPlane expectedControlPlane() {
        return CloudStorageObjectStore.CONTROL_PLANE;
    }

    /** fake-gcs-server 1.56.1 checks ifGenerationMatch on uploads only. */
    @Override
    protected String emulatorIgnores(Conditional call) {
        return call == Conditional.DELETE_IF_VERSION
                ? "fake-gcs-server 1.56.1 ignores ifGenerationMatch on delete"
                : "fake-gcs-server 1.56.1 ignores ifGenerationMatch on compose";
    }

    @Override
    protected BlobStore newStore() {
        String bucket = Emulators.bucket("conf");
        Emulators.gcsClient().create(BucketInfo.of(bucket));
        return provider().bucket(bucket);
    }

    @Override
    protected BlobStore missingBucket() {
        return provider().bucket("no-such-bucket");
    }
}
