package io.baran.worker.provider;

import io.baran.worker.provider.store.BlobStore;

/**
 * What every {@link ObjectStore} does alike: its name, control plane and scheme, and checking a bucket name
 * (InvalidInput, before any call) before the store opens the bucket its own way.
 */
public abstract class BucketStore implements ObjectStore {

    private final String name;
    private final ControlPlane controlPlane;
    private final String scheme;

    protected BucketStore(String name, ControlPlane controlPlane, String scheme) {
        this.name = name;
        this.controlPlane = controlPlane;
        this.scheme = scheme;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final ControlPlane controlPlane() {
        return controlPlane;
    }

    @Override
    public final String scheme() {
        return scheme;
    }

    @Override
    public final BlobStore bucket(String bucket) {
        ObjectNames.require(name, bucket, null);
        return open(bucket);
    }

    /** The bucket, its name already checked. */
    protected abstract BlobStore open(String bucket);
}
