package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.StorageSharedKeyCredentialPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PushConfig;
import io.baran.testinfra.AzuriteServer;
import io.baran.testinfra.FakeGcsServer;
import io.baran.testinfra.PubSubEmulator;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import io.baran.worker.provider.store.GcsBlobStore;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Change notifications of the cloud object stores, end to end with real components: fake-gcs-server publishing its
 * object events to Pub/Sub (Google's in-memory Pub/Sub, {@code infra/pubsub-emulator}) as Cloud Storage's Pub/Sub
 * notifications, and Event Grid's Blob Storage events in an Azurite storage queue (Azurite emits none: the test
 * writes the documented events, as Event Grid delivers them, after changing the blob). A notified change reaches the
 * replica with no pass run; its message is acknowledged (deleted) once the change is recorded; an unreadable message is
 * acknowledged and the feed goes on; deletions and changes no notification announced are the passes' to handle.
 */
@Timeout(180)
class CloudChangeNotificationsIT {

    private static final Duration SOON = Duration.ofSeconds(30);
    private static final String PROJECT = "baran-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PubSubEmulator pubsub;
    private static ManagedChannel channel;
    private static AzuriteServer queues;
    private static Copier copier;
    private final MutableClock clock = new MutableClock(Instant.now());

    @BeforeAll
    static void start() {
        pubsub = PubSubEmulator.start(WorkDirs.create("pubsub"));
        channel = ManagedChannelBuilder.forTarget(pubsub.host()).usePlaintext().build();
        queues = AzuriteServer.startQueueService(WorkDirs.create("azurite-queue"));
        copier = new Copier(4, 5 << 20, 4);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        copier.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        queues.close();
        pubsub.close();
    }

    @Test
    void cloudStorageChangesArriveThroughPubSubAndAreAcknowledgedOnceRecorded() throws Exception {
        String bucket = Emulators.bucket("gcs-events");
        String topic = "projects/" + PROJECT + "/topics/" + bucket;
        String subscription = "projects/" + PROJECT + "/subscriptions/" + bucket + "-baran";
        var channelProvider = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
        try (TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                        .setTransportChannelProvider(channelProvider)
                        .setCredentialsProvider(NoCredentialsProvider.create())
                        .build());
                SubscriptionAdminClient subscriptions =
                        SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                                .setTransportChannelProvider(channelProvider)
                                .setCredentialsProvider(NoCredentialsProvider.create())
                                .build())) {
            topics.createTopic(topic);
            subscriptions.createSubscription(subscription, topic, PushConfig.getDefaultInstance(), 10);
        }
        // Only keys under notified/ publish events: lost.txt below stands for a notification that never arrived.
        try (FakeGcsServer gcs = FakeGcsServer.startPublishingEvents(
                        WorkDirs.create("fake-gcs-events"), pubsub.host(), PROJECT, bucket, bucket, "notified/");
                Storage admin = GcsBlobStore.client(Optional.of(PROJECT), Optional.of(URI.create(gcs.endpoint())));
                Providers providers = Providers.connect(
                        List.of(new ProviderSettings(
                                "gcp-src",
                                "gcp",
                                "us-east-1",
                                Optional.empty(),
                                Map.of(
                                        "project",
                                        PROJECT,
                                        "storage-endpoint",
                                        gcs.endpoint(),
                                        "pubsub-endpoint",
                                        pubsub.endpoint()))),
                        ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE))) {
            admin.create(BucketInfo.of(bucket));
            ObjectStore store = providers.objects("gcp-src");
            BlobStore source = store.bucket(bucket);
            TestData.put(source, "notified/old.txt", "there before");
            BlobStore replica = Emulators.files(Emulators.bucket("from-gcs"));
            Replicator r = new Replicator(
                    "gcs-events",
                    Mode.MIRROR,
                    "",
                    Location.parse("gcp-src:gs://" + bucket),
                    source,
                    Location.parse("dr:file://b"),
                    replica,
                    Ledger.open(WorkDirs.create("ledger")),
                    copier,
                    clock);
            PassReport initial = r.pass();
            assertEquals("there before", TestData.text(replica, "notified/old.txt"));

            // The subscription's id alone names it in the provider's project.
            ChangeNotifications n = new ChangeNotifications(
                    "gcs-events",
                    Location.parse("gcp-src:gs://" + bucket),
                    List.of(r),
                    store.changes(bucket, bucket + "-baran").orElseThrow());
            try (n) {
                n.start();
                TestData.put(source, "notified/reports/q4 2026.csv", "quarter,4");
                awaitTrue(
                        () -> "quarter,4".equals(TestData.text(replica, "notified/reports/q4 2026.csv")),
                        "the new object at the replica");
                TestData.put(source, "notified/reports/q4 2026.csv", "quarter,4,revised");
                awaitTrue(
                        () -> "quarter,4,revised".equals(TestData.text(replica, "notified/reports/q4 2026.csv")),
                        "the changed object");
                String bigSha = TestData.putGenerated(source, "notified/exports/big.bin", (5L << 20) + 99, 7, 5 << 20);
                awaitTrue(() -> replica.stat("notified/exports/big.bin") != null, "the large object at the replica");
                assertEquals(bigSha, TestData.sha256(replica, "notified/exports/big.bin"));
                source.delete("notified/old.txt");

                publishUnreadable(topic);
                TestData.put(source, "notified/after.txt", "the feed goes on");
                awaitTrue(
                        () -> "the feed goes on".equals(TestData.text(replica, "notified/after.txt")),
                        "an object after the bad message");
                TestData.put(source, "lost.txt", "announced by no notification");

                // finalize x4, the overwritten generation's delete, the large object's finalize, delete, the bad
                // message, finalize
                awaitTrue(
                        () -> {
                            long[] counts = counts(pubsub.messages(), topic);
                            return counts[0] >= 8 && counts[1] == counts[0];
                        },
                        "every message acknowledged");
                awaitTrue(() -> n.recorded() >= 8, "the notifications counted as recorded");
                assertEquals(0, n.retried());
                assertSame(initial, r.lastPass(), "copied on notification: no pass ran");
                assertEquals(
                        "there before",
                        TestData.text(replica, "notified/old.txt"),
                        "a deletion waits for the pass and its guard");
                assertNull(TestData.text(replica, "lost.txt"));
            }

            PassReport pass = r.pass();
            assertEquals(
                    1,
                    pass.copiedObjects(),
                    "the pass copies the change no notification announced: " + pass.describe());
            assertEquals(1, pass.deletedObjects(), pass.describe());
            assertEquals("announced by no notification", TestData.text(replica, "lost.txt"));
            assertNull(TestData.text(replica, "notified/old.txt"));
            r.close();
        }
    }

    @Test
    void blobStorageChangesArriveThroughEventGridInAStorageQueueAndAreDeletedOnceRecorded() throws Exception {
        String container = Emulators.bucket("az-events");
        String queueName = container + "-events";
        URI queue = URI.create(queues.endpoint() + "/" + queueName);
        QueueRest rest = new QueueRest(queue);
        assertEquals(201, rest.send(HttpMethod.PUT, "", null), "Create Queue");
        Map<String, String> environment = Map.of("AZURITE_KEY", AzuriteServer.KEY);
        try (Providers providers = Providers.connect(
                List.of(new ProviderSettings(
                        "azure-src",
                        "azure",
                        "us-east-1",
                        Optional.empty(),
                        Map.of(
                                "subscription",
                                "00000000-0000-0000-0000-000000000000",
                                "resource-group",
                                "baran-test",
                                "storage-account",
                                AzuriteServer.ACCOUNT,
                                "storage-account-key-env",
                                "AZURITE_KEY",
                                "storage-endpoint",
                                Emulators.azurite().endpoint()))),
                new ProviderContext(Duration.ofSeconds(10), Heartbeat.NONE, environment::get))) {
            ObjectStore store = providers.objects("azure-src");
            Emulators.azure(container);
            BlobStore source = store.bucket(container);
            TestData.put(source, "old.txt", "there before");
            BlobStore replica = Emulators.files(Emulators.bucket("from-azure"));
            Replicator r = new Replicator(
                    "az-events",
                    Mode.MIRROR,
                    "",
                    Location.parse("azure-src:az://" + container),
                    source,
                    Location.parse("dr:file://b"),
                    replica,
                    Ledger.open(WorkDirs.create("ledger")),
                    copier,
                    clock);
            PassReport initial = r.pass();

            ChangeNotifications n = new ChangeNotifications(
                    "az-events",
                    Location.parse("azure-src:az://" + container),
                    List.of(r),
                    store.changes(container, queue.toString()).orElseThrow());
            try (n) {
                n.start();
                TestData.put(source, "reports/q4 2026.csv", "quarter,4");
                rest.put(eventGridSchema("Microsoft.Storage.BlobCreated", container, "reports/q4 2026.csv", "PutBlob"));
                awaitTrue(
                        () -> "quarter,4".equals(TestData.text(replica, "reports/q4 2026.csv")),
                        "the new blob at the replica");
                TestData.put(source, "reports/q4 2026.csv", "quarter,4,revised");
                rest.put(cloudEvent("Microsoft.Storage.BlobCreated", container, "reports/q4 2026.csv", "PutBlob"));
                awaitTrue(
                        () -> "quarter,4,revised".equals(TestData.text(replica, "reports/q4 2026.csv")),
                        "the changed blob");
                String bigSha = TestData.putGenerated(source, "exports/big.bin", (5L << 20) + 99, 7, 5 << 20);
                rest.put(
                        eventGridSchema("Microsoft.Storage.BlobCreated", container, "exports/big.bin", "PutBlockList"));
                awaitTrue(() -> replica.stat("exports/big.bin") != null, "the large blob at the replica");
                assertEquals(bigSha, TestData.sha256(replica, "exports/big.bin"));
                source.delete("old.txt");
                rest.put(eventGridSchema("Microsoft.Storage.BlobDeleted", container, "old.txt", "DeleteBlob"));

                rest.put(Base64.getEncoder().encodeToString("{not an event".getBytes(StandardCharsets.UTF_8)));
                TestData.put(source, "after.txt", "the feed goes on");
                rest.put(eventGridSchema("Microsoft.Storage.BlobCreated", container, "after.txt", "PutBlob"));
                awaitTrue(
                        () -> "the feed goes on".equals(TestData.text(replica, "after.txt")),
                        "a blob after the bad message");
                TestData.put(source, "lost.txt", "announced by no notification");

                awaitTrue(() -> rest.approximateMessages() == 0, "every message deleted from the queue");
                assertEquals(6, n.recorded(), "six messages, each recorded");
                assertEquals(0, n.retried());
                assertSame(initial, r.lastPass(), "copied on notification: no pass ran");
                assertEquals(
                        "there before",
                        TestData.text(replica, "old.txt"),
                        "a deletion waits for the pass and its guard");
                assertNull(TestData.text(replica, "lost.txt"));
            }

            PassReport pass = r.pass();
            assertEquals(
                    1,
                    pass.copiedObjects(),
                    "the pass copies the change no notification announced: " + pass.describe());
            assertEquals(1, pass.deletedObjects(), pass.describe());
            assertEquals("announced by no notification", TestData.text(replica, "lost.txt"));
            r.close();
        }
    }

    @Test
    void notificationSettingsThatNameNoSubscriptionOrQueueAreRefused() {
        Map<String, String> environment = Map.of("AZURITE_KEY", AzuriteServer.KEY);
        try (Providers providers = Providers.connect(
                List.of(
                        new ProviderSettings(
                                "gcp-src",
                                "gcp",
                                "us-east-1",
                                Optional.empty(),
                                Map.of(
                                        "project",
                                        PROJECT,
                                        "storage-endpoint",
                                        Emulators.gcs().endpoint(),
                                        "pubsub-endpoint",
                                        pubsub.endpoint())),
                        new ProviderSettings(
                                "azure-src",
                                "azure",
                                "us-east-1",
                                Optional.empty(),
                                Map.of(
                                        "subscription",
                                        "00000000-0000-0000-0000-000000000000",
                                        "resource-group",
                                        "baran-test",
                                        "storage-account",
                                        AzuriteServer.ACCOUNT,
                                        "storage-account-key-env",
                                        "AZURITE_KEY",
                                        "storage-endpoint",
                                        Emulators.azurite().endpoint()))),
                new ProviderContext(Duration.ofSeconds(10), Heartbeat.NONE, environment::get))) {
            String gcs = assertThrows(
                            IllegalArgumentException.class,
                            () -> providers
                                    .objects("gcp-src")
                                    .changes("shop-assets", "projects/baran-test/topics/shop-assets"))
                    .getMessage();
            assertTrue(gcs.contains("need the Pub/Sub subscription"), gcs);
            String az = assertThrows(
                            IllegalArgumentException.class,
                            () -> providers
                                    .objects("azure-src")
                                    .changes("shop-assets", "azure-queue:shop-assets-events"))
                    .getMessage();
            assertTrue(az.contains("give the queue's URL"), az);
            String bad = assertThrows(
                            IllegalArgumentException.class,
                            () -> providers.objects("azure-src").changes("shop-assets", "azure-queue:Shop_Assets"))
                    .getMessage();
            assertTrue(bad.contains("is not a queue name"), bad);
        }
    }

    /** A message that is no Cloud Storage notification (no attributes), as any publisher to the topic could send. */
    private void publishUnreadable(String topic) throws Exception {
        Publisher publisher = Publisher.newBuilder(topic)
                .setChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build();
        try {
            publisher
                    .publish(PubsubMessage.newBuilder()
                            .setData(ByteString.copyFromUtf8("{not a notification"))
                            .build())
                    .get(10, TimeUnit.SECONDS);
        } finally {
            publisher.shutdown();
            publisher.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** How many messages the emulator holds for the topic, and how many of them were acknowledged. */
    private static long[] counts(String messages, String topic) {
        try {
            long[] counts = new long[2];
            for (JsonNode m : JSON.readTree(messages)) {
                if (topic.equals(m.path("topic").asText())) {
                    counts[0]++;
                    counts[1] += m.path("acks").asInt() > 0 ? 1 : 0;
                }
            }
            return counts;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Blob Storage event in the Event Grid schema, as Event Grid writes it to a storage queue (base64 JSON). */
    private static String eventGridSchema(String type, String container, String key, String api) {
        Map<String, Object> event = Map.of(
                "topic",
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/baran-test/providers/Microsoft.Storage"
                        + "/storageAccounts/" + AzuriteServer.ACCOUNT,
                "subject",
                "/blobServices/default/containers/" + container + "/blobs/" + key,
                "eventType",
                type,
                "eventTime",
                Instant.now().toString(),
                "id",
                UUID.randomUUID().toString(),
                "data",
                data(type, container, key, api),
                "dataVersion",
                "",
                "metadataVersion",
                "1");
        return encode(event);
    }

    /** The same event in the CloudEvents 1.0 schema. */
    private static String cloudEvent(String type, String container, String key, String api) {
        Map<String, Object> event = Map.of(
                "source",
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/baran-test/providers/Microsoft.Storage"
                        + "/storageAccounts/" + AzuriteServer.ACCOUNT,
                "subject",
                "/blobServices/default/containers/" + container + "/blobs/" + key,
                "type",
                type,
                "time",
                Instant.now().toString(),
                "id",
                UUID.randomUUID().toString(),
                "data",
                data(type, container, key, api),
                "specversion",
                "1.0");
        return encode(event);
    }

    private static Map<String, Object> data(String type, String container, String key, String api) {
        String url = Emulators.azurite().endpoint() + "/" + container + "/" + key.replace(" ", "%20");
        return type.endsWith("BlobDeleted")
                ? Map.of(
                        "api",
                        api,
                        "requestId",
                        UUID.randomUUID().toString(),
                        "contentType",
                        "text/plain",
                        "blobType",
                        "BlockBlob",
                        "url",
                        url,
                        "sequencer",
                        "0000000000000000000000000000000000000000000000000000000000000001",
                        "storageDiagnostics",
                        Map.of("batchId", UUID.randomUUID().toString()))
                : Map.of(
                        "api",
                        api,
                        "clientRequestId",
                        UUID.randomUUID().toString(),
                        "requestId",
                        UUID.randomUUID().toString(),
                        "eTag",
                        "0x8D4BCC2E4835CD0",
                        "contentType",
                        "text/plain",
                        "contentLength",
                        9,
                        "blobType",
                        "BlockBlob",
                        "url",
                        url,
                        "sequencer",
                        "0000000000000000000000000000000000000000000000000000000000000002",
                        "storageDiagnostics",
                        Map.of("batchId", UUID.randomUUID().toString()));
    }

    private static String encode(Map<String, Object> event) {
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(event));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Queue service's REST API, signed with the development account's Shared Key, for what Event Grid does. */
    private static final class QueueRest {
        private final URI queue;
        private final HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(HttpClient.createDefault())
                .policies(new StorageSharedKeyCredentialPolicy(
                        new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.KEY)))
                .build();

        QueueRest(URI queue) {
            this.queue = queue;
        }

        int send(HttpMethod method, String pathAndQuery, String body) {
            try (HttpResponse response = pipeline.sendSync(request(method, pathAndQuery, body), Context.NONE)) {
                return response.getStatusCode();
            }
        }

        /** Put Message, as Event Grid delivers one event. */
        void put(String messageText) {
            int status = send(
                    HttpMethod.POST,
                    "/messages",
                    "<QueueMessage><MessageText>" + messageText + "</MessageText></QueueMessage>");
            assertEquals(201, status, "Put Message");
        }

        /** Get Queue Metadata's approximate count: messages not yet deleted, invisible ones included. */
        int approximateMessages() {
            try (HttpResponse response =
                    pipeline.sendSync(request(HttpMethod.GET, "?comp=metadata", null), Context.NONE)) {
                assertEquals(200, response.getStatusCode(), "Get Queue Metadata");
                return Integer.parseInt(response.getHeaderValue("x-ms-approximate-messages-count"));
            }
        }

        private HttpRequest request(HttpMethod method, String pathAndQuery, String body) {
            HttpRequest request = new HttpRequest(method, queue + pathAndQuery)
                    .setHeader("x-ms-version", "2021-12-02")
                    .setHeader(
                            "x-ms-date",
                            DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
            if (body != null) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                request.setHeader("Content-Type", "application/xml")
                        .setHeader("Content-Length", String.valueOf(bytes.length))
                        .setBody(bytes);
            } else {
                request.setHeader("Content-Length", "0");
            }
            return request;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (BlobStoreException e) {
                // read while the copy replaced the object: look again
            }
            Thread.sleep(100);
        }
        fail("not within " + SOON.toSeconds() + " s: " + what);
    }
}
