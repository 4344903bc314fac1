package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.ReplicationStatus;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import io.baran.worker.provider.store.Digests;
import io.baran.worker.provider.store.FileBlobStore;
import io.baran.worker.provider.store.Precondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replication logic on file-system stores (fast, no emulator): what a pass copies, deletes and refuses to
 * overwrite, how the lag is measured, and failback. The same logic runs against the cloud emulators in
 * {@code ReplicationIT}.
 */
class ReplicatorTest {

    private static Copier copier;

    @BeforeAll
    static void startCopier() {
        copier = new Copier(4, 5 << 20, 4);
    }

    @AfterAll
    static void stopCopier() {
        copier.close();
    }

    private final MutableClock clock = new MutableClock(Instant.now());

    private record Setup(FileBlobStore source, FileBlobStore replica, Path ledgerDir, Replicator replicator) {}

    private Setup setup(Mode mode) {
        FileBlobStore source = Emulators.files("src");
        FileBlobStore replica = Emulators.files("dst");
        return setup(mode, source, replica);
    }

    private Replicator replicator(
            Mode mode, BlobStore source, BlobStore replica, Path ledgerDir, int maxDeletePercent) {
        return new Replicator(
                "assets",
                mode,
                "",
                Location.parse("src:file://src"),
                source,
                Location.parse("dst:file://dst"),
                replica,
                Ledger.open(ledgerDir),
                copier,
                clock,
                maxDeletePercent);
    }

    private Setup setup(Mode mode, BlobStore source, FileBlobStore replica) {
        Path ledgerDir = WorkDirs.create("ledger");
        Replicator r = replicator(mode, source, replica, ledgerDir, 50);
        return new Setup(source instanceof FileBlobStore f ? f : null, replica, ledgerDir, r);
    }

    @Test
    void anEmptyReplicaGetsAFullCopyAndASecondPassChangesNothing() throws Exception {
        Setup s = setup(Mode.MIRROR);
        TestData.put(s.source(), "a.txt", "alpha");
        TestData.put(s.source(), "img/b.png", "bravo");
        String bigSha = TestData.putGenerated(s.source(), "video/big.bin", 12L << 20, 42, 4 << 20);

        PassReport first = s.replicator().pass();

        assertTrue(first.successful(), first.describe());
        assertEquals(3, first.copiedObjects());
        assertEquals(
                Set.of("a.txt", "img/b.png", "video/big.bin"),
                TestData.list(s.replica(), "").keySet());
        assertEquals("bravo", TestData.text(s.replica(), "img/b.png"));
        assertEquals(
                bigSha,
                TestData.sha256(s.replica(), "video/big.bin"),
                "the large object arrived byte for byte, in parts");
        ReplicationStatus status = s.replicator().status();
        assertEquals("in-sync", status.state());
        assertEquals(0.0, status.lagSeconds());
        assertEquals(0, status.backlogObjects());

        clock.advance(Duration.ofSeconds(7));
        assertEquals(7.0, s.replicator().status().lagSeconds(), "the lag grows until a pass shows nothing new");
        PassReport second = s.replicator().pass();
        assertEquals(0, second.copiedObjects(), "a second pass copies nothing: " + second.describe());
        assertEquals(0.0, s.replicator().status().lagSeconds());
    }

    @Test
    void newChangedAndDeletedObjectsFollowInMirrorMode() throws Exception {
        Setup s = setup(Mode.MIRROR);
        TestData.put(s.source(), "keep.txt", "same");
        TestData.put(s.source(), "change.txt", "old");
        TestData.put(s.source(), "delete.txt", "doomed");
        s.replicator().pass();

        TestData.put(s.source(), "new.txt", "fresh");
        TestData.put(s.source(), "change.txt", "new content");
        s.source().delete("delete.txt");
        PassReport pass = s.replicator().pass();

        assertEquals(2, pass.copiedObjects(), pass.describe());
        assertEquals(1, pass.deletedObjects());
        assertEquals(
                Set.of("keep.txt", "change.txt", "new.txt"),
                TestData.list(s.replica(), "").keySet());
        assertEquals("new content", TestData.text(s.replica(), "change.txt"));
    }

    @Test
    void inArchiveModeTheReplicaKeepsWhatTheSourceDeleted() throws Exception {
        Setup s = setup(Mode.ARCHIVE);
        TestData.put(s.source(), "invoice-1.pdf", "one");
        s.replicator().pass();
        s.source().delete("invoice-1.pdf");
        TestData.put(s.source(), "invoice-2.pdf", "two");

        PassReport pass = s.replicator().pass();

        assertEquals(0, pass.deletedObjects());
        assertEquals(
                Set.of("invoice-1.pdf", "invoice-2.pdf"),
                TestData.list(s.replica(), "").keySet());
        assertEquals("in-sync", s.replicator().status().state());
    }

    @Test
    void aSourceEmptiedByMistakeDoesNotEmptyItsMirror() throws Exception {
        Setup s = setup(Mode.MIRROR);
        for (int i = 0; i < 12; i++) {
            TestData.put(s.source(), "ledger/" + i + ".csv", "row " + i);
        }
        s.replicator().pass();
        for (int i = 0; i < 12; i++) {
            s.source().delete("ledger/" + i + ".csv");
        }

        PassReport pass = s.replicator().pass();

        assertEquals(0, pass.deletedObjects());
        assertEquals(12, TestData.list(s.replica(), "").size(), "the replica keeps everything");
        assertEquals(12, pass.backlogObjects(), "the deletions wait for a person, as backlog");
        assertTrue(
                pass.errors()
                        .get(0)
                        .contains(
                                "the source no longer has 12 of the replica's 12 objects (more than 50%); none deleted"),
                pass.errors().toString());
        assertEquals("behind", s.replicator().status().state());

        Replicator unguarded = replicator(Mode.MIRROR, s.source(), s.replica(), WorkDirs.create("ledger"), 100);
        assertEquals(12, unguarded.pass().deletedObjects(), "max-delete-percent=100 turns the guard off");
    }

    @Test
    void aReplicaObjectChangedBehindBaransBackIsAConflictAndIsNeverOverwritten() throws Exception {
        Setup s = setup(Mode.MIRROR);
        TestData.put(s.source(), "report.csv", "v1");
        TestData.put(s.source(), "other.csv", "o1");
        s.replicator().pass();
        TestData.put(s.replica(), "report.csv", "edited at the replica");
        TestData.put(s.source(), "report.csv", "v2 at the source");
        TestData.put(s.replica(), "other.csv", "edited too");
        s.source().delete("other.csv");

        PassReport pass = s.replicator().pass();

        assertEquals(Set.of("report.csv", "other.csv"), pass.conflicts().keySet(), pass.describe());
        assertEquals("edited at the replica", TestData.text(s.replica(), "report.csv"));
        assertEquals(
                "edited too", TestData.text(s.replica(), "other.csv"), "a conflicting object is not deleted either");
        ReplicationStatus status = s.replicator().status();
        assertEquals("behind", status.state());
        assertEquals(2, status.conflictCount());
        assertEquals(List.of("other.csv", "report.csv"), status.conflicts());
    }

    @Test
    void anUnreachableSourceChangesNothingAndTheLagGrowsUntilItIsBack() throws Exception {
        Setup s = setup(Mode.MIRROR);
        TestData.put(s.source(), "a.txt", "alpha");
        s.replicator().pass();
        Path bucket = s.ledgerDir().getParent().resolve("moved-" + System.nanoTime());
        Path sourceDir = dirOf(s.source());
        Files.move(sourceDir, bucket); // the volume is gone: listing fails, it is not "empty"

        clock.advance(Duration.ofSeconds(30));
        Instant firstFailed = clock.instant();
        PassReport failed = s.replicator().pass();
        clock.advance(Duration.ofSeconds(15));
        PassReport again = s.replicator().pass();
        clock.advance(Duration.ofSeconds(15));

        assertFalse(failed.listed());
        assertFalse(again.listed());
        assertEquals(
                firstFailed,
                s.replicator().storedMeta().lastAttempt(),
                "the shared snapshot says once that passes cannot list, not at every round");
        assertTrue(
                failed.errors().get(0).contains("no bucket directory"),
                failed.errors().toString());
        ReplicationStatus status = s.replicator().status();
        assertEquals("failing", status.state());
        assertEquals(60.0, status.lagSeconds());
        assertEquals(Set.of("a.txt"), TestData.list(s.replica(), "").keySet(), "nothing deleted at the replica");

        Files.move(bucket, sourceDir);
        TestData.put(s.source(), "b.txt", "bravo");
        s.replicator().pass();
        assertEquals("in-sync", s.replicator().status().state());
        assertEquals(0.0, s.replicator().status().lagSeconds());
        assertEquals(clock.instant(), s.replicator().storedMeta().lastAttempt());
        assertEquals(Set.of("a.txt", "b.txt"), TestData.list(s.replica(), "").keySet());
    }

    @Test
    void anObjectThatCannotBeCopiedIsBacklogAndHoldsTheLagAtItsChange() throws Exception {
        FileBlobStore source = Emulators.files("src");
        FileBlobStore replica = Emulators.files("dst");
        BlobStore refusing = new Refusing(replica, "stuck.bin");
        Setup s = setup(Mode.MIRROR, source, replica);
        Replicator r = replicator(Mode.MIRROR, source, refusing, WorkDirs.create("ledger"), 50);
        TestData.put(source, "fine.txt", "ok");
        Blob stuck = TestData.put(source, "stuck.bin", "cannot go");
        clock.advance(Duration.ofSeconds(5));

        PassReport pass = r.pass();

        assertEquals(1, pass.copiedObjects());
        assertEquals(1, pass.backlogObjects());
        assertEquals(9, pass.backlogBytes());
        assertEquals(1, pass.errorCount());
        assertTrue(
                pass.errors().get(0).contains("refused for the test"),
                pass.errors().toString());
        ReplicationStatus status = r.status();
        assertEquals("behind", status.state());
        assertEquals(
                source.stat("stuck.bin").modified(), status.consistentAt(), "the replica lacks the change made then");
        assertEquals(stuck.size(), status.backlogBytes());
        s.replicator().close();
    }

    /**
     * An object rewritten at the source while it still waits to be copied: the replica has lacked it since its first
     * change, so the lag holds there; dated by its latest write, the lag shrank at every rewrite while the replica kept
     * nothing of it (and storage.check-replica could pass).
     */
    @Test
    void anObjectRewrittenWhileItWaitsHoldsTheLagAtTheFirstChangeTheReplicaLacks() throws Exception {
        Path root = WorkDirs.create("files");
        Files.createDirectories(root.resolve("src"));
        FileBlobStore source = new FileBlobStore("files-test", root, "src");
        FileBlobStore replica = Emulators.files("dst");
        Path ledger = WorkDirs.create("ledger");
        Replicator r = replicator(Mode.MIRROR, source, new Refusing(replica, "hot.bin"), ledger, 50);
        Blob first = TestData.put(source, "hot.bin", "version 1");
        clock.advance(Duration.ofSeconds(5));
        r.pass();
        assertEquals(first.modified(), r.status().consistentAt(), "the replica lacks the change made then");

        for (int i = 2; i <= 3; i++) {
            TestData.put(source, "hot.bin", "version " + i);
            // Written later (a time the file system's granularity tells from the first).
            Files.setLastModifiedTime(
                    root.resolve("src").resolve("hot.bin"),
                    java.nio.file.attribute.FileTime.from(first.modified().plusSeconds(10L * i)));
            clock.advance(Duration.ofSeconds(30));
            PassReport pass = r.pass();
            assertEquals(1, pass.backlogObjects(), pass.describe());
            assertEquals(
                    first.modified(),
                    r.status().consistentAt(),
                    "rewrite " + i + ": the replica still lacks the first change");
        }
        r.close();

        // The date is in the ledger: a restarted worker (or another worker replica sharing it) keeps it.
        Replicator restarted = replicator(Mode.MIRROR, source, new Refusing(replica, "hot.bin"), ledger, 50);
        TestData.put(source, "hot.bin", "version 4");
        Files.setLastModifiedTime(
                root.resolve("src").resolve("hot.bin"),
                java.nio.file.attribute.FileTime.from(first.modified().plusSeconds(40)));
        clock.advance(Duration.ofSeconds(30));
        restarted.pass();
        assertEquals(first.modified(), restarted.status().consistentAt(), "after a restart");
        restarted.close();
    }

    @Test
    void aRestartedWorkerCopiesNothingAgain() throws Exception {
        Setup s = setup(Mode.MIRROR);
        for (int i = 0; i < 20; i++) {
            TestData.put(s.source(), "o/" + i, "object " + i);
        }
        s.replicator().pass();
        s.replicator().close();

        Replicator restarted = replicator(Mode.MIRROR, s.source(), s.replica(), s.ledgerDir(), 50);
        PassReport pass = restarted.pass();

        assertEquals(0, pass.copiedObjects(), pass.describe());
        assertEquals("in-sync", restarted.status().state(), "the lag survives the restart");
    }

    @Test
    void aConflictGoneAtBothSidesIsSettledWithNothingToDelete() throws Exception {
        Setup s = setup(Mode.MIRROR);
        TestData.put(s.source(), "shared.txt", "original");
        s.replicator().pass();
        assertTrue(s.replicator().failover(Duration.ofSeconds(10)).done());
        TestData.put(s.replica(), "shared.txt", "replica's version");
        TestData.put(s.source(), "shared.txt", "source's version");
        assertEquals(Set.of("shared.txt"), s.replicator().failback().conflicts().keySet());
        s.source().delete("shared.txt");
        s.replica().delete("shared.txt");

        s.replicator().resolve("shared.txt", true, s.replicator().sides("shared.txt"));

        assertTrue(
                s.replicator().meta().conflicts().isEmpty(),
                s.replicator().meta().conflicts().toString());
        assertNull(s.source().stat("shared.txt"));
        assertNull(s.replica().stat("shared.txt"));
    }

    @Test
    void failbackCopiesWhatChangedAtTheReplicaBackAndReportsWhatChangedAtBothSides() throws Exception {
        Setup s = setup(Mode.MIRROR);
        TestData.put(s.source(), "shared.txt", "original");
        TestData.put(s.source(), "edited-at-replica.txt", "original");
        TestData.put(s.source(), "deleted-at-replica.txt", "original");
        TestData.put(s.source(), "untouched.txt", "original");
        s.replicator().pass();

        assertTrue(s.replicator().failover(Duration.ofSeconds(10)).done());
        // While failed over, the replica serves writes...
        TestData.put(s.replica(), "created-at-replica.txt", "new at replica");
        TestData.put(s.replica(), "edited-at-replica.txt", "edited at replica");
        s.replica().delete("deleted-at-replica.txt");
        TestData.put(s.replica(), "shared.txt", "replica's version");
        // ...and the old primary took a last write before it went down.
        TestData.put(s.source(), "shared.txt", "source's version");
        PassReport paused = s.replicator().pass();
        assertEquals("the replica serves as primary (failed over); failback reverses it", paused.skipped());
        assertEquals("failed-over", s.replicator().status().state());
        assertEquals(
                "replica's version",
                TestData.text(s.replica(), "shared.txt"),
                "nothing at the replica is overwritten while failed over");

        FailbackReport report = s.replicator().failback();

        assertEquals(List.of("created-at-replica.txt", "edited-at-replica.txt"), report.copiedBack());
        assertEquals(List.of("deleted-at-replica.txt"), report.deletedAtSource());
        assertEquals(Set.of("shared.txt"), report.conflicts().keySet());
        assertTrue(
                report.conflicts().get("shared.txt").contains("changed at both sides"),
                report.conflicts().toString());
        assertFalse(report.clean());
        assertEquals("new at replica", TestData.text(s.source(), "created-at-replica.txt"));
        assertEquals("edited at replica", TestData.text(s.source(), "edited-at-replica.txt"));
        assertNull(s.source().stat("deleted-at-replica.txt"));
        assertEquals(
                "source's version",
                TestData.text(s.source(), "shared.txt"),
                "a conflict is not overwritten at the source");
        assertEquals("replica's version", TestData.text(s.replica(), "shared.txt"), "nor at the replica");

        PassReport after = s.replicator().pass();
        assertEquals(0, after.copiedObjects(), after.describe());
        assertEquals(Set.of("shared.txt"), after.conflicts().keySet(), "forward passes leave the conflict alone");
        assertEquals("replica's version", TestData.text(s.replica(), "shared.txt"));

        s.replicator().resolve("shared.txt", false, s.replicator().sides("shared.txt"));
        assertEquals("replica's version", TestData.text(s.source(), "shared.txt"));
        PassReport settled = s.replicator().pass();
        assertTrue(settled.conflicts().isEmpty());
        assertEquals("in-sync", s.replicator().status().state());
    }

    @Test
    void writesReachingTheReplicaAfterFailbackAreCopiedBackByTheNextPassNotDeleted() throws Exception {
        Setup s = setup(Mode.MIRROR);
        TestData.put(s.source(), "kept.txt", "original");
        TestData.put(s.source(), "profile.txt", "original");
        s.replicator().pass();
        assertTrue(s.replicator().failover(Duration.ofSeconds(10)).done());
        TestData.put(s.replica(), "order-1.json", "taken while failed over");
        clock.advance(Duration.ofMinutes(5));
        FailbackReport back = s.replicator().failback();
        assertEquals(List.of("order-1.json"), back.copiedBack());
        assertTrue(back.clean(), back.toString());

        // Clients that still have the replica's address write there after failback listed it.
        TestData.put(s.replica(), "order-2.json", "written after failback");
        TestData.put(s.replica(), "profile.txt", "edited after failback");
        TestData.put(s.replica(), "both.txt", "the replica's");
        TestData.put(s.source(), "both.txt", "the source's");
        clock.advance(Duration.ofMinutes(2));
        PassReport pass = s.replicator().pass();

        assertEquals(2, pass.copiedBack(), pass.describe());
        assertEquals(0, pass.deletedObjects(), pass.describe());
        assertEquals("written after failback", TestData.text(s.source(), "order-2.json"));
        assertEquals("written after failback", TestData.text(s.replica(), "order-2.json"), "not deleted");
        assertEquals("edited after failback", TestData.text(s.source(), "profile.txt"));
        assertEquals(Set.of("both.txt"), pass.conflicts().keySet(), "written at both sides: neither overwritten");
        assertEquals("the replica's", TestData.text(s.replica(), "both.txt"));
        assertEquals("the source's", TestData.text(s.source(), "both.txt"));
        assertTrue(pass.describe().contains("copied back 2 written at the replica after failback"), pass.describe());

        PassReport again = s.replicator().pass();
        assertEquals(0, again.copiedBack(), again.describe());
        assertEquals(0, again.copiedObjects(), again.describe());
        assertEquals(0, again.deletedObjects(), again.describe());
        // The copies back are the replica's in step now: the source's later changes and deletions follow as usual.
        TestData.put(s.source(), "profile.txt", "edited at the primary");
        s.source().delete("order-2.json");
        PassReport follows = s.replicator().pass();
        assertEquals(1, follows.copiedObjects(), follows.describe());
        assertEquals(1, follows.deletedObjects(), follows.describe());
        assertEquals("edited at the primary", TestData.text(s.replica(), "profile.txt"));
        assertNull(s.replica().stat("order-2.json"));
    }

    @Test
    void aLateWriteCopiedBackWhileTheSourceIsWrittenAfterThePassListedItIsAConflictNotAnOverwrite() throws Exception {
        FileBlobStore sourceStore = Emulators.files("src");
        FileBlobStore replica = Emulators.files("dst");
        // Runs once, right after the source's listing returns: before the pass copies anything back.
        ListingHook source = new ListingHook(sourceStore);
        Setup s = setup(Mode.MIRROR, source, replica);
        TestData.put(sourceStore, "profile.txt", "original");
        s.replicator().pass();
        assertTrue(s.replicator().failover(Duration.ofSeconds(10)).done());
        assertTrue(s.replicator().failback().clean());
        TestData.put(replica, "profile.txt", "edited at the replica after failback");
        TestData.put(replica, "order.json", "new at the replica after failback");
        source.afterNextListing(() -> {
            TestData.put(sourceStore, "profile.txt", "edited at the source after the listing");
            TestData.put(sourceStore, "order.json", "created at the source after the listing");
        });

        PassReport pass = s.replicator().pass();

        assertTrue(source.ran(), "the source was written after its listing");
        assertEquals(0, pass.copiedBack(), pass.describe());
        assertEquals(Set.of("profile.txt", "order.json"), pass.conflicts().keySet(), pass.describe());
        assertTrue(
                pass.conflicts().get("order.json").contains("written at the replica after failback"),
                pass.conflicts().toString());
        assertEquals("edited at the source after the listing", TestData.text(sourceStore, "profile.txt"));
        assertEquals("created at the source after the listing", TestData.text(sourceStore, "order.json"));
        assertEquals("edited at the replica after failback", TestData.text(replica, "profile.txt"));
        assertEquals("new at the replica after failback", TestData.text(replica, "order.json"));

        PassReport next = s.replicator().pass();
        assertEquals(Set.of("profile.txt", "order.json"), next.conflicts().keySet(), "left for a person");
        assertEquals("new at the replica after failback", TestData.text(replica, "order.json"));
    }

    /**
     * A pair in step over {@code edited.txt}, {@code dropped.txt} and {@code kept.txt}, then the first edited and the
     * second deleted at the source: the next pass will copy one and delete the other at the replica, whose store runs
     * an action right after its next listing.
     */
    private record Listed(FileBlobStore source, FileBlobStore replicaStore, ListingHook replica, Replicator r) {}

    private Listed inStepThenChangedAtTheSource() throws Exception {
        FileBlobStore source = Emulators.files("src");
        FileBlobStore replicaStore = Emulators.files("dst");
        ListingHook replica = new ListingHook(replicaStore);
        Replicator r = replicator(Mode.MIRROR, source, replica, WorkDirs.create("ledger"), 50);
        TestData.put(source, "edited.txt", "v1");
        TestData.put(source, "dropped.txt", "v1");
        TestData.put(source, "kept.txt", "v1");
        r.pass();
        TestData.put(source, "edited.txt", "v2 at the source");
        source.delete("dropped.txt");
        return new Listed(source, replicaStore, replica, r);
    }

    @Test
    void aWriteAtTheReplicaAfterThePassListedItIsNeitherOverwrittenNorDeletedButAConflict() throws Exception {
        Listed l = inStepThenChangedAtTheSource();
        FileBlobStore replicaStore = l.replicaStore();
        ListingHook replica = l.replica();
        Replicator r = l.r();
        TestData.put(l.source(), "created.txt", "new at the source");
        // Runs once, right after the replica's listing returns: before the pass copies or deletes anything.
        replica.afterNextListing(() -> {
            TestData.put(replicaStore, "edited.txt", "a client's write at the replica");
            TestData.put(replicaStore, "dropped.txt", "a client's write at the replica");
            TestData.put(replicaStore, "created.txt", "a client's write at the replica");
        });

        PassReport pass = r.pass();

        assertTrue(replica.ran(), "the replica was written after its listing");
        assertEquals(0, pass.copiedObjects(), pass.describe());
        assertEquals(0, pass.deletedObjects(), pass.describe());
        assertEquals(
                Set.of("edited.txt", "dropped.txt", "created.txt"),
                pass.conflicts().keySet(),
                pass.describe());
        assertTrue(
                pass.conflicts().get("dropped.txt").contains("written at the replica after the pass listed it"),
                pass.conflicts().toString());
        for (String key : List.of("edited.txt", "dropped.txt", "created.txt")) {
            assertEquals("a client's write at the replica", TestData.text(replicaStore, key), key);
        }
        PassReport next = r.pass();
        assertEquals(pass.conflicts().keySet(), next.conflicts().keySet(), "left for a person");
        assertEquals("a client's write at the replica", TestData.text(replicaStore, "edited.txt"));
    }

    @Test
    void anObjectDeletedAtTheReplicaAfterThePassListedItIsNoConflict() throws Exception {
        Listed l = inStepThenChangedAtTheSource();
        FileBlobStore replicaStore = l.replicaStore();
        ListingHook replica = l.replica();
        Replicator r = l.r();
        replica.afterNextListing(() -> {
            replicaStore.delete("edited.txt");
            replicaStore.delete("dropped.txt");
        });

        PassReport pass = r.pass();

        assertTrue(replica.ran(), "the replica was changed after its listing");
        assertTrue(pass.conflicts().isEmpty(), pass.describe());
        assertEquals(0, pass.errorCount(), pass.describe());
        assertEquals(1, pass.backlogObjects(), "the copy over a deletion is left to the next pass: " + pass.describe());
        assertNull(replicaStore.stat("dropped.txt"));
        PassReport next = r.pass();
        assertEquals(1, next.copiedObjects(), next.describe());
        assertEquals("v2 at the source", TestData.text(replicaStore, "edited.txt"));
        assertEquals("in-sync", r.status().state());
    }

    @Test
    void withoutALateWriteWindowAWriteReachingTheReplicaAfterFailbackIsDeletedByTheNextMirrorPass() throws Exception {
        FileBlobStore source = Emulators.files("src");
        FileBlobStore replica = Emulators.files("dst");
        Replicator r = new Replicator(
                "assets",
                Mode.MIRROR,
                "",
                Location.parse("src:file://src"),
                source,
                Location.parse("dst:file://dst"),
                replica,
                Ledger.open(WorkDirs.create("ledger")),
                copier,
                clock,
                50,
                Duration.ZERO);
        TestData.put(source, "kept.txt", "original");
        r.pass();
        assertTrue(r.failover(Duration.ofSeconds(10)).done());
        assertTrue(r.failback().clean());
        TestData.put(replica, "order-2.json", "written after failback");

        PassReport pass = r.pass();

        assertEquals(0, pass.copiedBack(), pass.describe());
        assertEquals(1, pass.deletedObjects(), pass.describe());
        assertNull(source.stat("order-2.json"));
        assertNull(replica.stat("order-2.json"), "the mirror's rule, when the pair asks for no window");
    }

    @Test
    void aCopyUnderWayWhenTheReplicaFailsOverIsAbandonedAndNeverOverwritesWhatTheApplicationWritesThere()
            throws Exception {
        FileBlobStore sourceFiles = Emulators.files("src");
        FileBlobStore replica = Emulators.files("dst");
        Hold reads = new Hold();
        BlobStore source = new ForwardingStore(sourceFiles) {
            @Override
            public Reading open(Blob blob) {
                reads.here();
                return inner.open(blob);
            }
        };
        Setup s = setup(Mode.MIRROR, source, replica);
        TestData.put(sourceFiles, "report.csv", "v1");
        assertEquals(1, s.replicator().pass().copiedObjects());
        TestData.put(sourceFiles, "report.csv", "v2 at the source");
        String bigSha = TestData.putGenerated(sourceFiles, "video/big.bin", 12L << 20, 7, 4 << 20);

        // The next pass reads both objects (one in parts) and is held there, before anything reaches the replica.
        reads.arm(2);
        ExecutorService passes = Executors.newSingleThreadExecutor();
        try {
            Future<PassReport> pass = passes.submit(s.replicator()::pass);
            assertTrue(reads.reached(), "the pass is reading both objects");

            assertTrue(s.replicator().failover(Duration.ofSeconds(10)).done(), "nothing was being written yet");
            // The application now writes at the replica, which serves as primary.
            TestData.put(replica, "report.csv", "written by the application after failover");
            reads.release();
            PassReport after = pass.get(60, TimeUnit.SECONDS);

            assertEquals(0, after.copiedObjects(), after.describe());
        } finally {
            reads.release();
            passes.shutdownNow();
        }
        assertEquals(
                "written by the application after failover",
                TestData.text(replica, "report.csv"),
                "the copy under way at failover never lands over the application's write");
        assertNull(replica.stat("video/big.bin"), "the large copy was abandoned before it became visible");
        try (var files = Files.walk(dirOf(replica))) {
            assertEquals(
                    List.of("report.csv"),
                    files.filter(Files::isRegularFile)
                            .map(f -> f.getFileName().toString())
                            .toList(),
                    "no part of the abandoned upload is left");
        }
        assertEquals("failed-over", s.replicator().status().state());

        FailbackReport back = s.replicator().failback();

        // Baran's copy never recorded as the replica's version: failback sees the application's write, and as the
        // source changed the key too, reports a conflict rather than losing either side.
        assertEquals(Set.of("report.csv"), back.conflicts().keySet(), back.toString());
        assertTrue(
                back.conflicts().get("report.csv").contains("the replica holds"),
                back.conflicts().toString());
        s.replicator().resolve("report.csv", false, s.replicator().sides("report.csv"));
        assertEquals("written by the application after failover", TestData.text(sourceFiles, "report.csv"));
        PassReport resumed = s.replicator().pass();
        assertEquals(1, resumed.copiedObjects(), resumed.describe());
        assertEquals(bigSha, TestData.sha256(replica, "video/big.bin"), "copied whole once forward copying resumed");
        assertEquals("written by the application after failover", TestData.text(replica, "report.csv"));
    }

    /** A conflict left by a failback: the key changed at both sides while the replica served as primary. */
    private static void conflictOn(Replicator r, BlobStore source, BlobStore replica, String key) throws Exception {
        TestData.put(source, key, "original");
        r.pass();
        assertTrue(r.failover(Duration.ofSeconds(10)).done());
        TestData.put(replica, key, "replica's version");
        TestData.put(source, key, "source's version");
        assertEquals(Set.of(key), r.failback().conflicts().keySet());
    }

    @Test
    void keepingTheSourcesVersionOfAConflictIsRefusedWhileTheReplicaServesAsPrimary() throws Exception {
        Setup s = setup(Mode.MIRROR);
        conflictOn(s.replicator(), s.source(), s.replica(), "shared.txt");
        // A new outage: the replica serves as primary again before anyone settled the conflict.
        assertTrue(s.replicator().failover(Duration.ofSeconds(10)).done());
        TestData.put(s.replica(), "shared.txt", "written by the application after the second failover");

        assertThrows(
                FencedReplica.FailedOver.class,
                () -> s.replicator().resolve("shared.txt", true, s.replicator().sides("shared.txt")));

        assertEquals(
                "written by the application after the second failover",
                TestData.text(s.replica(), "shared.txt"),
                "the replica serving as primary is not overwritten");
        assertEquals("source's version", TestData.text(s.source(), "shared.txt"));
        // Still a conflict, settled once failed back (or by keeping the replica's version now).
        s.replicator().resolve("shared.txt", false, s.replicator().sides("shared.txt"));
        assertEquals("written by the application after the second failover", TestData.text(s.source(), "shared.txt"));
    }

    @Test
    void aFailoverWaitsForAConflictsResolutionBeingWrittenToTheReplica() throws Exception {
        FileBlobStore source = Emulators.files("src");
        FileBlobStore replicaFiles = Emulators.files("dst");
        Hold writes = new Hold();
        BlobStore replica = new ForwardingStore(replicaFiles) {
            @Override
            public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
                writes.here();
                return inner.put(key, content, length, sums, expected);
            }
        };
        Replicator r = replicator(Mode.MIRROR, source, replica, WorkDirs.create("ledger"), 50);
        conflictOn(r, source, replicaFiles, "shared.txt");
        writes.arm(1);
        ExecutorService resolving = Executors.newSingleThreadExecutor();
        try {
            Future<?> resolve = resolving.submit(() -> {
                r.resolve("shared.txt", true, r.sides("shared.txt"));
                return null;
            });
            assertTrue(writes.reached(), "the source's version is being written to the replica");

            Replicator.Failover refused = r.failover(Duration.ofMillis(200));

            assertEquals(
                    new Replicator.Failover(false, 1, Replicator.Failover.Refused.WRITES_UNDER_WAY),
                    refused,
                    "failover waited for the write under way");
            assertFalse(r.failedOver());
            writes.release();
            resolve.get(60, TimeUnit.SECONDS);
        } finally {
            writes.release();
            resolving.shutdownNow();
        }
        assertEquals("source's version", TestData.text(replicaFiles, "shared.txt"));
        assertTrue(r.failover(Duration.ofSeconds(10)).done(), "once the write ended, failover goes through");
        r.close();
    }

    /** A failover while the replica's failback runs is refused: the failback's end would clear the flag it sets. */
    @Test
    void aFailoverDuringTheReplicasFailbackIsRefusedAndTheFailbackEndsAsItBegan() throws Exception {
        FileBlobStore sourceFiles = Emulators.files("src");
        FileBlobStore replica = Emulators.files("dst");
        Hold copiesBack = new Hold();
        BlobStore source = new ForwardingStore(sourceFiles) {
            @Override
            public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
                copiesBack.here();
                return inner.put(key, content, length, sums, expected);
            }
        };
        Replicator r = replicator(Mode.MIRROR, source, replica, WorkDirs.create("ledger"), 50);
        assertTrue(r.failover(Duration.ofSeconds(10)).done());
        TestData.put(replica, "written-during-outage.txt", "kept");
        copiesBack.arm(1);
        ExecutorService failingBack = Executors.newSingleThreadExecutor();
        try {
            Future<java.util.Optional<FailbackReport>> failback =
                    failingBack.submit(() -> r.failbackIfFailedOver(Duration.ofSeconds(30)));
            assertTrue(copiesBack.reached(), "the failback copies the replica's change back");

            Replicator.Failover refused = r.failover(Duration.ofMillis(200));

            assertEquals(new Replicator.Failover(false, 0, Replicator.Failover.Refused.FAILING_BACK), refused);
            Replicator.Busy busy =
                    assertThrows(Replicator.Busy.class, () -> r.failbackIfFailedOver(Duration.ofMillis(200)));
            assertTrue(busy.getMessage().contains("under way here"), busy.getMessage());
            copiesBack.release();
            FailbackReport report = failback.get(60, TimeUnit.SECONDS).orElseThrow();
            assertEquals(List.of("written-during-outage.txt"), report.copiedBack());
        } finally {
            copiesBack.release();
            failingBack.shutdownNow();
        }
        assertFalse(r.failedOver(), "failed back");
        assertEquals(
                java.util.Optional.empty(),
                r.failbackIfFailedOver(Duration.ofSeconds(5)),
                "a second failback does nothing");
        assertTrue(r.failover(Duration.ofSeconds(10)).done(), "once the failback ended, failover goes through");
        r.close();
    }

    @Test
    void aFailoverWhileACopyIsBeingWrittenToTheReplicaWaitsForItAndOtherwiseChangesNothing() throws Exception {
        FileBlobStore source = Emulators.files("src");
        FileBlobStore replicaFiles = Emulators.files("dst");
        Hold writes = new Hold();
        BlobStore replica = new ForwardingStore(replicaFiles) {
            @Override
            public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
                writes.here();
                return inner.put(key, content, length, sums, expected);
            }
        };
        Path ledgerDir = WorkDirs.create("ledger");
        Replicator r = replicator(Mode.MIRROR, source, replica, ledgerDir, 50);
        TestData.put(source, "a.txt", "alpha");
        writes.arm(1);
        ExecutorService passes = Executors.newSingleThreadExecutor();
        try {
            Future<PassReport> pass = passes.submit(r::pass);
            assertTrue(writes.reached(), "the copy is being written to the replica");

            Replicator.Failover refused = r.failover(Duration.ofMillis(200));

            assertEquals(new Replicator.Failover(false, 1, Replicator.Failover.Refused.WRITES_UNDER_WAY), refused);
            assertFalse(r.failedOver());
            assertEquals("initial-copy", r.status().state(), "not failed over");
            try (Ledger onDisk = Ledger.open(ledgerDir)) {
                assertFalse(onDisk.meta().failedOver(), "nor recorded as failed over");
            }
            writes.release();
            PassReport done = pass.get(60, TimeUnit.SECONDS);
            assertEquals(1, done.copiedObjects(), "the write under way finished: " + done.describe());
        } finally {
            writes.release();
            passes.shutdownNow();
        }
        assertEquals("alpha", TestData.text(replicaFiles, "a.txt"));

        assertTrue(r.failover(Duration.ofSeconds(10)).done(), "once no write is under way, failover goes through");
        assertEquals("failed-over", r.status().state());
        r.close();
    }

    @Test
    void failbackHoldsBackAMassDeletionAtTheSourceAndTheReplicaStaysFailedOver() throws Exception {
        Setup s = setup(Mode.MIRROR);
        for (int i = 0; i < 12; i++) {
            TestData.put(s.source(), "orders/" + i + ".json", "order " + i);
        }
        s.replicator().pass();
        assertTrue(s.replicator().failover(Duration.ofSeconds(10)).done());
        // While failed over, the replica is emptied (by mistake, or by an attacker) and takes one new order.
        for (int i = 0; i < 12; i++) {
            s.replica().delete("orders/" + i + ".json");
        }
        TestData.put(s.replica(), "orders/new.json", "order 12");

        FailbackReport report = s.replicator().failback();

        assertEquals(List.of(), report.deletedAtSource());
        assertEquals(
                12,
                report.deletionsHeldBack().size(),
                report.deletionsHeldBack().toString());
        assertEquals(List.of("orders/new.json"), report.copiedBack(), "what was written still goes back");
        assertFalse(report.clean());
        assertTrue(
                report.errors()
                        .get(0)
                        .startsWith("pair assets: failback would delete 12 of the source's 12 objects (more than 50%)"),
                report.errors().toString());
        assertEquals(13, TestData.list(s.source(), "").size(), "the source keeps every object");
        assertEquals("failed-over", s.replicator().status().state(), "the deletions wait for a person");
        assertEquals(
                "the replica serves as primary (failed over); failback reverses it",
                s.replicator().pass().skipped(),
                "forward passes do not copy the held-back objects to the replica again");
        s.replicator().close();

        Replicator unguarded = replicator(Mode.MIRROR, s.source(), s.replica(), s.ledgerDir(), 100);
        FailbackReport again = unguarded.failback();
        assertEquals(12, again.deletedAtSource().size(), "max-delete-percent=100 turns the guard off");
        assertTrue(again.clean(), again.toString());
        assertEquals(Set.of("orders/new.json"), TestData.list(s.source(), "").keySet());
        unguarded.close();
    }

    private static Path dirOf(FileBlobStore store) throws Exception {
        java.lang.reflect.Field dir = FileBlobStore.class.getDeclaredField("dir");
        dir.setAccessible(true);
        return (Path) dir.get(store);
    }

    /** A replica that refuses one key, as a store refuses what it cannot take. */
    private static final class Refusing extends ForwardingStore {
        private final String key;

        Refusing(BlobStore inner, String key) {
            super(inner);
            this.key = key;
        }

        @Override
        public Blob put(String k, byte[] content, int length, Digests.Sums sums, Precondition expected) {
            if (k.equals(key)) {
                throw new BlobStoreException(describe() + ": " + k + " refused for the test", null);
            }
            return inner.put(k, content, length, sums, expected);
        }
    }

    @SuppressWarnings("unused")
    private static Map<String, Blob> all(BlobStore store) {
        return TestData.list(store, "");
    }
}
