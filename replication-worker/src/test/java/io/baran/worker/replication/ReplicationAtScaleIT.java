package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.WorkDirs;
import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replication at the sizes the issue names, between the real emulators: a 200 MB object through every store,
 * and 10,000 small objects. Each test prints how long it took (figures, not asserts: the machine is shared).
 */
@Timeout(900)
class ReplicationAtScaleIT {

    private static final int PART = 8 << 20;
    private final MutableClock clock = new MutableClock(Instant.now());

    /**
     * One 200 MB object goes round every store — file system → S3 → Cloud Storage → Blob Storage → file system —
     * so each store's multipart write and streamed read carry it once, with 3 part buffers of 8 MiB: it never
     * sits whole in memory, and arrives byte for byte.
     */
    @Test
    void aTwoHundredMegabyteObjectGoesRoundEveryStoreWithBoundedMemory() throws Exception {
        long size = 200L << 20;
        BlobStore files = Emulators.files(Emulators.bucket("big"));
        String sha = TestData.putGenerated(files, "backups/db.dump", size, 2026, PART);
        List<BlobStore> ring = List.of(
                files,
                Emulators.s3(Emulators.bucket("big")),
                Emulators.gcs(Emulators.bucket("big")),
                Emulators.azure(Emulators.bucket("big")),
                Emulators.files(Emulators.bucket("big-back")));
        List<String> schemes = List.of("file", "s3", "gs", "az", "file");
        try (Copier small = new Copier(2, PART, 3)) {
            for (int hop = 0; hop + 1 < ring.size(); hop++) {
                BlobStore source = ring.get(hop);
                BlobStore replica = ring.get(hop + 1);
                Replicator r = new Replicator(
                        "backups",
                        Mode.MIRROR,
                        "",
                        Location.parse("a:" + schemes.get(hop) + "://b"),
                        source,
                        Location.parse("b:" + schemes.get(hop + 1) + "://b"),
                        replica,
                        Ledger.open(WorkDirs.create("ledger")),
                        small,
                        clock);
                long started = System.nanoTime();

                PassReport pass = r.pass();

                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf(
                        "200 MB %s -> %s: %.1f s, %.1f MiB/s%n",
                        source.describe(), replica.describe(), seconds, size / 1048576.0 / seconds);
                assertTrue(pass.successful(), pass.describe());
                assertEquals(size, pass.copiedBytes());
                Blob copied = replica.stat("backups/db.dump");
                assertEquals(size, copied.size());
                assertEquals(sha, copied.sha256(), "Baran's SHA-256 is in the replica's metadata");
                assertEquals(sha, TestData.sha256(replica, "backups/db.dump"), "and is the content's");
                assertEquals(
                        Set.of("backups/db.dump"),
                        TestData.list(replica, "").keySet(),
                        "no part or temporary object is left");
                r.close();
            }
            assertTrue(
                    small.bufferBytes() <= 3L * PART,
                    "object bytes in memory never exceed buffers x part size: " + small.bufferBytes());
        }
    }

    /**
     * 10,000 small objects between two file-system stores, the fastest real pair here. The emulators are the
     * bottleneck at this count, not Baran: file system to fake-gcs-server took 390 s (26 objects a second) on the
     * shared 2-core build machine, and moto is slower still, so every pair at 10,000 would cost CI far more than its
     * whole build; {@link ReplicationIT} copies 2,000 small objects to fake-gcs-server instead. Then three changes
     * among them: the next pass copies and deletes exactly those.
     */
    @Test
    void tenThousandSmallObjectsThenThreeChangesAmongThem() throws Exception {
        BlobStore source = Emulators.files(Emulators.bucket("many"));
        BlobStore replica = Emulators.files(Emulators.bucket("many-copy"));
        int count = 10_000;
        seed(source, count);
        try (Copier copier = new Copier(16, PART, 16)) {
            Replicator r = new Replicator(
                    "thumbs",
                    Mode.MIRROR,
                    "thumbs/",
                    Location.parse("onprem:file://b"),
                    source,
                    Location.parse("nas:file://b"),
                    replica,
                    Ledger.open(WorkDirs.create("ledger")),
                    copier,
                    clock);
            long started = System.nanoTime();

            PassReport pass = r.pass();

            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "10,000 objects %s -> %s: %.1f s, %.0f objects/s%n",
                    source.describe(), replica.describe(), seconds, count / seconds);
            assertTrue(pass.successful(), pass.describe());
            assertEquals(count, pass.copiedObjects());
            Map<String, Blob> copied = TestData.list(replica, "");
            assertEquals(count, copied.size(), "every object once, nothing else");
            assertEquals("thumbnail 1234", TestData.text(replica, "thumbs/34/01234.jpg"));
            assertEquals("thumbnail 9999", TestData.text(replica, "thumbs/49/09999.jpg"));

            long second = System.nanoTime();
            assertEquals(0, r.pass().copiedObjects(), "the ledger knows all of them: nothing is copied twice");
            System.out.printf("10,000 objects, second pass: %.1f s%n", (System.nanoTime() - second) / 1e9);

            TestData.put(source, "thumbs/07/00007.jpg", "thumbnail 7, retouched");
            TestData.put(source, "thumbs/00/10000.jpg", "thumbnail 10000");
            source.delete("thumbs/42/00042.jpg");
            PassReport changes = r.pass();

            assertEquals(2, changes.copiedObjects(), changes.describe());
            assertEquals(1, changes.deletedObjects(), changes.describe());
            assertEquals("thumbnail 7, retouched", TestData.text(replica, "thumbs/07/00007.jpg"));
            assertNull(replica.stat("thumbs/42/00042.jpg"));
            assertEquals(count, TestData.list(replica, "").size());
            r.close();
        }
    }

    private static void seed(BlobStore source, int count) throws Exception {
        ExecutorService seed = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                writes.add(seed.submit(() ->
                        TestData.put(source, String.format("thumbs/%02d/%05d.jpg", n % 50, n), "thumbnail " + n)));
            }
            for (Future<?> f : writes) {
                f.get();
            }
        } finally {
            seed.shutdown();
        }
    }
}
