package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Lists a pair's locations: each object by its key relative to the location, only those under the pair's filter. */
final class Listings {

    /** Lists replicas while their sources are listed; daemon threads, created as needed, gone when idle. */
    private static final ExecutorService REPLICAS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baran-replication-list");
        t.setDaemon(true);
        return t;
    });

    /** Both sides' objects, by relative key. */
    record Both(Map<String, Blob> source, Map<String, Blob> replica) {}

    private Listings() {}

    /**
     * Lists both sides at once: a listing of many pages is a good part of a pass that finds little to copy.
     *
     * @throws RuntimeException when either side cannot be listed (an unreachable store is never an empty one)
     */
    static Both both(BlobStore source, Location sourceAt, BlobStore replica, Location replicaAt, String filter)
            throws InterruptedException {
        CompletableFuture<Map<String, Blob>> replicaListing =
                CompletableFuture.supplyAsync(() -> list(replica, replicaAt, filter), REPLICAS);
        Map<String, Blob> src = list(source, sourceAt, filter);
        try {
            return new Both(src, replicaListing.get());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Lists a location's objects by key relative to it, keeping only those starting with the filter. */
    static Map<String, Blob> list(BlobStore store, Location at, String filter) {
        Map<String, Blob> found = new HashMap<>();
        store.list(at.key(filter), b -> {
            String relative = at.relative(b.key());
            if (relative != null && !relative.isEmpty()) {
                found.put(relative, b);
            }
        });
        return found;
    }
}
