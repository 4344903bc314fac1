package io.baran.worker.provider.azure;

import io.baran.worker.provider.BucketStore;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.store.AzureBlobStore;
import io.baran.worker.provider.store.BlobStore;

/**
 * The Blob Storage containers of one storage account of an {@code azure} provider, with the account's Shared
 * Key read from the environment variable {@code storage-account-key-env} names.
 */
public final class BlobStorageObjectStore extends BucketStore {

    /** The account's region is not configured; Blob Storage calls go to the account's own endpoint. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("azure/global", "blob", "Blob Storage");

    private final String endpoint;
    private final String account;
    private final String key;

    /**
     * @param endpoint the account's blob endpoint, e.g. {@code https://shopdr.blob.core.windows.net} or Azurite's
     *                 {@code http://127.0.0.1:10000/devstoreaccount1}
     */
    BlobStorageObjectStore(String name, String endpoint, String account, String key) {
        super(name, CONTROL_PLANE, "az");
        this.endpoint = endpoint;
        this.account = account;
        this.key = key;
    }

    @Override
    protected BlobStore open(String container) {
        return new AzureBlobStore(name(), AzureBlobStore.container(endpoint, account, key, container));
    }

    @Override
    public void close() {
        // each container's client is released with it
    }
}
