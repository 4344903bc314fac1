package io.baran.worker.provider.store;

import java.util.function.Consumer;

/**
 * Change notifications of one bucket, where its store offers them: the keys written or removed there, soon after.
 * Best effort by nature (a notification can be late, doubled or lost, and none come while the feed is down), so
 * it only ever speeds up what the periodic list-and-compare passes would do anyway.
 */
public interface ChangeFeed extends AutoCloseable {

    /**
     * Starts delivering: {@code changed} receives each changed key (a full key inside the bucket), from the
     * feed's own thread, until {@link #close()}.
     */
    void start(Consumer<String> changed);

    /** e.g. {@code watching /srv/objects/assets}, for logs. */
    String describe();

    @Override
    void close();
}
