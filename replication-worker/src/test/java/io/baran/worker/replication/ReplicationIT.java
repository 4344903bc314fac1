package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.ReplicationStatus;
import io.baran.testinfra.FakeGcsServer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.GcsBlobStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replication between real emulators of the providers' APIs: moto (S3), fake-gcs-server (Cloud Storage), Azurite
 * (Blob Storage), and the file system, in several directions.
 */
@Timeout(600)
class ReplicationIT {

    private static final int PART = 5 << 20;
    private static Copier copier;
    private final MutableClock clock = new MutableClock(Instant.now());

    @BeforeAll
    static void start() {
        copier = new Copier(8, PART, 8);
    }

    @AfterAll
    static void stop() {
        copier.close();
    }

    static Stream<Arguments> directions() {
        Function<String, BlobStore> s3 = Emulators::s3;
        Function<String, BlobStore> gcs = Emulators::gcs;
        Function<String, BlobStore> azure = Emulators::azure;
        Function<String, BlobStore> files = Emulators::files;
        return Stream.of(
                Arguments.of("s3 -> gcs", s3, "s3", gcs, "gs", Mode.MIRROR),
                Arguments.of("gcs -> azure", gcs, "gs", azure, "az", Mode.MIRROR),
                Arguments.of("azure -> s3", azure, "az", s3, "s3", Mode.MIRROR),
                Arguments.of("s3 -> s3", s3, "s3", s3, "s3", Mode.ARCHIVE),
                Arguments.of("files -> gcs", files, "file", gcs, "gs", Mode.ARCHIVE),
                Arguments.of("gcs -> files", gcs, "gs", files, "file", Mode.MIRROR));
    }

    @ParameterizedTest(name = "{0} ({5})")
    @MethodSource("directions")
    void fullCopyThenNewChangedAndDeletedObjects(
            String name,
            Function<String, BlobStore> sourceStore,
            String sourceScheme,
            Function<String, BlobStore> replicaStore,
            String replicaScheme,
            Mode mode)
            throws Exception {
        String sb = Emulators.bucket("src");
        String rb = Emulators.bucket("dst");
        BlobStore source = sourceStore.apply(sb);
        BlobStore replica = replicaStore.apply(rb);
        TestData.put(source, "site/index.html", "<h1>shop</h1>");
        TestData.put(source, "site/img/logo.svg", "<svg/>");
        TestData.put(source, "site/empty.txt", new byte[0]);
        String bigSha = TestData.putGenerated(source, "site/video/intro.mp4", 2L * PART + 4321, 5, PART);
        // The replica lives under a folder of its bucket: keys map folder to folder.
        Replicator r = new Replicator(
                "shop",
                mode,
                "",
                Location.parse("src:" + sourceScheme + "://" + sb + "/site"),
                source,
                Location.parse("dst:" + replicaScheme + "://" + rb + "/dr/site"),
                replica,
                Ledger.open(WorkDirs.create("ledger")),
                copier,
                clock);

        PassReport full = r.pass();

        assertTrue(full.successful(), full.describe());
        assertEquals(4, full.copiedObjects());
        assertEquals(
                Set.of("dr/site/index.html", "dr/site/img/logo.svg", "dr/site/empty.txt", "dr/site/video/intro.mp4"),
                TestData.list(replica, "").keySet(),
                "exactly the objects, no temporary object or part left visible");
        assertEquals("<h1>shop</h1>", TestData.text(replica, "dr/site/index.html"));
        assertEquals("", TestData.text(replica, "dr/site/empty.txt"));
        assertEquals(bigSha, TestData.sha256(replica, "dr/site/video/intro.mp4"));
        assertEquals("in-sync", r.status().state());
        assertEquals(0, r.pass().copiedObjects(), "a second pass copies nothing");

        TestData.put(source, "site/new.html", "new");
        TestData.put(source, "site/index.html", "<h1>shop, v2</h1>");
        source.delete("site/img/logo.svg");
        PassReport changes = r.pass();

        assertEquals(2, changes.copiedObjects(), changes.describe());
        assertEquals("<h1>shop, v2</h1>", TestData.text(replica, "dr/site/index.html"));
        assertEquals("new", TestData.text(replica, "dr/site/new.html"));
        if (mode == Mode.MIRROR) {
            assertEquals(1, changes.deletedObjects());
            assertNull(replica.stat("dr/site/img/logo.svg"));
        } else {
            assertEquals(0, changes.deletedObjects());
            assertEquals(
                    "<svg/>", TestData.text(replica, "dr/site/img/logo.svg"), "archive keeps what the source deleted");
        }
        assertEquals("in-sync", r.status().state());
        r.close();
    }

    @Test
    void twoThousandSmallObjects() throws Exception {
        // From the file system: moto takes 100 writes a second on these machines, fake-gcs-server three times as many.
        BlobStore source = Emulators.files(Emulators.bucket("many"));
        BlobStore replica = Emulators.gcs(Emulators.bucket("many"));
        int count = 2000;
        ExecutorService seed = Executors.newFixedThreadPool(8);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            writes.add(seed.submit(
                    () -> TestData.put(source, String.format("thumbs/%02d/%05d.jpg", n % 50, n), "thumbnail " + n)));
        }
        for (Future<?> f : writes) {
            f.get();
        }
        seed.shutdown();
        Replicator r = new Replicator(
                "thumbs",
                Mode.MIRROR,
                "thumbs/",
                Location.parse("onprem:file://b"),
                source,
                Location.parse("gcp:gs://b"),
                replica,
                Ledger.open(WorkDirs.create("ledger")),
                copier,
                clock);

        PassReport pass = r.pass();

        assertTrue(pass.successful(), pass.describe());
        assertEquals(count, pass.copiedObjects());
        Map<String, Blob> copied = TestData.list(replica, "");
        assertEquals(count, copied.size());
        assertEquals("thumbnail 1234", TestData.text(replica, "thumbs/34/01234.jpg"));
        assertEquals(0, r.pass().copiedObjects(), "the ledger knows all of them: nothing is copied twice");
    }

    @Test
    void whileTheSourceIsDownTheLagGrowsAndNothingIsLost() throws Exception {
        Path work = WorkDirs.create("gcs-down");
        Path storage = work.resolve("objects");
        int port = Ports.free();
        FakeGcsServer gcs = FakeGcsServer.start(work, port, storage);
        var client = GcsBlobStore.client(Optional.of("baran-test"), Optional.of(URI.create(gcs.endpoint())));
        client.create(com.google.cloud.storage.BucketInfo.of("outage"));
        BlobStore source = new GcsBlobStore("gcp-main", "outage", client);
        BlobStore replica = Emulators.azure(Emulators.bucket("outage"));
        TestData.put(source, "orders/1.json", "{\"id\":1}");
        Replicator r = new Replicator(
                "orders",
                Mode.MIRROR,
                "",
                Location.parse("gcp-main:gs://outage"),
                source,
                Location.parse("azure-dr:az://outage"),
                replica,
                Ledger.open(WorkDirs.create("ledger")),
                copier,
                clock);
        r.pass();
        assertEquals(0.0, r.status().lagSeconds());

        gcs.close();
        clock.advance(Duration.ofSeconds(20));
        PassReport down = r.pass();
        double lagThen = r.status().lagSeconds();
        clock.advance(Duration.ofSeconds(40));
        ReplicationStatus status = r.status();

        assertFalse(down.listed());
        assertEquals("failing", status.state());
        assertEquals(20.0, lagThen);
        assertEquals(60.0, status.lagSeconds(), "the lag keeps growing while the source is down");
        assertTrue(
                status.errors().get(0).contains("gcp-main:gs://outage"),
                status.errors().toString());
        assertEquals("{\"id\":1}", TestData.text(replica, "orders/1.json"), "nothing is deleted at the replica");

        try (FakeGcsServer back = FakeGcsServer.start(work, port, storage)) {
            TestData.put(source, "orders/2.json", "{\"id\":2}");
            PassReport after = r.pass();
            assertTrue(after.successful(), after.describe());
            assertEquals(1, after.copiedObjects(), "only the new object: the ledger still knows the first");
            assertEquals("in-sync", r.status().state());
            assertEquals(0.0, r.status().lagSeconds());
            assertEquals(
                    Set.of("orders/1.json", "orders/2.json"),
                    TestData.list(replica, "").keySet());
        } finally {
            client.close();
        }
    }

    @Test
    void reversalOnFailbackCopiesTheReplicasChangesBackAndReportsAConflict() throws Exception {
        BlobStore source = Emulators.s3(Emulators.bucket("fb"));
        BlobStore replica = Emulators.gcs(Emulators.bucket("fb"));
        TestData.put(source, "cart/a.json", "a0");
        TestData.put(source, "cart/b.json", "b0");
        TestData.put(source, "cart/c.json", "c0");
        Replicator r = new Replicator(
                "carts",
                Mode.MIRROR,
                "",
                Location.parse("aws-main:s3://fb"),
                source,
                Location.parse("gcp-dr:gs://fb"),
                replica,
                Ledger.open(WorkDirs.create("ledger")),
                copier,
                clock);
        r.pass();

        assertTrue(r.failover(Duration.ofMinutes(1)).done());
        TestData.put(replica, "cart/a.json", "a1 written while failed over");
        TestData.put(replica, "cart/d.json", "d1 new while failed over");
        replica.delete("cart/c.json");
        TestData.put(replica, "cart/b.json", "b1 at the replica");
        TestData.put(source, "cart/b.json", "b1 at the old primary");
        FailbackReport report = r.failback();

        assertEquals(List.of("cart/a.json", "cart/d.json"), report.copiedBack());
        assertEquals(List.of("cart/c.json"), report.deletedAtSource());
        assertEquals(Set.of("cart/b.json"), report.conflicts().keySet());
        assertEquals("a1 written while failed over", TestData.text(source, "cart/a.json"));
        assertEquals("d1 new while failed over", TestData.text(source, "cart/d.json"));
        assertNull(source.stat("cart/c.json"));
        assertEquals("b1 at the old primary", TestData.text(source, "cart/b.json"));
        assertEquals("b1 at the replica", TestData.text(replica, "cart/b.json"));

        PassReport forward = r.pass();
        assertEquals(0, forward.copiedObjects(), forward.describe());
        assertEquals(
                "b1 at the replica",
                TestData.text(replica, "cart/b.json"),
                "forward copying never overwrites the conflict");
        assertEquals(1, r.status().conflictCount());
        assertEquals("behind", r.status().state());
    }

    @Test
    void writesReachingTheReplicaAfterFailbackGoBackToTheSourceWithTheStoresOwnTimes() throws Exception {
        BlobStore source = Emulators.s3(Emulators.bucket("late"));
        BlobStore replica = Emulators.azure(Emulators.bucket("late"));
        TestData.put(source, "cart/a.json", "a0");
        Replicator r = new Replicator(
                "carts",
                Mode.MIRROR,
                "",
                Location.parse("aws-main:s3://late"),
                source,
                Location.parse("azure-dr:az://late"),
                replica,
                Ledger.open(WorkDirs.create("ledger")),
                copier,
                clock);
        r.pass();
        assertTrue(r.failover(Duration.ofMinutes(1)).done());
        TestData.put(replica, "cart/b.json", "b1 while failed over");
        assertEquals(List.of("cart/b.json"), r.failback().copiedBack());

        // A client that still resolves the replica's address writes there after failback listed it.
        TestData.put(replica, "cart/c.json", "c1 after failback");
        TestData.put(replica, "cart/a.json", "a1 after failback");
        PassReport forward = r.pass();

        assertEquals(2, forward.copiedBack(), forward.describe());
        assertEquals(0, forward.deletedObjects(), forward.describe());
        assertEquals("c1 after failback", TestData.text(source, "cart/c.json"));
        assertEquals("a1 after failback", TestData.text(source, "cart/a.json"));
        assertEquals("c1 after failback", TestData.text(replica, "cart/c.json"), "not deleted at the replica");
        assertEquals("in-sync", r.status().state());
        PassReport again = r.pass();
        assertEquals(0, again.copiedBack() + again.copiedObjects() + again.deletedObjects(), again.describe());
    }

    /**
     * Failback's copies back and deletions at a Blob Storage source (Azurite, which checks every precondition) carry
     * what failback listed: writes at the source after its listing survive as conflicts ({@link FailbackTest}).
     */
    @Test
    void writesAtABlobStorageSourceAfterFailbackListedItSurviveAsConflicts() throws Exception {
        FailbackTest.writesAtTheSourceAfterFailbackListedItSurvive(
                Emulators.azure(Emulators.bucket("fb")), Emulators.files("dst"), 1 << 20);
    }
}
