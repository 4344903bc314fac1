package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.Digests;
import io.baran.worker.provider.store.Precondition;
import java.util.function.Consumer;

/**
 * A store passed through call by call, for a store that changes some of its calls ({@link FencedReplica}). Writes and
 * deletions pass through their conditional forms ({@link Precondition}), which the unconditional ones call: override
 * those to see every write.
 */
class ForwardingStore implements BlobStore {

    final BlobStore inner;

    ForwardingStore(BlobStore inner) {
        this.inner = inner;
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void list(String prefix, Consumer<Blob> each) {
        inner.list(prefix, each);
    }

    @Override
    public Blob stat(String key) {
        return inner.stat(key);
    }

    @Override
    public Reading open(Blob blob) {
        return inner.open(blob);
    }

    @Override
    public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
        return inner.put(key, content, length, sums, expected);
    }

    @Override
    public Upload upload(String key, long size, long partSize, String sha256, String resumeToken) {
        return inner.upload(key, size, partSize, sha256, resumeToken);
    }

    @Override
    public boolean wantsMd5() {
        return inner.wantsMd5();
    }

    @Override
    public void delete(String key, Precondition expected) {
        inner.delete(key, expected);
    }

    @Override
    public void discard(String key, String resumeToken) {
        inner.discard(key, resumeToken);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** An upload passed through call by call, for a store that changes how some of its uploads complete. */
    static class ForwardingUpload implements Upload {

        final Upload inner;

        ForwardingUpload(Upload inner) {
            this.inner = inner;
        }

        @Override
        public String token() {
            return inner.token();
        }

        @Override
        public String putPart(int number, byte[] bytes, int length, byte[] md5) {
            return inner.putPart(number, bytes, length, md5);
        }

        @Override
        public Blob complete(java.util.List<String> tags, Digests.Sums sums, Precondition expected) {
            return inner.complete(tags, sums, expected);
        }

        @Override
        public void abort() {
            inner.abort();
        }
    }
}
