package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.security.Roles;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
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
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The replication-worker application this module packages, started as a process by the tests that kill it mid-copy
 * ({@link WorkerKilledMidCopyIT}, {@link ReplicasShareAPairIT}), and what those tests check of the replica after.
 */
final class PackagedWorkers {

    static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PackagedWorkers() {}

    /**
     * The command line of a worker replicating pair {@code pair} from the file-system provider {@code nas} (its
     * directory {@code assets} under {@code root}) to the moto bucket, with the given further system properties.
     */
    static List<String> command(int port, Path root, String pair, String bucket, Path dataDir, List<String> more) {
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
                // These workers' own API calls are not under test: no audit trail (ReplicationAuditIT tests it).
                "-Dbaran.audit.store=log",
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
                "-Dbaran.replication.pairs." + pair + ".source=nas:file://assets",
                "-Dbaran.replication.pairs." + pair + ".replicas=aws-dr:s3://" + bucket,
                "-Dbaran.replication.data-dir=" + dataDir,
                "-Dbaran.replication.part-size=8M"));
        command.addAll(more);
        command.addAll(List.of("-jar", APP.toAbsolutePath().toString()));
        return command;
    }

    /** What a test wrote at the source: each key's SHA-256 and size. */
    record Source(Map<String, String> sha256, Map<String, Long> sizes) {}

    /**
     * Writes generated files under {@code dir}: {@code big/archive.tar} of {@code bigSize} bytes, and 30 small ones
     * {@code small/<i>.txt} of {@code smallSize + i} bytes; the seeds make each test's content its own.
     */
    static Source writeSource(Path dir, long bigSize, long smallSize, long seed) throws IOException {
        Map<String, String> sha256 = new java.util.TreeMap<>();
        Map<String, Long> sizes = new java.util.TreeMap<>();
        sha256.put("big/archive.tar", writeGenerated(dir.resolve("big/archive.tar"), bigSize, seed));
        sizes.put("big/archive.tar", bigSize);
        for (int i = 0; i < 30; i++) {
            String key = "small/" + i + ".txt";
            sha256.put(key, writeGenerated(dir.resolve(key), smallSize + i, seed + i + 1));
            sizes.put(key, smallSize + i);
        }
        return new Source(sha256, sizes);
    }

    /** The pair as the worker's API shows it; a null node while it does not answer. */
    static JsonNode pair(int port, String pair) {
        try {
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/replication/pairs/" + pair))
                            .timeout(Duration.ofSeconds(5))
                            .header("Authorization", OidcIssuer.shared().bearer("tester", Roles.VIEWER))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : JSON.nullNode();
        } catch (IOException e) {
            return JSON.nullNode(); // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The state of the pair's (only) replica. */
    static String state(int port, String pair) {
        return pair(port, pair).path("replicas").path(0).path("state").asText(null);
    }

    /**
     * The bucket holds exactly the expected objects, each with its content; no temporary object and no unfinished
     * multipart upload is left; and the watcher, listing all along, never saw an object that was not whole.
     */
    static void assertReplicaHoldsExactly(
            String bucket, Map<String, String> expected, Map<String, Long> sizes, ReplicaWatcher watcher) {
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
                "no unfinished multipart upload is left: the upload cut short was resumed and completed");
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

    /**
     * The numbers of the parts the journals record as sent (1-based), over every upload: parts go up concurrently, so
     * a worker killed mid-upload may have recorded a later part (even the short last one) but not an earlier one.
     */
    static List<Integer> partNumbersJournaled(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir)) {
            List<Integer> numbers = new java.util.ArrayList<>();
            for (Path journal : files.filter(f -> f.getFileName().toString().equals("journal.jsonl"))
                    .toList()) {
                for (String line : Files.readAllLines(journal)) {
                    java.util.regex.Matcher m = PART_LINE.matcher(line);
                    if (m.find()) {
                        numbers.add(Integer.parseInt(m.group(1)));
                    }
                }
            }
            return numbers;
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // a line or a file being written
        }
    }

    private static final java.util.regex.Pattern PART_LINE =
            java.util.regex.Pattern.compile("\"op\":\"part\".*\"n\":(\\d+)");

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
