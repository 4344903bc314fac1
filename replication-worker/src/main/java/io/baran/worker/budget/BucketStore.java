package io.baran.worker.budget;

import java.time.Duration;

/**
 * Where the token buckets live: in this process ({@link LocalBuckets}) or in a database every worker replica
 * shares ({@link PostgresBuckets}). A bucket is created full the first time it is named.
 */
public interface BucketStore extends AutoCloseable {

    /**
     * Takes one token from the bucket if it holds one.
     *
     * @return {@link Duration#ZERO} when a token was taken, otherwise how long until the next one is due
     */
    Duration tryTake(String bucket, Limit limit);

    /** Where the buckets are, for the start-up log. */
    String describe();

    @Override
    default void close() {}
}
