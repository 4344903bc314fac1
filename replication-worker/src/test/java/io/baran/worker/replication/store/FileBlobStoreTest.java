package io.baran.worker.replication.store;

import io.baran.testinfra.WorkDirs;
import io.baran.worker.replication.Emulators;

/** The {@link BlobStoreConformance} suite on the file system. */
class FileBlobStoreTest extends BlobStoreConformance {

    @Override
    protected BlobStore newStore() {
        return Emulators.files(Emulators.bucket("conf"));
    }

    @Override
    protected BlobStore missingBucket() {
        return new FileBlobStore("files-test", WorkDirs.create("files"), "no-such-bucket");
    }
}
