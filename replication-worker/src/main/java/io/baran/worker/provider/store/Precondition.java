package io.baran.worker.provider.store;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a write or a deletion expects to find at its key, checked by the store in the same request where the provider
 * can (S3 and Blob Storage {@code If-None-Match: *} / {@code If-Match}, Cloud Storage {@code ifGenerationMatch}): a
 * key left as it was listed, so nothing written there since is overwritten. A precondition that does not hold fails
 * the call with {@link BlobStoreException#preconditionFailed()}, changing nothing.
 *
 * @param version the {@link Blob#version()} expected, as the same store listed or returned it; null for
 *                {@link #absent()} and {@link #none()}
 */
public record Precondition(Kind kind, String version) {

    public enum Kind {
        /** Whatever the key holds, or nothing: the call is unconditional. */
        NONE,
        /** The key holds no object. */
        ABSENT,
        /** The key holds exactly {@link #version()}. */
        VERSION
    }

    private static final Precondition NONE = new Precondition(Kind.NONE, null);
    private static final Precondition ABSENT = new Precondition(Kind.ABSENT, null);

    public Precondition {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.VERSION) != (version != null && !version.isEmpty())) {
            throw new IllegalArgumentException("a version precondition, and only it, names a version: " + kind);
        }
    }

    public static Precondition none() {
        return NONE;
    }

    public static Precondition absent() {
        return ABSENT;
    }

    public static Precondition version(String version) {
        return new Precondition(Kind.VERSION, version);
    }

    /**
     * The precondition that holds while the key is as listed: {@code listed}'s version, or absent when null; none when
     * the listing gave the object no version.
     */
    public static Precondition asListed(Blob listed) {
        if (listed == null) {
            return absent();
        }
        // A store that lists no version for an object (an S3-compatible one without ETags) cannot be asked about it.
        return listed.version() == null || listed.version().isEmpty() ? none() : version(listed.version());
    }

    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /** Whether the key, holding {@code current} (null: nothing), is as expected. */
    public boolean holds(Blob current) {
        return switch (kind) {
            case NONE -> true;
            case ABSENT -> current == null;
            case VERSION -> current != null && version.equals(current.version());
        };
    }

    /** For messages: {@code absent}, {@code version 1718000000123} or {@code anything}. */
    public String describe() {
        return switch (kind) {
            case NONE -> "anything";
            case ABSENT -> "absent";
            case VERSION -> "version " + version;
        };
    }

    /**
     * Runs a request that carries this precondition to the provider; the provider's refusal of it becomes
     * {@link BlobStoreException#preconditionFailed()}.
     *
     * @param failure the provider's exception type
     * @param found   what the store found, from a refusal of the precondition (e.g. {@code nothing (HTTP 404 …)}); null
     *                for any other failure, which is thrown as it is
     */
    <T, E extends RuntimeException> T send(
            String store,
            String key,
            String outcome,
            Class<E> failure,
            Function<E, String> found,
            Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            String refusal = isNone() || !failure.isInstance(e) ? null : found.apply(failure.cast(e));
            if (refusal == null) {
                throw e;
            }
            throw BlobStoreException.preconditionFailed(store, key, outcome, this, refusal, e);
        }
    }

    /** A deletion expecting the key to be absent has nothing to delete: a caller's mistake. */
    void requireDeletable(String store, String key) {
        if (kind == Kind.ABSENT) {
            throw new IllegalArgumentException(store + ": deleting " + key + " on condition it is absent");
        }
    }
}
