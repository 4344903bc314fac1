package io.baran.worker.provider.store;

import com.google.api.core.ApiService;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.pubsub.v1.PubsubMessage;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Cloud Storage's Pub/Sub notifications of one bucket, pulled from the subscription of the topic the bucket's
 * notification configuration publishes to (streaming pull, google-cloud-pubsub). The key and the kind of change are
 * read from the message's attributes ({@code eventType}, {@code bucketId}, {@code objectId}), whatever its payload
 * format. A message is acknowledged once the change it announces is recorded at every replica; one whose change was
 * not is nacked (delivered again); one that is not a notification of the bucket is acknowledged and left out.
 * While the subscription cannot be read (missing, not allowed, unreachable) the feed says so and tries again every
 * few seconds; the passes carry the changes meanwhile.
 */
public final class PubSubEventFeed implements ChangeFeed {

    private static final Logger LOG = Logger.getLogger(PubSubEventFeed.class);
    /** The events that change an object's content or remove its live version; metadata updates are not replicated. */
    private static final Set<String> CHANGES = Set.of("OBJECT_FINALIZE", "OBJECT_DELETE", "OBJECT_ARCHIVE");

    private static final Duration RETRY = Duration.ofSeconds(5);

    private final String subscription;
    private final String bucket;
    private final Optional<URI> endpoint;
    private final ScheduledExecutorService restarts;
    private volatile boolean running = true;
    private Subscriber subscriber;
    private ManagedChannel channel;

    /**
     * @param subscription {@code projects/<project>/subscriptions/<id>}
     * @param endpoint     an emulator's {@code http://host:port} (plaintext, no credentials), or another {@code https://}
     *                     endpoint of the service (Application Default Credentials); Google's global endpoint when empty
     */
    public PubSubEventFeed(String subscription, String bucket, Optional<URI> endpoint) {
        this.subscription = subscription;
        this.bucket = bucket;
        this.endpoint = endpoint;
        this.restarts = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "baran-pubsub-" + bucket);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized void start(Receiver receiver) {
        subscribe(receiver);
    }

    private synchronized void subscribe(Receiver receiver) {
        if (!running) {
            return;
        }
        Subscriber.Builder builder = Subscriber.newBuilder(
                        subscription,
                        (PubsubMessage m, AckReplyConsumer reply) -> receiver.changed(
                                keys(m.getMessageId(), m.getAttributesMap(), bucket), new Settlement() {
                                    @Override
                                    public void recorded() {
                                        reply.ack();
                                    }

                                    @Override
                                    public void retry() {
                                        reply.nack();
                                    }
                                }))
                .setParallelPullCount(1)
                .setFlowControlSettings(FlowControlSettings.newBuilder()
                        .setMaxOutstandingElementCount(1_000L)
                        .build());
        endpoint.ifPresent(e -> {
            String target =
                    e.getHost() + ":" + (e.getPort() > 0 ? e.getPort() : "https".equals(e.getScheme()) ? 443 : 80);
            if ("http".equals(e.getScheme())) {
                if (channel == null) {
                    channel = ManagedChannelBuilder.forTarget(target)
                            .usePlaintext()
                            .build();
                }
                builder.setChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
                        .setCredentialsProvider(NoCredentialsProvider.create());
            } else {
                builder.setEndpoint(target);
            }
        });
        Subscriber s = builder.build();
        s.addListener(
                new ApiService.Listener() {
                    @Override
                    public void failed(ApiService.State from, Throwable failure) {
                        if (!running) {
                            return;
                        }
                        LOG.warnf(
                                "Pub/Sub notifications of %s from %s: %s; changes wait for the next pass meanwhile, trying again in %ds",
                                bucket, subscription, failure.getMessage(), RETRY.toSeconds());
                        restarts.schedule(() -> subscribe(receiver), RETRY.toMillis(), TimeUnit.MILLISECONDS);
                    }
                },
                MoreExecutors.directExecutor());
        subscriber = s;
        s.startAsync();
    }

    /**
     * The key of the bucket a Cloud Storage notification names, from its attributes; none for other buckets, for
     * metadata updates, and for a message that is not a notification (logged).
     */
    static List<String> keys(String messageId, Map<String, String> attributes, String bucket) {
        String type = attributes.get("eventType");
        String bucketId = attributes.get("bucketId");
        String key = attributes.get("objectId");
        if (type == null || bucketId == null || key == null || key.isEmpty()) {
            LOG.warnf(
                    "Pub/Sub notifications of %s: message %s is not a Cloud Storage notification (no eventType, bucketId or "
                            + "objectId attribute); ignored",
                    bucket, messageId);
            return List.of();
        }
        if (!bucket.equals(bucketId)
                || !CHANGES.contains(type)
                || key.startsWith(BlobStore.TEMPORARY)
                || key.contains("/" + BlobStore.TEMPORARY)) {
            return List.of();
        }
        return List.of(key);
    }

    @Override
    public String describe() {
        return "Pub/Sub notifications of " + bucket + " from " + subscription
                + endpoint.map(e -> " at " + e).orElse("");
    }

    @Override
    public synchronized void close() {
        running = false;
        restarts.shutdownNow();
        if (subscriber != null) {
            try {
                subscriber.stopAsync().awaitTerminated(10, TimeUnit.SECONDS);
            } catch (TimeoutException | IllegalStateException e) {
                // stopping at shutdown: messages not acknowledged are delivered again
            }
        }
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
