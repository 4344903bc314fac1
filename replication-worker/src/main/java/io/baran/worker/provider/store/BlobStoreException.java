package io.baran.worker.provider.store;

/**
 * A store operation that failed, with a message naming the store, the operation, the key and the reason.
 * {@link #changed()} failures say the object was written again while being read: not an error of the
 * store, the next pass copies the new version.
 */
public class BlobStoreException extends RuntimeException {

    private final boolean changed;

    public BlobStoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private BlobStoreException(String message, Throwable cause, boolean changed) {
        super(message, cause);
        this.changed = changed;
    }

    public static BlobStoreException changed(String store, String key, String why) {
        return new BlobStoreException(
                store + ": " + key + " changed while being copied (" + why + "); the next pass copies it again",
                null,
                true);
    }

    public boolean changed() {
        return changed;
    }
}
