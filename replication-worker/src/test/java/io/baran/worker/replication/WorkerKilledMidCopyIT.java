package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.security.Roles;
import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.Digests;
import io.baran.worker.provider.store.S3BlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The replication-worker application itself — the Quarkus jar this module packages, started as a process with
 * its {@code baran.providers} and {@code baran.replication} configuration — killed with SIGKILL in the middle of
 * copying a large object from a file-system provider to an S3 provider (moto), then started again: the copy
 * completes, resuming the multipart upload where it stopped, with no corrupt or duplicate object, and a watcher
 * listing the replica all along never sees an object that is not whole.
 */
@Timeout(400)
class WorkerKilledMidCopyIT {

    private static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final int PART = 8 << 20;
    private static final Duration WAIT = Duration.ofSeconds(150);
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theWorkerKilledMidCopyAndRestartedCompletesWithNoCorruptDuplicateOrHalfVisibleObject() throws Exception {
        assertTrue(Files.isRegularFile(APP), APP + " is missing: run the tests through ./mvnw verify, after packaging");
        Path root = WorkDirs.create("killed-source");
        Path dir = Files.createDirectories(root.resolve("assets"));
        long bigSize = 12L * PART + 777;
        Map<String, String> expected = new TreeMap<>();
        Map<String, Long> sizes = new TreeMap<>();
        expected.put("big/archive.tar", writeGenerated(dir.resolve("big/archive.tar"), bigSize, 99));
        sizes.put("big/archive.tar", bigSize);
        for (int i = 0; i < 30; i++) {
            expected.put("small/" + i + ".txt", writeGenerated(dir.resolve("small/" + i + ".txt"), 1000 + i, i + 1));
            sizes.put("small/" + i + ".txt", 1000L + i);
        }
        String bucket = Emulators.bucket("killed");
        Emulators.s3Client().createBucket(b -> b.bucket(bucket));
        Path dataDir = WorkDirs.create("killed-data");
        ReplicaWatcher watcher = new ReplicaWatcher(bucket);
        watcher.start();
        try {
            long sentBeforeKill;
            int port = Ports.free();
            try (LocalProcess first = startWorker("worker-1", port, root, bucket, dataDir)) {
                first.await(() -> partsJournaled(dataDir) >= 3, WAIT, "three parts of the large object to be sent");
                ProcessHandle worker = ProcessHandle.of(first.pid()).orElseThrow();
                assertTrue(worker.destroyForcibly(), "SIGKILL sent");
                worker.onExit().get(30, TimeUnit.SECONDS);
            }
            sentBeforeKill = partsJournaled(dataDir);
            assertTrue(
                    sentBeforeKill < 13,
                    "killed before the large object was complete (" + sentBeforeKill + " parts sent)");
            assertTrue(!watcher.keys().contains("big/archive.tar"), "the half-sent object is not visible");

            int port2 = Ports.free();
            JsonNode replica;
            try (LocalProcess second = startWorker("worker-2", port2, root, bucket, dataDir)) {
                second.await(
                        () -> "in-sync".equals(state(port2)), WAIT, "the restarted worker's pass to finish in sync");
                replica = pair(port2).path("replicas").get(0);
            }
            assertTrue(
                    replica.path("copiedBytes").asLong() <= bigSize + 31 * 1100 - sentBeforeKill * PART,
                    "the parts sent before the kill are not sent again: "
                            + replica.path("copiedBytes").asLong() + " bytes sent after the restart");
        } finally {
            watcher.stop();
        }

        S3BlobStore replicaStore = new S3BlobStore("aws-dr", bucket, Emulators.s3Client());
        assertEquals(expected.keySet(), TestData.list(replicaStore, "").keySet(), "every object once, nothing else");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), TestData.sha256(replicaStore, e.getKey()), e.getKey() + " is intact");
        }
        List<String> everything = Emulators.s3Client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .sorted()
                .toList();
        assertEquals(List.copyOf(expected.keySet()), everything, "no temporary object is left in the bucket");
        assertTrue(
                Emulators.s3Client()
                        .listMultipartUploads(b -> b.bucket(bucket))
                        .uploads()
                        .isEmpty(),
                "no unfinished multipart upload is left: the restarted worker completed the one it resumed");
        assertTrue(
                watcher.listings() > 10,
                "the watcher listed the replica all along (" + watcher.listings() + " listings)");
        for (String seen : watcher.seen()) {
            String key = seen.substring(0, seen.lastIndexOf(' '));
            long size = Long.parseLong(seen.substring(seen.lastIndexOf(' ') + 1));
            if (!key.startsWith(BlobStore.TEMPORARY) && !key.contains("/" + BlobStore.TEMPORARY)) {
                assertEquals(sizes.get(key), size, "every object ever visible at the replica was whole: " + seen);
            }
        }
    }

    private LocalProcess startWorker(String name, int port, Path root, String bucket, Path dataDir) {
        List<String> command = new ArrayList<>(List.of(
                Tools.javaExecutable().toString(),
                "-Xmx256m",
                "-Daws.accessKeyId=test",
                "-Daws.secretAccessKey=test",
                "-Dquarkus.http.port=" + port,
                // The management port too (9082 in the packaged configuration), and the test's issuer for the API's
                // tokens.
                "-Dquarkus.management.port=" + Ports.free(),
                "-Dbaran.egress.allow=127.0.0.1",
                // Temporal is not used here, but the packaged worker never starts without a payload key.
                "-Dbaran.temporal.codec.active-key=test",
                "-Dbaran.temporal.codec.keys.test=dGVzdC1vbmx5LWtleS1mb3ItYmFyYW4tdGVzdHMtMDE=",
                "-Dquarkus.oidc.auth-server-url=" + OidcIssuer.shared().issuer(),
                // Nothing listens on either: replication needs neither Temporal nor Kafka to copy.
                "-Dbaran.temporal.target=127.0.0.1:" + Ports.free(),
                "-Dkafka.bootstrap.servers=127.0.0.1:" + Ports.free(),
                "-Dbaran.providers.nas.type=filesystem",
                "-Dbaran.providers.nas.root=" + root,
                "-Dbaran.providers.aws-dr.type=aws",
                "-Dbaran.providers.aws-dr.endpoint=" + Emulators.moto().endpoint(),
                "-Dbaran.replication.pairs.crash.source=nas:file://assets",
                "-Dbaran.replication.pairs.crash.replicas=aws-dr:s3://" + bucket,
                "-Dbaran.replication.pairs.crash.interval=1h",
                "-Dbaran.replication.data-dir=" + dataDir,
                "-Dbaran.replication.concurrency=2",
                "-Dbaran.replication.part-size=8M",
                "-Dbaran.replication.buffers=3",
                "-jar",
                APP.toAbsolutePath().toString()));
        return LocalProcess.start(name, command, WorkDirs.create(name), Map.of());
    }

    private JsonNode pair(int port) {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/replication/pairs/crash"))
                            .timeout(Duration.ofSeconds(5))
                            .header("Authorization", OidcIssuer.shared().bearer("tester", Roles.VIEWER))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? json.readTree(answer.body()) : json.nullNode();
        } catch (IOException e) {
            return json.nullNode(); // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String state(int port) {
        return pair(port).path("replicas").path(0).path("state").asText(null);
    }

    /** Parts of uploads the worker's ledger journaled, across every replica's ledger under the data directory. */
    static long partsJournaled(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir)) {
            long parts = 0;
            for (Path journal : files.filter(f -> f.getFileName().toString().equals("journal.jsonl"))
                    .toList()) {
                parts += Files.readAllLines(journal).stream()
                        .filter(l -> l.contains("\"op\":\"part\""))
                        .count();
            }
            return parts;
        } catch (IOException | UncheckedIOException e) {
            return 0; // a line or a file being written
        }
    }

    /** Writes generated bytes to a file, streamed; returns their SHA-256. */
    static String writeGenerated(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        TestData.Generator generator = new TestData.Generator(seed);
        Digests digests = new Digests();
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(buffer.length, size - done);
                generator.fill(buffer, n);
                digests.update(buffer, 0, n);
                out.write(buffer, 0, n);
                done += n;
            }
        }
        return digests.finish().sha256();
    }

    /** Lists the replica bucket over and over, as any reader would, recording every key and size it ever saw. */
    static final class ReplicaWatcher {

        private final String bucket;
        private final Set<String> seen = new ConcurrentSkipListSet<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong listings = new AtomicLong();
        private Thread thread;

        ReplicaWatcher(String bucket) {
            this.bucket = bucket;
        }

        void start() {
            thread = new Thread(
                    () -> {
                        while (running.get()) {
                            try {
                                Emulators.s3Client()
                                        .listObjectsV2Paginator(b -> b.bucket(bucket))
                                        .contents()
                                        .forEach(o -> seen.add(o.key() + " " + o.size()));
                                listings.incrementAndGet();
                                Thread.sleep(50);
                            } catch (InterruptedException e) {
                                return;
                            } catch (RuntimeException e) {
                                // moto busy: list again
                            }
                        }
                    },
                    "replica-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }

        /** Every {@code "<key> <size>"} seen. */
        Set<String> seen() {
            return Set.copyOf(seen);
        }

        Set<String> keys() {
            return seen.stream().map(s -> s.substring(0, s.lastIndexOf(' '))).collect(Collectors.toSet());
        }

        long listings() {
            return listings.get();
        }
    }
}
