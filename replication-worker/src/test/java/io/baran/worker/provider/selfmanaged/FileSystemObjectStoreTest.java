package io.baran.worker.provider.selfmanaged;

import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectStoreConformance;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The object-store conformance suite on the real file system, in a temporary directory. */
class FileSystemObjectStoreTest extends ObjectStoreConformance {

    private static Path root;
    private static Providers providers;

    @BeforeAll
    static void makeTheBucket() throws IOException {
        root = Files.createTempDirectory("baran-objects-");
        Files.createDirectories(root.resolve(BUCKET));
        providers = Providers.connect(List.of(
                        new ProviderSettings("local-files", "filesystem", "us-east-1", Optional.empty(),
                                Map.of("root", root.toString(), "site", "onprem/dc1")),
                        new ProviderSettings("unmounted", "filesystem", "us-east-1", Optional.empty(),
                                Map.of("root", root.resolve("not-mounted").toString()))),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE));
    }

    @AfterAll
    static void removeTheRoot() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "local-files";
    }

    @Override
    protected String unreachableProviderName() {
        return "unmounted";
    }

    @Override
    protected ControlPlane controlPlane() {
        return new ControlPlane("onprem/dc1", "filesystem", "file system " + root);
    }

    @Override
    protected void putDirect(String key, byte[] content) {
        try {
            Path file = root.resolve(BUCKET).resolve(key);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Optional<byte[]> readDirect(String key) {
        Path file = root.resolve(BUCKET).resolve(key);
        try {
            return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aWriteLeavesNoPartialFileBehind() throws IOException {
        providers.objects("local-files").write(BUCKET, "atomic/one.txt", new byte[1024]);

        try (Stream<Path> files = Files.list(root.resolve(BUCKET).resolve("atomic"))) {
            assertEquals(List.of("one.txt"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(providers.objects("local-files").list(BUCKET, "atomic/").stream().allMatch(o -> o.size() == 1024));
    }
}
