package io.baran.worker.provider.store;

import io.baran.worker.replication.Emulators;

/** The {@link BlobStoreConformance} suite on AzureBlobStore, against its emulator. */
class AzureBlobStoreIT extends BlobStoreConformance {

    @Override
    protected BlobStore newStore() {
        return Emulators.azure(Emulators.bucket("conf"));
    }

    @Override
    protected BlobStore missingBucket() {
        return new AzureBlobStore("azure-test", AzureBlobStore.container(Emulators.azurite().endpoint(),
                io.baran.worker.replication.AzuriteServer.ACCOUNT, io.baran.worker.replication.AzuriteServer.KEY, "no-such-container"));
    }
}
