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
