package io.baran.worker.provider.azure;

import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectNames;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.store.AzureBlobStore;
import io.baran.worker.provider.store.BlobStore;

/**
 * The Blob Storage containers of one storage account of an {@code azure} provider, with the account's Shared
 * Key read from the environment variable {@code storage-account-key-env} names.
 */
public final class BlobStorageObjectStore implements ObjectStore {

    /** The account's region is not configured; Blob Storage calls go to the account's own endpoint. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("azure/global", "blob", "Blob Storage");

    private final String name;
    private final String endpoint;
    private final String account;
    private final String key;

    /**
     * @param endpoint the account's blob endpoint, e.g. {@code https://shopdr.blob.core.windows.net} or Azurite's
     *                 {@code http://127.0.0.1:10000/devstoreaccount1}
     */
    BlobStorageObjectStore(String name, String endpoint, String account, String key) {
        this.name = name;
        this.endpoint = endpoint;
        this.account = account;
        this.key = key;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane() {
        return CONTROL_PLANE;
    }

    @Override
    public String scheme() {
        return "az";
    }

    @Override
    public BlobStore bucket(String container) {
        ObjectNames.require(name, container, null);
        return new AzureBlobStore(name, AzureBlobStore.container(endpoint, account, key, container));
    }

    @Override
    public void close() {
        // each container's client is released with it
    }
}
