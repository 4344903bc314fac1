package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A store that runs a set action once, right after its next listing returns: a write landing between a pass's (or
 * failback's) listing and what it then does.
 */
final class ListingHook extends ForwardingStore {

    private final AtomicReference<Runnable> afterListing = new AtomicReference<>();

    ListingHook(BlobStore inner) {
        super(inner);
    }

    /** Runs {@code action} once, after the next listing. */
    void afterNextListing(Runnable action) {
        afterListing.set(action);
    }

    /** Whether the action set has run. */
    boolean ran() {
        return afterListing.get() == null;
    }

    @Override
    public void list(String prefix, Consumer<Blob> each) {
        inner.list(prefix, each);
        Runnable action = afterListing.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }
}
