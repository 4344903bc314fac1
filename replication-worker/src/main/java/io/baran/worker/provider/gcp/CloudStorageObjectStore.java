package io.baran.worker.provider.gcp;

import com.google.cloud.storage.Storage;
import io.baran.worker.provider.BucketStore;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectNames;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BucketAddress;
import io.baran.worker.provider.store.ChangeFeed;
import io.baran.worker.provider.store.GcsBlobStore;
import io.baran.worker.provider.store.PubSubEventFeed;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Cloud Storage buckets of one {@code gcp} provider, through one google-cloud-storage client shared by all
 * of them (Application Default Credentials; none against an emulator named by {@code storage-endpoint}), and the
 * buckets' change notifications through Pub/Sub.
 */
public final class CloudStorageObjectStore extends BucketStore {

    /** Bucket metadata and object calls are served by Google's global front end, whatever the bucket's location. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("gcp/global", "storage", "Cloud Storage");

    /** {@code projects/<project>/subscriptions/<id>}, or a subscription id of the provider's project. */
    private static final Pattern SUBSCRIPTION =
            Pattern.compile("(projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/subscriptions/)?[A-Za-z][A-Za-z0-9._~+%-]{2,254}");

    private final Storage client;
    private final Optional<URI> endpoint;
    private final String project;
    private final Optional<URI> pubsubEndpoint;

    CloudStorageObjectStore(String name, String project, Optional<URI> endpoint, Optional<URI> pubsubEndpoint) {
        super(name, CONTROL_PLANE, "gs");
        this.client = GcsBlobStore.client(Optional.of(project), endpoint);
        this.endpoint = endpoint;
        this.project = project;
        this.pubsubEndpoint = pubsubEndpoint;
    }

    /**
     * The bucket's Pub/Sub notifications, pulled from the subscription of the topic they are published to
     * ({@code projects/<p>/subscriptions/<s>}, or a subscription id of the provider's project), at
     * {@code pubsub-endpoint} when it is set.
     */
    @Override
    public Optional<ChangeFeed> changes(String bucket, String subscription) {
        ObjectNames.require(name(), bucket, null);
        if (subscription == null || !SUBSCRIPTION.matcher(subscription).matches() || subscription.startsWith("goog")) {
            throw new IllegalArgumentException("Cloud Storage notifications of " + name() + ":gs://" + bucket
                    + " need the Pub/Sub "
                    + "subscription of the topic the bucket's notifications are published to (projects/" + project
                    + "/subscriptions/shop-assets-baran, or its id alone), not \"" + subscription + "\"");
        }
        String name = subscription.startsWith("projects/")
                ? subscription
                : "projects/" + project + "/subscriptions/" + subscription;
        return Optional.of(new PubSubEventFeed(name, bucket, pubsubEndpoint));
    }

    @Override
    public String address(String bucket) {
        return BucketAddress.gcs(endpoint, bucket);
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
