package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.WorkDirs;
import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.FileBlobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which keys failback reverses, decided from the listings and the ledger alone; and what it does when the source is
 * written between its listing and its copies back (file-system stores, the source's writes made right after failback
 * listed it).
 */
class FailbackTest {

    private static Blob blob(String key, String version) {
        return new Blob(key, 1, Instant.EPOCH, version, null, null, null);
    }

    @Test
    void onlyKeysChangedAtTheReplicaAreReversedAndThoseChangedAtTheSourceToo() {
        Map<String, Ledger.Entry> ledger = Map.of(
                "untouched", new Ledger.Entry("s1", 1, null, "r1"),
                "edited", new Ledger.Entry("s1", 1, null, "r1"),
                "deleted", new Ledger.Entry("s1", 1, null, "r1"),
                "shared", new Ledger.Entry("s1", 1, null, "r1"),
                "source-only-change", new Ledger.Entry("s1", 1, null, "r1"));
        Map<String, Blob> source = Map.of(
                "untouched",
                blob("untouched", "s1"),
                "edited",
                blob("edited", "s1"),
                "deleted",
                blob("deleted", "s1"),
                "shared",
                blob("shared", "s2"),
                "source-only-change",
                blob("source-only-change", "s2"));
        Map<String, Blob> replica = Map.of(
                "untouched",
                blob("untouched", "r1"),
                "edited",
                blob("edited", "r2"),
                "shared",
                blob("shared", "r2"),
                "source-only-change",
                blob("source-only-change", "r1"),
                "created",
                blob("created", "r1"));

        List<Failback.Reversal> reversals = Failback.reversals(source, replica, ledger, Map.of(), "");

        assertEquals(
                List.of(
                        new Failback.Reversal("created", null, replica.get("created"), false),
                        new Failback.Reversal("deleted", source.get("deleted"), null, false),
                        new Failback.Reversal("edited", source.get("edited"), replica.get("edited"), false),
                        new Failback.Reversal("shared", source.get("shared"), replica.get("shared"), true)),
                reversals);
        assertEquals(
                List.of(),
                Failback.reversals(source, replica, ledger, Map.of(), "other/"),
                "only keys under the filter");
    }

    /** Part size of the test's copier: an object larger than it goes in parts. */
    private static final int PART = 1 << 20;

    @Test
    void aWriteAtTheSourceAfterFailbackListedItSurvivesAndTheKeyIsAConflictWhileTheOtherKeysAreCopiedBack()
            throws Exception {
        writesAtTheSourceAfterFailbackListedItSurvive(Emulators.files("src"), Emulators.files("dst"), PART);
    }

    /**
     * The source takes writes once failback has listed it: each survives as a conflict, the other keys are copied
     * back, forward copying resumes, and the conflicts are settled by resolution. On any source store ({@code
     * ReplicationIT} runs it on Blob Storage), the replica a file-system one.
     *
     * @param part the copier's part size, a size the source accepts for the parts of an upload
     */
    static void writesAtTheSourceAfterFailbackListedItSurvive(BlobStore sourceStore, FileBlobStore replica, int part)
            throws Exception {
        // Runs once, right after the source's listing returns: before any copy back or deletion.
        ListingHook source = new ListingHook(sourceStore);
        try (Copier copier = new Copier(2, part, 4)) {
            Replicator r = new Replicator(
                    "assets",
                    Mode.MIRROR,
                    "",
                    Location.parse(sourceStore.describe()),
                    source,
                    Location.parse(replica.describe()),
                    replica,
                    Ledger.open(WorkDirs.create("ledger")),
                    copier,
                    new MutableClock(Instant.now()),
                    100);
            for (String key : List.of("edited.txt", "deleted.txt", "deleted-at-both.txt", "copied.txt")) {
                TestData.put(sourceStore, key, "original " + key);
            }
            TestData.putGenerated(sourceStore, "edited-large.bin", 3L * part + 5, 1, part);
            assertEquals(5, r.pass().copiedObjects());
            assertTrue(r.failover(Duration.ofSeconds(10)).done());
            // While failed over, the application writes at the replica...
            TestData.put(replica, "edited.txt", "edited at the replica");
            String replicaLarge = TestData.putGenerated(replica, "edited-large.bin", 3L * part + 7, 2, part);
            TestData.put(replica, "created.txt", "created at the replica");
            TestData.put(replica, "created-only-there.txt", "created at the replica only");
            TestData.put(replica, "copied.txt", "edited at the replica only");
            replica.delete("deleted.txt");
            replica.delete("deleted-at-both.txt");
            // ...and the source takes writes once failback has listed it, before it copies anything back.
            String[] sourceLarge = new String[1];
            source.afterNextListing(() -> {
                TestData.put(sourceStore, "edited.txt", "written at the source after the listing");
                sourceLarge[0] = TestData.putGenerated(sourceStore, "edited-large.bin", 3L * part + 9, 3, part);
                TestData.put(sourceStore, "created.txt", "created at the source after the listing");
                TestData.put(sourceStore, "deleted.txt", "written again at the source after the listing");
                sourceStore.delete("deleted-at-both.txt");
            });

            FailbackReport report = r.failback();

            assertTrue(source.ran(), "the source was written after its listing");
            assertEquals(List.of("copied.txt", "created-only-there.txt"), report.copiedBack(), report.toString());
            assertEquals(List.of(), report.deletedAtSource(), report.toString());
            assertEquals(List.of(), report.errors());
            assertEquals(
                    Set.of("edited.txt", "edited-large.bin", "created.txt", "deleted.txt"),
                    report.conflicts().keySet(),
                    report.toString());
            report.conflicts()
                    .values()
                    .forEach(why -> assertTrue(
                            why.startsWith("changed at the source after failback listed it: the source holds "), why));
            assertTrue(
                    report.conflicts().get("deleted.txt").endsWith("; the replica holds nothing (deleted)"),
                    report.conflicts().get("deleted.txt"));
            assertEquals("written at the source after the listing", TestData.text(sourceStore, "edited.txt"));
            assertEquals(sourceLarge[0], TestData.sha256(sourceStore, "edited-large.bin"));
            assertEquals("created at the source after the listing", TestData.text(sourceStore, "created.txt"));
            assertEquals("written again at the source after the listing", TestData.text(sourceStore, "deleted.txt"));
            assertEquals("edited at the replica only", TestData.text(sourceStore, "copied.txt"));
            assertEquals("created at the replica only", TestData.text(sourceStore, "created-only-there.txt"));
            assertNull(sourceStore.stat("deleted-at-both.txt"), "deleted at both sides: in step, no conflict");
            assertEquals("edited at the replica", TestData.text(replica, "edited.txt"), "nor the replica changed");
            assertEquals(replicaLarge, TestData.sha256(replica, "edited-large.bin"));
            assertEquals(
                    Set.of("copied.txt", "created.txt", "created-only-there.txt", "edited-large.bin", "edited.txt"),
                    TestData.list(replica, "").keySet());

            // Failback is done: forward copying resumes, overwrites no conflict at the replica (the one the replica
            // deleted gets the source's object back, as any conflict where the replica holds nothing)...
            assertFalse(r.failedOver());
            PassReport after = r.pass();
            assertEquals(1, after.copiedObjects(), after.describe());
            assertEquals("written again at the source after the listing", TestData.text(replica, "deleted.txt"));
            assertEquals(
                    Set.of("edited.txt", "edited-large.bin", "created.txt"),
                    after.conflicts().keySet());
            assertEquals("edited at the replica", TestData.text(replica, "edited.txt"));
            assertEquals("created at the replica", TestData.text(replica, "created.txt"));
            // ...and people settle the others, keeping either side, over what they saw only: the side written over
            // changed since they looked (checked by the store as it writes), or the side kept did: nothing is written.
            ConflictResolver.Sides seenEdited = r.sides("edited.txt");
            TestData.put(replica, "edited.txt", "written at the replica after the people looked");
            ConflictResolver.Changed overwrite =
                    assertThrows(ConflictResolver.Changed.class, () -> r.resolve("edited.txt", true, seenEdited));
            assertTrue(overwrite.getMessage().contains("edited.txt at " + r.replicaAt()), overwrite.getMessage());
            assertEquals("written at the replica after the people looked", TestData.text(replica, "edited.txt"));
            ConflictResolver.Sides seenCreated = r.sides("created.txt");
            TestData.put(sourceStore, "created.txt", "written at the source after the people looked");
            assertThrows(ConflictResolver.Changed.class, () -> r.resolve("created.txt", false, seenCreated));
            assertEquals("written at the source after the people looked", TestData.text(sourceStore, "created.txt"));
            ConflictResolver.Sides seenKept = r.sides("created.txt");
            TestData.put(replica, "created.txt", "the kept side written after the people looked");
            assertThrows(ConflictResolver.Changed.class, () -> r.resolve("created.txt", false, seenKept));
            assertEquals("written at the source after the people looked", TestData.text(sourceStore, "created.txt"));
            assertEquals(
                    Set.of("edited.txt", "edited-large.bin", "created.txt"),
                    r.meta().conflicts().keySet(),
                    "still conflicts");
            // Looked at again, they are settled.
            r.resolve("edited.txt", true, r.sides("edited.txt"));
            r.resolve("edited-large.bin", true, r.sides("edited-large.bin"));
            r.resolve("created.txt", false, r.sides("created.txt"));
            assertEquals("written at the source after the listing", TestData.text(replica, "edited.txt"));
            assertEquals(sourceLarge[0], TestData.sha256(replica, "edited-large.bin"));
            assertEquals("the kept side written after the people looked", TestData.text(sourceStore, "created.txt"));
            PassReport settled = r.pass();
            assertEquals(0, settled.copiedObjects(), settled.describe());
            assertTrue(settled.conflicts().isEmpty(), settled.describe());
            assertEquals("in-sync", r.status().state());
            r.close();
        }
    }
}
