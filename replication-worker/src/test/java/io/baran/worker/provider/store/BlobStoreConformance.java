package io.baran.worker.provider.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.replication.TestData;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlobStore} must do, run against each one (S3 on moto, Cloud Storage on fake-gcs-server,
 * Blob Storage on Azurite, the file system): the same behaviour whatever the provider. Where a provider type
 * serves the store, the stores under test come from its object-store capability.
 */
public abstract class BlobStoreConformance {

    /** S3's smallest part. */
    static final int PART = 5 << 20;

    /** A store on an empty bucket of its own. */
    protected abstract BlobStore newStore();

    /** A store on a bucket that does not exist. */
    protected abstract BlobStore missingBucket();

    /**
     * The provider whose object-store capability hands out this kind of store, and where it says its API is
     * served from; null while no provider type serves it (its stores are configured under
     * {@code baran.replication.stores}), which skips the tests of the provider's side.
     */
    protected ObjectStore provider() {
        return null;
    }

    protected ControlPlane expectedControlPlane() {
        return null;
    }

    /** A conditional call that the provider refuses when its precondition does not hold. */
    protected enum Conditional {
        /** A large upload's completion on condition the key is absent, the SHA-256 known when the upload started. */
        LARGE_IF_ABSENT,
        /** The same, the SHA-256 known only at the end (S3: the object is copied in place from a temporary key). */
        LARGE_IF_ABSENT_SHA256_AT_THE_END,
        /** A large upload's completion on condition of a version, the SHA-256 known when the upload started. */
        LARGE_IF_VERSION,
        /** The same, the SHA-256 known only at the end. */
        LARGE_IF_VERSION_SHA256_AT_THE_END,
        /** A deletion on condition of a version, refused once the object was written again. */
        DELETE_IF_VERSION
    }

    /**
     * Why the emulator under test performs this call even where its precondition does not hold (unlike the provider),
     * so that the test of its refusal is skipped; null when the emulator refuses it.
     */
    protected String emulatorIgnores(Conditional call) {
        return null;
    }

    @Test
    void theProviderHandsOutItsBucketsAndSaysWhereItsApiIsServedFrom() {
        ObjectStore provider = provider();
        assumeTrue(provider != null, "no provider type serves this store yet");
        BlobStore store = newStore();
        TestData.put(store, "via/provider.txt", "through the provider");

        String bucket = store.describe().substring(store.describe().indexOf("://") + 3);
        BlobStore same = provider.bucket(bucket);
        assertEquals(store.describe(), same.describe());
        assertEquals("through the provider", TestData.text(same, "via/provider.txt"));
        assertEquals(expectedControlPlane(), provider.controlPlane());
        assertTrue(store.describe().startsWith(provider.name() + ":" + provider.scheme() + "://"), store.describe());
    }

    @Test
    void aBucketNameNoStoreAcceptsIsRefusedBeforeAnyCall() {
        ObjectStore provider = provider();
        assumeTrue(provider != null, "no provider type serves this store yet");

        ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> provider.bucket("../Bad_Bucket"));

        assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("bucket \"../Bad_Bucket\" is not a bucket name"),
                failure.getOriginalMessage());
    }

    @Test
    void aSmallObjectIsWrittenWithItsSha256AndReadBack() {
        BlobStore store = newStore();
        Blob written = TestData.put(store, "docs/a.txt", "hello, replica");
        String sha = Digests.sha256Hex("hello, replica".getBytes(StandardCharsets.UTF_8), 0, 14);

        Blob stat = store.stat("docs/a.txt");
        assertEquals(14, stat.size());
        assertEquals(written.version(), stat.version(), "the version put returns is the one stat and list show");
        if (stat.sha256() != null) {
            assertEquals(sha, stat.sha256());
        }
        assertEquals("hello, replica", TestData.text(store, "docs/a.txt"));
        Map<String, Blob> listed = TestData.list(store, "docs/");
        assertEquals(List.of("docs/a.txt"), List.copyOf(listed.keySet()));
        assertEquals(stat.version(), listed.get("docs/a.txt").version());
        assertNotEquals(Blob.Match.DIFFERENT, listed.get("docs/a.txt").compare(stat));
    }

    @Test
    void aLargeObjectIsInvisibleUntilItsUploadCompletesAndThenHoldsExactlyItsBytes() {
        BlobStore store = newStore();
        byte[] content = bytes(2 * PART + 12345, 7);
        Digests d = new Digests();
        d.update(content, 0, content.length);
        Digests.Sums sums = d.finish();

        BlobStore.Upload upload = store.upload("big/object.bin", content.length, PART, null, null);
        List<String> tags = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            int off = (n - 1) * PART;
            int len = Math.min(PART, content.length - off);
            byte[] part = java.util.Arrays.copyOfRange(content, off, off + len);
            tags.add(upload.putPart(n, part, len, Digests.md5(part, 0, len)));
            assertNull(store.stat("big/object.bin"), "nothing is visible before the upload completes");
            assertTrue(
                    TestData.list(store, "").isEmpty(),
                    "parts of an upload are never listed: "
                            + TestData.list(store, "").keySet());
        }
        Blob done = upload.complete(tags, sums);

        assertEquals(content.length, done.size());
        assertEquals(sums.sha256(), store.stat("big/object.bin").sha256(), "the SHA-256 is in the object's metadata");
        assertEquals(sums.sha256(), TestData.sha256(store, "big/object.bin"));
        assertEquals(
                List.of("big/object.bin"), List.copyOf(TestData.list(store, "").keySet()), "no part is left behind");
    }

    @Test
    void anUploadResumesFromItsTokenInAnotherProcess() {
        BlobStore store = newStore();
        byte[] content = bytes(PART + 999, 11);
        Digests d = new Digests();
        d.update(content, 0, content.length);
        BlobStore.Upload first = store.upload("resumed.bin", content.length, PART, null, null);
        String tag1 = first.putPart(1, content, PART, Digests.md5(content, 0, PART));

        BlobStore.Upload again = store.upload("resumed.bin", content.length, PART, null, first.token());
        byte[] rest = java.util.Arrays.copyOfRange(content, PART, content.length);
        String tag2 = again.putPart(2, rest, rest.length, Digests.md5(rest, 0, rest.length));
        again.complete(List.of(tag1, tag2), d.finish());

        assertEquals(Digests.sha256Hex(content, 0, content.length), TestData.sha256(store, "resumed.bin"));
    }

    @Test
    void anAbortedUploadLeavesNothingVisible() {
        BlobStore store = newStore();
        byte[] part = bytes(PART, 3);
        BlobStore.Upload upload = store.upload("aborted.bin", 2L * PART, PART, null, null);
        upload.putPart(1, part, PART, Digests.md5(part, 0, PART));
        upload.abort();

        assertNull(store.stat("aborted.bin"));
        assertTrue(TestData.list(store, "").isEmpty());
    }

    @Test
    void listingKeepsToThePrefixAndShowsEveryPage() {
        BlobStore store = newStore();
        for (int i = 0; i < 30; i++) {
            TestData.put(store, "in/" + String.format("%03d", i), "x" + i);
        }
        TestData.put(store, "out/1", "y");
        TestData.put(store, "inside", "z");

        Map<String, Blob> listed = TestData.list(store, "in/");
        assertEquals(30, listed.size());
        assertTrue(listed.keySet().stream().allMatch(k -> k.startsWith("in/")));
    }

    @Test
    void anObjectWrittenAgainSinceItWasListedIsNeverReadAsTheOldVersion() {
        BlobStore store = newStore();
        TestData.put(store, "moving.txt", "first version");
        Blob listed = store.stat("moving.txt");
        Blob second = TestData.put(store, "moving.txt", "second version!");
        assertNotEquals(listed.version(), second.version(), "a write changes the version");

        try (BlobStore.Reading reading = store.open(listed)) {
            byte[] read = reading.content().readAllBytes();
            fail("read " + new String(read, StandardCharsets.UTF_8) + " as version " + listed.version());
        } catch (BlobStoreException | IOException | UncheckedIOException e) {
            // refused: the copy is tried again with the new version
        } catch (RuntimeException e) {
            assertNotNull(e.getMessage(), "refused with " + e);
        }
    }

    @Test
    void deletingRemovesAndDeletingAnAbsentObjectIsNotAnError() {
        BlobStore store = newStore();
        TestData.put(store, "gone.txt", "bye");
        store.delete("gone.txt");
        store.delete("never-there.txt");
        assertNull(store.stat("gone.txt"));
    }

    @Test
    void aWriteOnConditionTheKeyIsAbsentIsRefusedWhereItExistsAndMadeWhereItDoesNot() {
        BlobStore store = newStore();
        Blob first = TestData.put(store, "cond/taken.txt", "written first");

        BlobStoreException refused = assertThrows(
                BlobStoreException.class,
                () -> TestData.put(store, "cond/taken.txt", "a second writer", Precondition.absent()));

        assertTrue(refused.preconditionFailed(), refused.toString());
        assertTrue(
                refused.getMessage()
                        .startsWith(store.describe() + ": cond/taken.txt not written: expected absent, found"),
                refused.getMessage());
        assertEquals("written first", TestData.text(store, "cond/taken.txt"));
        assertEquals(first.version(), store.stat("cond/taken.txt").version(), "not written again");

        Blob created = TestData.put(store, "cond/free.txt", "nobody was here", Precondition.absent());
        assertEquals("nobody was here", TestData.text(store, "cond/free.txt"));
        assertEquals(created.version(), store.stat("cond/free.txt").version());
    }

    @Test
    void aWriteOnConditionOfAVersionIsRefusedOnceTheObjectWasWrittenAgainAndMadeWhileItIsUnchanged() {
        BlobStore store = newStore();
        TestData.put(store, "cond/v.txt", "version one");
        Blob listed = TestData.list(store, "cond/").get("cond/v.txt");
        TestData.put(store, "cond/v.txt", "version two, by someone else");

        BlobStoreException refused = assertThrows(
                BlobStoreException.class,
                () -> TestData.put(store, "cond/v.txt", "stale", Precondition.version(listed.version())));

        assertTrue(refused.preconditionFailed(), refused.toString());
        assertTrue(
                refused.getMessage()
                        .startsWith(
                                store.describe() + ": cond/v.txt not written: expected version " + listed.version()),
                refused.getMessage());
        assertEquals("version two, by someone else", TestData.text(store, "cond/v.txt"));
        BlobStoreException absent = assertThrows(
                BlobStoreException.class,
                () -> TestData.put(store, "cond/never.txt", "x", Precondition.version(listed.version())));
        assertTrue(absent.preconditionFailed(), absent.toString());
        assertNull(store.stat("cond/never.txt"), "a version expected where there is nothing: nothing written");

        Blob current = TestData.list(store, "cond/").get("cond/v.txt");
        Blob third = TestData.put(store, "cond/v.txt", "version three", Precondition.version(current.version()));
        assertEquals("version three", TestData.text(store, "cond/v.txt"));
        assertEquals(third.version(), store.stat("cond/v.txt").version());
    }

    @Test
    void aLargeUploadOnConditionIsMadeWhileTheKeyIsAsExpected() {
        BlobStore store = newStore();
        byte[] first = bytes(PART + 1000, 21);
        byte[] second = bytes(PART + 2000, 22);
        for (boolean sha256First : new boolean[] {true, false}) {
            String key = "cond/large-" + sha256First + ".bin";

            putLarge(store, key, first, sha256First, Precondition.absent());
            assertEquals(sha256(first), TestData.sha256(store, key));
            Blob listed = TestData.list(store, "cond/").get(key);
            putLarge(store, key, second, sha256First, Precondition.version(listed.version()));
            assertEquals(sha256(second), TestData.sha256(store, key));
        }
        assertEquals(
                List.of("cond/large-false.bin", "cond/large-true.bin"),
                List.copyOf(TestData.list(store, "").keySet()),
                "no part is left behind");
    }

    @Test
    void aLargeUploadOnConditionTheKeyIsAbsentIsRefusedWhereItExists() {
        largeUploadRefused(Conditional.LARGE_IF_ABSENT, true, false);
    }

    @Test
    void aLargeUploadOnConditionTheKeyIsAbsentIsRefusedWhereItExistsWithTheSha256KnownOnlyAtTheEnd() {
        largeUploadRefused(Conditional.LARGE_IF_ABSENT_SHA256_AT_THE_END, false, false);
    }

    @Test
    void aLargeUploadOnConditionOfAVersionIsRefusedOnceTheObjectWasWrittenAgain() {
        largeUploadRefused(Conditional.LARGE_IF_VERSION, true, true);
    }

    @Test
    void aLargeUploadOnConditionOfAVersionIsRefusedOnceTheObjectWasWrittenAgainWithTheSha256KnownOnlyAtTheEnd() {
        largeUploadRefused(Conditional.LARGE_IF_VERSION_SHA256_AT_THE_END, false, true);
    }

    private void largeUploadRefused(Conditional call, boolean sha256First, boolean byVersion) {
        String ignored = emulatorIgnores(call);
        assumeTrue(ignored == null, ignored);
        BlobStore store = newStore();
        TestData.put(store, "cond/large.bin", "small, first");
        Blob listed = TestData.list(store, "cond/").get("cond/large.bin");
        if (byVersion) {
            TestData.put(store, "cond/large.bin", "small, written again since");
        }
        Precondition expected = byVersion ? Precondition.version(listed.version()) : Precondition.absent();
        Blob before = store.stat("cond/large.bin");

        BlobStoreException refused = assertThrows(
                BlobStoreException.class,
                () -> putLarge(store, "cond/large.bin", bytes(PART + 1000, 23), sha256First, expected));

        assertTrue(refused.preconditionFailed(), refused.toString());
        assertTrue(
                refused.getMessage()
                        .startsWith(store.describe() + ": cond/large.bin not written: expected " + expected.describe()),
                refused.getMessage());
        assertEquals(byVersion ? "small, written again since" : "small, first", TestData.text(store, "cond/large.bin"));
        assertEquals(before.version(), store.stat("cond/large.bin").version());
        assertEquals(
                List.of("cond/large.bin"), List.copyOf(TestData.list(store, "").keySet()), "no part is left behind");
    }

    @Test
    void aDeletionOnConditionOfAVersionIsMadeWhileTheObjectIsUnchangedAndRefusedOnceItIsGone() {
        BlobStore store = newStore();
        TestData.put(store, "cond/doomed.txt", "bye");
        Blob listed = TestData.list(store, "cond/").get("cond/doomed.txt");

        store.delete("cond/doomed.txt", Precondition.version(listed.version()));

        assertNull(store.stat("cond/doomed.txt"));
        BlobStoreException gone = assertThrows(
                BlobStoreException.class,
                () -> store.delete("cond/doomed.txt", Precondition.version(listed.version())));
        assertTrue(gone.preconditionFailed(), gone.toString());
        assertTrue(
                gone.getMessage()
                        .startsWith(store.describe() + ": cond/doomed.txt not deleted: expected version "
                                + listed.version() + ", found"),
                gone.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.delete("cond/doomed.txt", Precondition.absent()));
    }

    @Test
    void aDeletionOnConditionOfAVersionIsRefusedOnceTheObjectWasWrittenAgain() {
        String ignored = emulatorIgnores(Conditional.DELETE_IF_VERSION);
        assumeTrue(ignored == null, ignored);
        BlobStore store = newStore();
        TestData.put(store, "cond/kept.txt", "first");
        Blob listed = TestData.list(store, "cond/").get("cond/kept.txt");
        TestData.put(store, "cond/kept.txt", "written again since");

        BlobStoreException refused = assertThrows(
                BlobStoreException.class, () -> store.delete("cond/kept.txt", Precondition.version(listed.version())));

        assertTrue(refused.preconditionFailed(), refused.toString());
        assertEquals("written again since", TestData.text(store, "cond/kept.txt"), "not deleted");
    }

    /** Uploads content in parts of {@link #PART}, completing on condition; aborts what a refusal leaves. */
    private static Blob putLarge(
            BlobStore store, String key, byte[] content, boolean sha256First, Precondition expected) {
        Digests d = new Digests();
        d.update(content, 0, content.length);
        Digests.Sums sums = d.finish();
        BlobStore.Upload upload = store.upload(key, content.length, PART, sha256First ? sums.sha256() : null, null);
        List<String> tags = new ArrayList<>();
        for (int off = 0, n = 1; off < content.length; off += PART, n++) {
            int len = Math.min(PART, content.length - off);
            byte[] part = java.util.Arrays.copyOfRange(content, off, off + len);
            tags.add(upload.putPart(n, part, len, Digests.md5(part, 0, len)));
        }
        try {
            return upload.complete(tags, sums, expected);
        } catch (BlobStoreException e) {
            upload.abort();
            throw e;
        }
    }

    private static String sha256(byte[] content) {
        return Digests.sha256Hex(content, 0, content.length);
    }

    @Test
    void aMissingBucketFailsRatherThanLookingEmpty() {
        BlobStore store = missingBucket();
        assertThrows(BlobStoreException.class, () -> store.list("", b -> {}));
        assertThrows(BlobStoreException.class, () -> store.stat("any.txt"));
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new TestData.Generator(seed).fill(b, size);
        return b;
    }
}
