package io.baran.worker.provider.selfmanaged;

import io.baran.worker.provider.BucketStore;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectNames;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BucketAddress;
import io.baran.worker.provider.store.ChangeFeed;
import io.baran.worker.provider.store.DirectoryWatch;
import io.baran.worker.provider.store.FileBlobStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Objects as files under a root the worker mounts: a bucket is a directory under the root, a key a relative
 * path in it (see {@link FileBlobStore} for how writes stay atomic).
 */
public final class FileSystemObjectStore extends BucketStore {

    private final Path root;

    public FileSystemObjectStore(String name, Path root, ControlPlane controlPlane) {
        super(name, controlPlane, "file");
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String address(String bucket) {
        return BucketAddress.file(root, bucket);
    }

    @Override
    protected BlobStore open(String bucket) {
        return new FileBlobStore(name(), root, bucket);
    }

    /** The operating system's notifications of changes in the bucket directory ({@code channel} is not used). */
    @Override
    public Optional<ChangeFeed> changes(String bucket, String channel) {
        ObjectNames.require(name(), bucket, null);
        return Optional.of(new DirectoryWatch(root.resolve(bucket)));
    }

    @Override
    public void close() {
        // nothing held open
    }
}
