package io.baran.worker.provider.store;

import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.replication.Emulators;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link BlobStoreConformance} suite on directories handed out by a {@code filesystem} provider. */
class FileBlobStoreTest extends BlobStoreConformance {

    private static Path root;
    private static Providers providers;

    @BeforeAll
    static void connect() {
        root = WorkDirs.create("files");
        providers = Providers.connect(
                List.of(new ProviderSettings(
                        "local-files",
                        "filesystem",
                        "us-east-1",
                        Optional.empty(),
                        Map.of("root", root.toString(), "site", "onprem/dc1"))),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE));
    }

    @AfterAll
    static void close() {
        providers.close();
    }

    @Override
    protected ObjectStore provider() {
        return providers.objects("local-files");
    }

    @Override
    protected ControlPlane expectedControlPlane() {
        return new ControlPlane("onprem/dc1", "filesystem", "file system " + root);
    }

    @Override
    protected BlobStore newStore() {
        String bucket = Emulators.bucket("conf");
        try {
            Files.createDirectories(root.resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return provider().bucket(bucket);
    }

    @Override
    protected BlobStore missingBucket() {
        return provider().bucket("no-such-bucket");
    }
}
