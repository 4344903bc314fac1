package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import io.baran.worker.provider.store.Digests;
import io.baran.worker.provider.store.FileBlobStore;
import io.baran.worker.provider.store.Precondition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A conditional write whose request the store's client sent again (the first landed, its answer was lost) is refused
 * by the second: the copy finds its own object at the key and is done, while a refusal over anything else stands.
 */
class CopierRetryTest {

    /** A target whose writes land and are then answered as refused, as a resent request's would be. */
    private static BlobStore landsThenRefuses(FileBlobStore inner) {
        return new ForwardingStore(inner) {
            @Override
            public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition p) {
                inner.put(key, content, length, sums, p);
                throw BlobStoreException.preconditionFailed(describe(), key, "written", p, "an object", null);
            }

            @Override
            public Upload upload(String key, long size, long partSize, String sha256, String resumeToken) {
                return new ForwardingUpload(inner.upload(key, size, partSize, sha256, resumeToken)) {
                    @Override
                    public Blob complete(List<String> tags, Digests.Sums sums, Precondition p) {
                        inner.complete(tags, sums, p);
                        throw BlobStoreException.preconditionFailed(describe(), key, "written", p, "an object", null);
                    }
                };
            }
        };
    }

    /**
     * A large copy's upload recorded in the ledger and gone at the store (a lifecycle rule aborted it, its partial file
     * was removed): a resume that fails keeps the session once (the failure may be passing), and the second in a row
     * ends it, so the next copy begins anew (it failed every pass).
     */
    @Test
    void aResumedUploadThatIsGoneIsBegunAnewNextTime(@org.junit.jupiter.api.io.TempDir java.nio.file.Path ledgerDir)
            throws Exception {
        FileBlobStore from = Emulators.files("gone-src");
        FileBlobStore to = Emulators.files("gone-dst");
        int part = 1 << 20;
        String sha = TestData.putGenerated(from, "large.bin", 3L * part + 7, 13, part);
        Blob source = from.stat("large.bin");
        Ledger ledger = Ledger.open(ledgerDir);
        BlobStore.Upload begun = to.upload("large.bin", source.size(), part, source.sha256(), null);
        ledger.sessionStarted(
                new Ledger.Session("large.bin", source.version(), source.size(), part, begun.token(), null));
        begun.abort(); // gone at the store

        try (Copier copier = new Copier(2, part, 4)) {
            assertThrows(
                    BlobStoreException.class,
                    () -> copier.copy(
                            from, source, to, "large.bin", Precondition.absent(), ledger, "large.bin", b -> {}));
            org.junit.jupiter.api.Assertions.assertNotNull(
                    ledger.session("large.bin"), "one failed resume (a throttled part, a reset) keeps what was sent");
            assertThrows(
                    BlobStoreException.class,
                    () -> copier.copy(
                            from, source, to, "large.bin", Precondition.absent(), ledger, "large.bin", b -> {}));
            org.junit.jupiter.api.Assertions.assertNull(
                    ledger.session("large.bin"), "the second in a row: the upload that is gone is not resumed again");

            Blob copied = copier.copy(
                    from, from.stat("large.bin"), to, "large.bin", Precondition.absent(), ledger, "large.bin", b -> {});
            assertEquals(sha, copied.sha256());
            assertEquals(sha, TestData.sha256(to, "large.bin"));
        }
    }

    @Test
    void aRefusalOfAWriteThatLandedIsTheCopyDoneAndARefusalOverAnotherObjectStands() throws Exception {
        FileBlobStore from = Emulators.files("retry-src");
        FileBlobStore to = Emulators.files("retry-dst");
        int part = 1 << 20;
        TestData.put(from, "small.txt", "small");
        String largeSha = TestData.putGenerated(from, "large.bin", 3L * part + 7, 11, part);
        BlobStore resending = landsThenRefuses(to);
        try (Copier copier = new Copier(2, part, 4)) {
            Blob small = copier.copy(
                    from,
                    from.stat("small.txt"),
                    resending,
                    "small.txt",
                    Precondition.absent(),
                    null,
                    "small.txt",
                    b -> {});
            assertEquals(5, small.size());
            assertEquals("small", TestData.text(to, "small.txt"));
            Blob large = copier.copy(
                    from,
                    from.stat("large.bin"),
                    resending,
                    "large.bin",
                    Precondition.absent(),
                    null,
                    "large.bin",
                    b -> {});
            assertEquals(largeSha, large.sha256());

            // The key held another object: the store's refusal is what it says.
            TestData.put(to, "taken.txt", "someone else's");
            TestData.put(from, "taken.txt", "ours");
            BlobStoreException refused = assertThrows(
                    BlobStoreException.class,
                    () -> copier.copy(
                            from,
                            from.stat("taken.txt"),
                            to,
                            "taken.txt",
                            Precondition.absent(),
                            null,
                            "taken.txt",
                            b -> {}));
            assertTrue(refused.preconditionFailed(), refused.getMessage());
            assertEquals("someone else's", TestData.text(to, "taken.txt"));
        }
    }
}
