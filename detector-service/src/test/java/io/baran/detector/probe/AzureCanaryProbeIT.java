package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.baran.detector.Targets;
import io.baran.detector.config.TargetSpec;
import io.baran.detector.state.Health;
import io.baran.testinfra.AzuriteServer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Blob Storage canary against Azurite on 127.0.0.1. The account key reaches the probe only through the environment
 * variable the target names ({@code BARAN_TEST_AZURITE_KEY}, given here as the probes' environment).
 */
class AzureCanaryProbeIT {

    private static final String KEY_ENV = "BARAN_TEST_AZURITE_KEY";
    private static final Function<String, String> ENVIRONMENT = Map.of(KEY_ENV, AzuriteServer.KEY)::get;

    @RegisterExtension
    static final CanaryProbes canary = new CanaryProbes(ENVIRONMENT);

    private static AzuriteServer azurite;

    @BeforeAll
    static void start() {
        azurite = AzuriteServer.start(WorkDirs.create("azurite-canary"));
        seed(azurite.endpoint());
    }

    @AfterAll
    static void stop() {
        azurite.close();
    }

    /** A container {@code canaries} with {@code baran/canary.txt} = "alive" and {@code baran/corrupt.txt} = other bytes. */
    private static void seed(String endpoint) {
        BlobContainerClient container = new BlobServiceClientBuilder()
                .endpoint(endpoint)
                .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.KEY))
                .buildClient()
                .getBlobContainerClient("canaries");
        container.createIfNotExists();
        container.getBlobClient("baran/canary.txt").upload(BinaryData.fromString("alive"), true);
        container.getBlobClient("baran/corrupt.txt").upload(BinaryData.fromString("al\u0000ve"), true);
    }

    private static TargetSpec spec(String url, String endpoint, List<String> expect, Boolean write, String interval) {
        return new TargetSpec(
                url,
                "azure/westeurope/blob",
                interval,
                "3s",
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
                write,
                AzuriteServer.ACCOUNT,
                KEY_ENV);
    }

    private static ProbeResult probe(String url, String endpoint, List<String> expect, Boolean write) {
        return canary.run(Targets.define("azure-canary", spec(url, endpoint, expect, write, "1s"), ENVIRONMENT));
    }

    @Test
    void readsTheCanaryBlobThroughTheBlobStorageApi() {
        ProbeResult result = probe("az://canaries/baran/canary.txt", azurite.endpoint(), null, null);
        assertTrue(result.passed(), result.detail());
        assertEquals(
                "Blob Storage read az://canaries/baran/canary.txt (account devstoreaccount1) (5 bytes)",
                result.detail());
        assertTrue(probe("az://canaries/baran/canary.txt", azurite.endpoint(), List.of("alive"), null)
                .passed());
    }

    @Test
    void failsWhenTheBlobIsCorrupt() {
        ProbeResult result = probe("az://canaries/baran/corrupt.txt", azurite.endpoint(), List.of("alive"), null);
        assertFalse(result.passed());
        assertEquals(
                "Blob Storage az://canaries/baran/corrupt.txt (account devstoreaccount1) holds other content than expected",
                result.detail());
    }

    @Test
    void failsWithTheServicesErrorCodeWhenTheBlobIsMissing() {
        ProbeResult result = probe("az://canaries/baran/missing.txt", azurite.endpoint(), null, null);
        assertFalse(result.passed());
        assertEquals("Blob Storage BlobNotFound (HTTP 404)", result.detail());
    }

    @Test
    void writesThenReadsBackWhenAskedTo() {
        ProbeResult result = probe("az://canaries/baran/written.txt", azurite.endpoint(), null, true);
        assertTrue(result.passed(), result.detail());
        assertEquals(
                "Blob Storage wrote and read az://canaries/baran/written.txt (account devstoreaccount1)",
                result.detail());
    }

    @Test
    void aWrongKeyFailsTheProbeWithoutShowingIt() {
        String wrong = "d3Jvbmcga2V5IGZvciB0aGUgdGVzdA==";
        Probes other = new Probes(canary.vertx, "test-vantage", Map.of(KEY_ENV, wrong)::get);
        try {
            ProbeResult result = CanaryProbes.run(
                    other,
                    Targets.define(
                            "azure-wrong-key",
                            spec("az://canaries/baran/canary.txt", azurite.endpoint(), null, null, "1s"),
                            ENVIRONMENT));
            assertFalse(result.passed());
            assertTrue(
                    result.detail().startsWith("Blob Storage ")
                            && result.detail().endsWith("(HTTP 403)"),
                    result.detail());
            assertFalse(result.detail().contains(wrong));
        } finally {
            other.close();
        }
    }

    /** The API stops: the target is DOWN within interval × threshold + 1 s, saying why; the API back, it is UP again. */
    @Test
    void aTargetGoesDownWhenTheApiStopsAndUpWhenItIsBack() throws Exception {
        Path work = WorkDirs.create("azurite-stopped");
        int port = Ports.free();
        AzuriteServer own = AzuriteServer.start(work, port, work.resolve("data"));
        try (WatchedTarget watched = new WatchedTarget(
                canary.vertx,
                canary.probes,
                Targets.define(
                        "azure-stops",
                        spec("az://canaries/baran/canary.txt", own.endpoint(), List.of("alive"), null, "250ms"),
                        ENVIRONMENT))) {
            seed(own.endpoint());
            watched.await(Health.UP, Duration.ofSeconds(10));
            long stopped = System.nanoTime();
            own.close();
            Duration bound = watched.detectionBound().plusNanos(System.nanoTime() - stopped);
            watched.await(Health.DOWN, bound);
            String reason = watched.status().lastResult();
            assertTrue(reason.contains("Connection refused") || reason.contains("onnect"), reason);
            assertFalse(reason.contains(AzuriteServer.KEY));

            own = AzuriteServer.start(work, port, work.resolve("data"));
            watched.await(Health.UP, Duration.ofSeconds(15));
            assertEquals(
                    "Blob Storage read az://canaries/baran/canary.txt (account devstoreaccount1) (5 bytes)",
                    watched.status().lastResult());
        } finally {
            own.close();
        }
    }
}
