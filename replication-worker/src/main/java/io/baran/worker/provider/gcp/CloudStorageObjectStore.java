package io.baran.worker.provider.gcp;

import com.google.cloud.storage.Storage;
import io.baran.worker.provider.BucketStore;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.GcsBlobStore;

import java.net.URI;
import java.util.Optional;

/**
 * The Cloud Storage buckets of one {@code gcp} provider, through one google-cloud-storage client shared by all
 * of them (Application Default Credentials; none against an emulator named by {@code storage-endpoint}).
 */
public final class CloudStorageObjectStore extends BucketStore {

    /** Bucket metadata and object calls are served by Google's global front end, whatever the bucket's location. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("gcp/global", "storage", "Cloud Storage");

    private final Storage client;

    CloudStorageObjectStore(String name, String project, Optional<URI> endpoint) {
        super(name, CONTROL_PLANE, "gs");
        this.client = GcsBlobStore.client(Optional.of(project), endpoint);
    }

    @Override
    protected BlobStore open(String bucket) {
        return new GcsBlobStore(name(), bucket, client);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // Closing happens at shutdown; nothing is left to lose.
        }
    }
}
