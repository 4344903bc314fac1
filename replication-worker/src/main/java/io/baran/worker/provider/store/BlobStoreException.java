package io.baran.worker.provider.store;

/**
 * A store operation that failed, with a message naming the store, the operation, the key and the reason.
 * {@link #changed()} failures say the object was written again while being read: not an error of the
 * store, the next pass copies the new version. {@link #preconditionFailed()} failures say a conditional write
 * or deletion found the key no longer as expected ({@link Precondition}) and changed nothing.
 */
public class BlobStoreException extends RuntimeException {

    private enum Kind {
        FAILED,
        CHANGED,
        PRECONDITION_FAILED
    }

    private final Kind kind;

    public BlobStoreException(String message, Throwable cause) {
        this(message, cause, Kind.FAILED);
    }

    private BlobStoreException(String message, Throwable cause, Kind kind) {
        super(message, cause);
        this.kind = kind;
    }

    public static BlobStoreException changed(String store, String key, String why) {
        return new BlobStoreException(
                store + ": " + key + " changed while being copied (" + why + "); the next pass copies it again",
                null,
                Kind.CHANGED);
    }

    /**
     * A conditional write or deletion refused by the store, nothing changed.
     *
     * @param operation e.g. {@code written}, {@code deleted}
     * @param found     what the store said it found, e.g. {@code HTTP 412 PreconditionFailed}, {@code another version}
     */
    public static BlobStoreException preconditionFailed(
            String store, String key, String operation, Precondition expected, String found, Throwable cause) {
        return new BlobStoreException(
                store + ": " + key + " not " + operation + ": expected " + expected.describe() + ", found " + found,
                cause,
                Kind.PRECONDITION_FAILED);
    }

    public boolean changed() {
        return kind == Kind.CHANGED;
    }

    public boolean preconditionFailed() {
        return kind == Kind.PRECONDITION_FAILED;
    }
}
