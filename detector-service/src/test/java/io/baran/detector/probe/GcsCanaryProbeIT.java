package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.baran.detector.Targets;
import io.baran.detector.config.TargetSpec;
import io.baran.detector.state.Health;
import io.baran.testinfra.FakeGcsServer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Cloud Storage canary against fake-gcs-server, which serves the Cloud Storage JSON API on 127.0.0.1. */
class GcsCanaryProbeIT {

    @RegisterExtension
    static final CanaryProbes canary = new CanaryProbes();

    private static FakeGcsServer gcs;

    @BeforeAll
    static void start() {
        gcs = FakeGcsServer.start(WorkDirs.create("fake-gcs-canary"));
        seed(gcs.endpoint());
    }

    @AfterAll
    static void stop() {
        gcs.close();
    }

    /** A bucket {@code canaries} with {@code baran/canary.txt} = "alive" and {@code baran/corrupt.txt} = other bytes. */
    private static void seed(String endpoint) {
        try (Storage storage = StorageOptions.http()
                .setHost(endpoint)
                .setProjectId("test")
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService()) {
            storage.create(BucketInfo.of("canaries"));
            put(storage, "baran/canary.txt", "alive");
            put(storage, "baran/corrupt.txt", "al\u0000ve");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(Storage storage, String name, String content) {
        storage.create(
                BlobInfo.newBuilder(BlobId.of("canaries", name)).build(), content.getBytes(StandardCharsets.UTF_8));
    }

    private static TargetSpec spec(String url, String endpoint, List<String> expect, Boolean write, String interval) {
        return new TargetSpec(
                url,
                "gcp/europe-west1/gcs",
                interval,
                "2s",
                3,
                3,
                null,
                null,
                null,
                null,
                null,
                expect,
                endpoint,
                null,
                write);
    }

    private static ProbeResult probe(String url, String endpoint, List<String> expect, Boolean write) {
        return canary.run(Targets.define("gcs-canary", spec(url, endpoint, expect, write, "1s")));
    }

    @Test
    void readsTheCanaryObjectThroughTheCloudStorageApi() {
        ProbeResult result = probe("gs://canaries/baran/canary.txt", gcs.endpoint(), null, null);
        assertTrue(result.passed(), result.detail());
        assertEquals("Cloud Storage read gs://canaries/baran/canary.txt (5 bytes)", result.detail());
        assertTrue(probe("gs://canaries/baran/canary.txt", gcs.endpoint(), List.of("alive"), null)
                .passed());
    }

    @Test
    void failsWhenTheObjectIsCorrupt() {
        ProbeResult result = probe("gs://canaries/baran/corrupt.txt", gcs.endpoint(), List.of("alive"), null);
        assertFalse(result.passed());
        assertEquals(
                "Cloud Storage gs://canaries/baran/corrupt.txt holds other content than expected", result.detail());
    }

    @Test
    void failsWithTheServicesAnswerWhenTheObjectIsMissing() {
        ProbeResult result = probe("gs://canaries/baran/missing.txt", gcs.endpoint(), null, null);
        assertFalse(result.passed());
        assertTrue(
                result.detail().startsWith("Cloud Storage ") && result.detail().endsWith("(HTTP 404)"),
                result.detail());
    }

    @Test
    void writesThenReadsBackWhenAskedTo() {
        ProbeResult result = probe("gs://canaries/baran/written.txt", gcs.endpoint(), null, true);
        assertTrue(result.passed(), result.detail());
        assertEquals("Cloud Storage wrote and read gs://canaries/baran/written.txt", result.detail());
    }

    @Test
    void failsWhenTheApiDoesNotAnswer() {
        ProbeResult result = probe("gs://canaries/baran/canary.txt", "http://127.0.0.1:" + Ports.free(), null, null);
        assertFalse(result.passed(), result.detail());
    }

    /** The API stops: the target is DOWN within interval × threshold + 1 s, saying why; the API back, it is UP again. */
    @Test
    void aTargetGoesDownWhenTheApiStopsAndUpWhenItIsBack() throws Exception {
        Path work = WorkDirs.create("fake-gcs-stopped");
        Path storage = work.resolve("objects");
        java.nio.file.Files.createDirectories(storage);
        int port = Ports.free();
        FakeGcsServer own = FakeGcsServer.start(work, port, storage);
        try (WatchedTarget watched = new WatchedTarget(
                canary.vertx,
                canary.probes,
                Targets.define(
                        "gcs-stops",
                        spec("gs://canaries/baran/canary.txt", own.endpoint(), List.of("alive"), null, "250ms")))) {
            seed(own.endpoint());
            watched.await(Health.UP, Duration.ofSeconds(10));
            long stopped = System.nanoTime();
            own.close();
            Duration bound = watched.detectionBound().plusNanos(System.nanoTime() - stopped);
            watched.await(Health.DOWN, bound);
            String reason = watched.status().lastResult();
            assertTrue(reason.contains("Connection refused") || reason.contains("ConnectException"), reason);

            own = FakeGcsServer.start(work, port, storage);
            watched.await(Health.UP, Duration.ofSeconds(10));
            assertEquals(
                    "Cloud Storage read gs://canaries/baran/canary.txt (5 bytes)",
                    watched.status().lastResult());
        } finally {
            own.close();
        }
    }
}
