package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.Digests;
import io.baran.worker.provider.store.Precondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes and reads test objects through a store, large ones streamed from a generator, never whole in memory. */
public final class TestData {

    private TestData() {}

    public static Blob put(BlobStore store, String key, String text) {
        return put(store, key, text.getBytes(StandardCharsets.UTF_8));
    }

    public static Blob put(BlobStore store, String key, byte[] content) {
        return put(store, key, content, Precondition.none());
    }

    /** A write on condition of what the key holds ({@link BlobStore#put(String, byte[], int, Digests.Sums, Precondition)}). */
    public static Blob put(BlobStore store, String key, String text, Precondition expected) {
        return put(store, key, text.getBytes(StandardCharsets.UTF_8), expected);
    }

    public static Blob put(BlobStore store, String key, byte[] content, Precondition expected) {
        Digests d = new Digests();
        d.update(content, 0, content.length);
        return store.put(key, content, content.length, d.finish(), expected);
    }

    /**
     * Writes {@code size} pseudo-random bytes (the same for the same seed) as a multipart upload.
     *
     * @return the content's SHA-256
     */
    public static String putGenerated(BlobStore store, String key, long size, long seed, int partSize) {
        Generator generator = new Generator(seed);
        Digests digests = new Digests();
        BlobStore.Upload upload = store.upload(key, size, partSize, null, null);
        List<String> tags = new ArrayList<>();
        byte[] buffer = new byte[partSize];
        int n = 1;
        for (long done = 0; done < size; n++) {
            int length = (int) Math.min(partSize, size - done);
            generator.fill(buffer, length);
            digests.update(buffer, 0, length);
            tags.add(upload.putPart(n, buffer, length, Digests.md5(buffer, 0, length)));
            done += length;
        }
        Digests.Sums sums = digests.finish();
        upload.complete(tags, sums);
        return sums.sha256();
    }

    /** The SHA-256 of an object's content, streamed. */
    public static String sha256(BlobStore store, String key) {
        Blob blob = store.stat(key);
        if (blob == null) {
            throw new AssertionError(store.describe() + " has no " + key);
        }
        Digests digests = new Digests();
        byte[] buffer = new byte[1 << 16];
        try (BlobStore.Reading reading = store.open(blob)) {
            int r;
            while ((r = reading.content().read(buffer)) > 0) {
                digests.update(buffer, 0, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digests.finish().sha256();
    }

    public static String text(BlobStore store, String key) {
        Blob blob = store.stat(key);
        if (blob == null) {
            return null;
        }
        try (BlobStore.Reading reading = store.open(blob)) {
            return new String(reading.content().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object under the prefix, by key. */
    public static Map<String, Blob> list(BlobStore store, String prefix) {
        Map<String, Blob> found = new TreeMap<>();
        store.list(prefix, b -> found.put(b.key(), b));
        return found;
    }

    /** Deterministic bytes (xorshift), fast enough to feed hundreds of MB/s. */
    public static final class Generator extends InputStream {
        private long state;

        public Generator(long seed) {
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        }

        public void fill(byte[] buffer, int length) {
            int i = 0;
            while (i < length) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                long v = state;
                for (int b = 0; b < 8 && i < length; b++, i++) {
                    buffer[i] = (byte) v;
                    v >>>= 8;
                }
            }
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            fill(one, 1);
            return one[0] & 0xff;
        }
    }
}
