package io.baran.worker.provider;

import java.util.List;

/**
 * The object-store capability of one configured provider: buckets of objects addressed by key. A write is
 * never half-visible: readers see the old object or the new one.
 */
public interface ObjectStore {

    String name();

    ControlPlane controlPlane();

    /** The object, or {@link ObjectState#absent(String)}; fails (ProviderRejected) when the bucket does not exist. */
    ObjectState stat(String bucket, String key);

    /** Every object whose key starts with the prefix, in key order. */
    List<ObjectState> list(String bucket, String prefix);

    byte[] read(String bucket, String key);

    /** Creates or replaces the object; its SHA-256 is recorded so stores of any kind compare alike. */
    void write(String bucket, String key, byte[] content);

    /** Copies an object inside one bucket, content and checksum alike. */
    void copy(String bucket, String fromKey, String toKey);

    /** Deletes the object; deleting an absent object is not an error. */
    void delete(String bucket, String key);
}
