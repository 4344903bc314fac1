package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replication-worker application itself — the Quarkus jar this module packages, started as a process with
 * its {@code baran.providers} and {@code baran.replication} configuration — killed with SIGKILL in the middle of
 * copying a large object from a file-system provider to an S3 provider (moto), then started again: the copy
 * completes, resuming the multipart upload where it stopped, with no corrupt or duplicate object, and a watcher
 * listing the replica all along never sees an object that is not whole.
 */
@Timeout(400)
class WorkerKilledMidCopyIT {

    private static final Path APP = PackagedWorkers.APP;
    private static final int PART = 8 << 20;
    private static final Duration WAIT = Duration.ofSeconds(150);

    @Test
    void theWorkerKilledMidCopyAndRestartedCompletesWithNoCorruptDuplicateOrHalfVisibleObject() throws Exception {
        assertTrue(Files.isRegularFile(APP), APP + " is missing: run the tests through ./mvnw verify, after packaging");
        Path root = WorkDirs.create("killed-source");
        Path dir = Files.createDirectories(root.resolve("assets"));
        long bigSize = 12L * PART + 777;
        PackagedWorkers.Source source = PackagedWorkers.writeSource(dir, bigSize, 1000, 99);
        Map<String, String> expected = source.sha256();
        Map<String, Long> sizes = source.sizes();
        String bucket = Emulators.bucket("killed");
        Emulators.s3Client().createBucket(b -> b.bucket(bucket));
        Path dataDir = WorkDirs.create("killed-data");
        PackagedWorkers.ReplicaWatcher watcher = new PackagedWorkers.ReplicaWatcher(bucket);
        watcher.start();
        try {
            long sentBeforeKill;
            int port = Ports.free();
            try (LocalProcess first = startWorker("worker-1", port, root, bucket, dataDir)) {
                first.await(
                        () -> PackagedWorkers.partsJournaled(dataDir) >= 3,
                        WAIT,
                        "three parts of the large object to be sent");
                ProcessHandle worker = ProcessHandle.of(first.pid()).orElseThrow();
                assertTrue(worker.destroyForcibly(), "SIGKILL sent");
                worker.onExit().get(30, TimeUnit.SECONDS);
            }
            sentBeforeKill = PackagedWorkers.partsJournaled(dataDir);
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

        PackagedWorkers.assertReplicaHoldsExactly(bucket, expected, sizes, watcher);
    }

    private LocalProcess startWorker(String name, int port, Path root, String bucket, Path dataDir) {
        List<String> command = PackagedWorkers.command(
                port,
                root,
                "crash",
                bucket,
                dataDir,
                List.of(
                        "-Dbaran.replication.pairs.crash.interval=1h",
                        "-Dbaran.replication.concurrency=2",
                        "-Dbaran.replication.buffers=3"));
        return LocalProcess.start(name, command, WorkDirs.create(name), Map.of());
    }

    private static String state(int port) {
        return PackagedWorkers.state(port, "crash");
    }

    private static JsonNode pair(int port) {
        return PackagedWorkers.pair(port, "crash");
    }
}
