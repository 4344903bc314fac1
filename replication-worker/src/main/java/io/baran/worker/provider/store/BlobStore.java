package io.baran.worker.provider.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * One bucket (container, directory) of an object store, as replication uses it: listed page by page,
 * read and written as streams, never a whole large object in memory. A write is never half-visible: a
 * small object is sent in one request, a large one in parts that become the object in one step
 * ({@link Upload#complete}). Keys are full keys inside the bucket.
 *
 * <p>Failures are {@link BlobStoreException}s naming the store, the operation and the key.
 */
public interface BlobStore extends AutoCloseable {

    /** Name prefix of Baran's uploads in progress (temporary objects and parts); never listed, never replicated. */
    String TEMPORARY = ".baran-tmp/";

    /** e.g. {@code aws-main:s3://shop-assets}, for messages. */
    String describe();

    /** Every object whose key starts with the prefix, in pages; Baran's uploads in progress are left out. */
    void list(String prefix, Consumer<Blob> each);

    /** The object with the checksums its metadata holds, or null when there is none. */
    Blob stat(String key);

    /**
     * Streams the object as it was listed. Fails with {@link BlobStoreException#changed} when the object
     * was written again since, where the store can tell (so a copy never mixes two versions); callers check
     * the digests of all they read against {@link Reading#advertised()}.
     */
    Reading open(Blob blob);

    /**
     * Writes a small object in one request, with its SHA-256 in its metadata; the store checks the MD5 on
     * receipt where it can.
     *
     * @return the object as the store now holds it
     */
    default Blob put(String key, byte[] content, int length, Digests.Sums sums) {
        return put(key, content, length, sums, Precondition.none());
    }

    /**
     * {@link #put(String, byte[], int, Digests.Sums)} only if the key still holds what {@code expected} says, checked
     * by the store in the same request where the provider can (each store's documentation says how).
     *
     * @throws BlobStoreException with {@link BlobStoreException#preconditionFailed()} when it does not: nothing written
     */
    Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected);

    /**
     * Starts a multipart upload of key, or resumes one an earlier process started.
     *
     * @param partSize    the length of every part but the last
     * @param resumeToken {@link Upload#token()} of the upload to resume, or null to start one
     * @param sha256      the object's SHA-256 when known before its first byte is read (the source recorded
     *                    it), else null; stores that fix metadata at the start (S3) need it then
     */
    Upload upload(String key, long size, long partSize, String sha256, String resumeToken);

    /**
     * Whether writes want the content's MD5 (and parts theirs): stores that check it on receipt (S3's and Blob
     * Storage's Content-MD5) say true; for the others it is not computed, MD5 being the slowest checksum.
     */
    default boolean wantsMd5() {
        return false;
    }

    /** Deletes the object; an absent object is not an error. */
    default void delete(String key) {
        delete(key, Precondition.none());
    }

    /**
     * Deletes the object only if it is still {@code expected}'s version ({@link Precondition#none()}: whatever it is,
     * and an absent object is not an error).
     *
     * @throws BlobStoreException       with {@link BlobStoreException#preconditionFailed()} when the key holds another
     *                                  version or nothing: nothing deleted
     * @throws IllegalArgumentException for {@link Precondition#absent()}, which leaves nothing to delete
     */
    void delete(String key, Precondition expected);

    /** Removes what an upload left behind, after a crash made it useless (best effort). */
    default void discard(String key, String resumeToken) {
        upload(key, 0, 1, null, resumeToken).abort();
    }

    @Override
    void close();

    /**
     * An object being read.
     *
     * @param advertised the object with the checksums the store vouches for at read time (which may be more
     *                   than its listing said, e.g. the SHA-256 in its metadata, or less, e.g. an S3 ETag
     *                   that turns out not to be an MD5)
     */
    record Reading(java.io.InputStream content, Blob advertised) implements AutoCloseable {
        @Override
        public void close() {
            try {
                content.close();
            } catch (java.io.IOException ignored) {
                // nothing more will be read from it
            }
        }
    }

    /**
     * A multipart upload in progress. Parts may be sent in any order and at once from several threads;
     * nothing is visible at the key until {@link #complete} returns.
     */
    interface Upload {

        /** What {@link BlobStore#upload} needs to resume this upload in another process; no secret in it. */
        String token();

        /**
         * Sends part {@code number} (from 1); every part but the last has the same length.
         *
         * @param md5 the part's MD5, which the store checks on receipt, when it {@link #wantsMd5() wants it}; else null
         * @return what {@link #complete} needs of this part (an S3 ETag…)
         */
        String putPart(int number, byte[] bytes, int length, byte[] md5);

        /**
         * Makes the parts the object, in one step, with the SHA-256 in its metadata; checks the store holds
         * exactly what was sent (size, and the checksum the store computes) before returning.
         *
         * @param tags what {@link #putPart} returned, by part number (index 0 is part 1)
         * @return the object as the store now holds it
         */
        default Blob complete(List<String> tags, Digests.Sums sums) {
            return complete(tags, sums, Precondition.none());
        }

        /**
         * {@link #complete(List, Digests.Sums)} only if the key still holds what {@code expected} says, checked in
         * the request that makes the object visible where the provider can.
         *
         * @throws BlobStoreException with {@link BlobStoreException#preconditionFailed()} when it does not: nothing
         *                            visible; {@link #abort()} removes the parts
         */
        Blob complete(List<String> tags, Digests.Sums sums, Precondition expected);

        /** Gives up: removes every part; nothing becomes visible. */
        void abort();
    }
}
