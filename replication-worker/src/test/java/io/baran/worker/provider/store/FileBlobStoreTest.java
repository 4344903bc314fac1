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

    /**
     * A program rewriting a replicated file in place (same size) keeps its extended attributes: the checksum recorded for
     * the version Baran wrote is not taken for the new content, which would otherwise compare equal to the old copy
     * elsewhere (a chained replica never updated) or fail every read's check (a failback blocked).
     */
    @org.junit.jupiter.api.Test
    void aFileRewrittenInPlaceIsNotTakenForItsOldChecksum() throws IOException {
        BlobStore store = newStore();
        io.baran.worker.replication.TestData.put(store, "k.txt", "first version");
        Blob written = store.stat("k.txt");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                written.sha256() != null, "no extended attributes on this file system: nothing is recorded");
        String bucket = store.describe().substring(store.describe().indexOf("://") + 3);
        Path file = root.resolve(bucket).resolve("k.txt");

        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap("other version".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        // Written a moment later (a timestamp the file system's granularity tells from the first).
        Files.setLastModifiedTime(
                file, java.nio.file.attribute.FileTime.from(written.modified().plusSeconds(2)));

        Blob now = store.stat("k.txt");
        org.junit.jupiter.api.Assertions.assertEquals(written.size(), now.size());
        org.junit.jupiter.api.Assertions.assertNotEquals(written.version(), now.version());
        org.junit.jupiter.api.Assertions.assertNull(now.sha256(), "the first version's checksum is not this one's");
        org.junit.jupiter.api.Assertions.assertNotEquals(
                Blob.Match.SAME, now.compare(written), "the two versions do not compare as the same content");
    }

    @Override
    protected BlobStore missingBucket() {
        return provider().bucket("no-such-bucket");
    }
}
