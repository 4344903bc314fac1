package io.baran.worker.replication.store;

import io.baran.worker.replication.Emulators;

/** The {@link BlobStoreConformance} suite on S3BlobStore, against its emulator. */
class S3BlobStoreIT extends BlobStoreConformance {

    @Override
    protected BlobStore newStore() {
        return Emulators.s3(Emulators.bucket("conf"));
    }

    @Override
    protected BlobStore missingBucket() {
        return new S3BlobStore("aws-test", "no-such-bucket", Emulators.s3Client());
    }
}
