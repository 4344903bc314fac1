package io.baran.worker.provider.store;

import io.baran.worker.replication.Emulators;

/** The {@link BlobStoreConformance} suite on GcsBlobStore, against its emulator. */
class GcsBlobStoreIT extends BlobStoreConformance {

    @Override
    protected BlobStore newStore() {
        return Emulators.gcs(Emulators.bucket("conf"));
    }

    @Override
    protected BlobStore missingBucket() {
        return new GcsBlobStore("gcp-test", "no-such-bucket", Emulators.gcsClient());
    }
}
