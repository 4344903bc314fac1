package io.baran.worker.provider;

import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.ChangeFeed;
import java.util.Optional;

/**
 * The object-store capability of one configured provider: it hands out its buckets (containers,
 * directories) as {@link BlobStore}s, the one object interface of the worker — listed page by page, read and
 * written as streams, a write never half-visible. Replication opens its locations through it.
 */
public interface ObjectStore extends AutoCloseable {

    String name();

    /** Where the store's API is served from. */
    ControlPlane controlPlane();

    /** The location scheme its buckets answer to: {@code s3}, {@code gs}, {@code az} or {@code file}. */
    String scheme();

    /**
     * One bucket of the store. Refuses a name no store accepts (InvalidInput, naming it) before any call;
     * a bucket that does not exist fails at its first use, never reads as empty.
     */
    BlobStore bucket(String bucket);

    /**
     * Where the bucket's objects live ({@link io.baran.worker.provider.store.BucketAddress}): the same text for
     * every store that reaches that bucket, whatever its name. Makes no call.
     */
    String address(String bucket);

    /**
     * Change notifications of one bucket, where the store offers them (empty where it does not): they let
     * replication copy a change soon after it is made instead of at the next pass.
     *
     * @param channel where the store delivers them, when it must be named (S3: the URL of the SQS queue the bucket's
     *                event notifications go to); null otherwise
     * @throws IllegalArgumentException when the channel is missing or not one the store can read, saying why
     */
    default Optional<ChangeFeed> changes(String bucket, String channel) {
        return Optional.empty();
    }

    /** Releases the store's clients; the buckets it handed out are unusable after. */
    @Override
    void close();
}
