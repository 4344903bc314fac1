package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.store.BlobStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Change notifications where the source offers them: a file-system provider's directory watched by the operating
 * system, and an S3 bucket (moto) delivering its event notifications to an SQS queue. A notified change is copied
 * without a pass; deletions and missed notifications are the passes' to handle.
 */
@Timeout(120)
class ChangeNotificationsIT {

    private static final Duration SOON = Duration.ofSeconds(30);
    private static Path root;
    private static Providers providers;
    private static Copier copier;
    private final MutableClock clock = new MutableClock(Instant.now());

    @BeforeAll
    static void connect() {
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
        root = WorkDirs.create("watched");
        providers = Providers.connect(
                List.of(
                        new ProviderSettings(
                                "nas", "filesystem", "us-east-1", Optional.empty(), Map.of("root", root.toString())),
                        new ProviderSettings(
                                "aws-main",
                                "aws",
                                "us-east-1",
                                Optional.of(URI.create(Emulators.moto().endpoint())))),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE));
        copier = new Copier(4, 5 << 20, 4);
    }

    @AfterAll
    static void close() {
        copier.close();
        providers.close();
    }

    @Test
    void aFileWrittenInAWatchedDirectoryIsCopiedWithoutAPassAndDeletionsWaitForThePass() throws Exception {
        ObjectStore nas = providers.objects("nas");
        Path dir = Files.createDirectories(root.resolve("drop"));
        Files.writeString(dir.resolve("old.txt"), "there before");
        BlobStore replica = Emulators.files(Emulators.bucket("copy"));
        Replicator r = new Replicator(
                "drop",
                Mode.MIRROR,
                "",
                Location.parse("nas:file://drop"),
                nas.bucket("drop"),
                Location.parse("dr:file://copy"),
                replica,
                Ledger.open(WorkDirs.create("ledger")),
                copier,
                clock);
        PassReport initial = r.pass();
        try (ChangeNotifications n = new ChangeNotifications(
                "drop",
                Location.parse("nas:file://drop"),
                List.of(r),
                nas.changes("drop", null).orElseThrow())) {
            n.start();

            Files.delete(dir.resolve("old.txt"));
            Files.createDirectories(dir.resolve("reports/2026"));
            Files.writeString(dir.resolve("reports/2026/q4.csv"), "quarter,4");
            awaitTrue(
                    () -> "quarter,4".equals(TestData.text(replica, "reports/2026/q4.csv")),
                    "the new file at the replica");

            assertSame(initial, r.lastPass(), "copied on notification: no pass ran");
            assertEquals(
                    "there before", TestData.text(replica, "old.txt"), "a deletion waits for the pass and its guard");
            Files.writeString(dir.resolve("reports/2026/q4.csv"), "quarter,4,revised");
            awaitTrue(
                    () -> "quarter,4,revised".equals(TestData.text(replica, "reports/2026/q4.csv")),
                    "the changed file");
        }

        Files.writeString(dir.resolve("missed.txt"), "written while nothing watched");
        PassReport pass = r.pass();
        assertEquals(
                1, pass.copiedObjects(), "the pass catches the change no notification announced: " + pass.describe());
        assertEquals(1, pass.deletedObjects(), pass.describe());
        assertEquals(null, TestData.text(replica, "old.txt"));
        r.close();
    }

    @Test
    void anS3ObjectWrittenIsCopiedOnItsEventNotificationThroughSqs() throws Exception {
        String bucket = Emulators.bucket("events");
        Emulators.s3Client().createBucket(b -> b.bucket(bucket));
        try (SqsClient sqs = SqsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(Emulators.moto().endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            String queue = sqs.createQueue(b -> b.queueName(bucket + "-events")).queueUrl();
            String arn = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            Emulators.s3Client()
                    .putBucketNotificationConfiguration(b -> b.bucket(bucket)
                            .notificationConfiguration(c -> c.queueConfigurations(
                                    q -> q.queueArn(arn).events(Event.S3_OBJECT_CREATED, Event.S3_OBJECT_REMOVED))));
            ObjectStore s3 = providers.objects("aws-main");
            BlobStore source = s3.bucket(bucket);
            BlobStore replica = Emulators.files(Emulators.bucket("from-s3"));
            Replicator r = new Replicator(
                    "events",
                    Mode.MIRROR,
                    "",
                    Location.parse("aws-main:s3://" + bucket),
                    source,
                    Location.parse("dr:file://b"),
                    replica,
                    Ledger.open(WorkDirs.create("ledger")),
                    copier,
                    clock);
            PassReport initial = r.pass();
            try (ChangeNotifications n = new ChangeNotifications(
                    "events",
                    Location.parse("aws-main:s3://" + bucket),
                    List.of(r),
                    s3.changes(bucket, queue).orElseThrow())) {
                n.start();

                TestData.put(source, "orders/41 and 42.json", "{\"orders\":[41,42]}");
                String bigSha = TestData.putGenerated(source, "exports/big.bin", (5L << 20) + 99, 7, 5 << 20);
                awaitTrue(
                        () -> TestData.text(replica, "orders/41 and 42.json") != null
                                && replica.stat("exports/big.bin") != null,
                        "both objects at the replica");

                assertSame(initial, r.lastPass(), "copied on notification: no pass ran");
                assertEquals("{\"orders\":[41,42]}", TestData.text(replica, "orders/41 and 42.json"));
                assertEquals(bigSha, TestData.sha256(replica, "exports/big.bin"));
            }
            assertEquals(0, r.pass().copiedObjects(), "the pass finds them copied");
            r.close();
        }
    }

    /** A message received again (not settled within its visibility timeout) names itself as the first delivery did. */
    @Test
    void anSqsMessageDeliveredAgainHasTheSameId() throws Exception {
        String bucket = Emulators.bucket("again");
        try (SqsClient sqs = SqsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(Emulators.moto().endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            String queue = sqs.createQueue(b -> b.queueName(bucket + "-events")
                            .attributes(java.util.Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1")))
                    .queueUrl();
            sqs.sendMessage(b -> b.queueUrl(queue)
                    .messageBody("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\""
                            + bucket + "\"},\"object\":{\"key\":\"a.txt\"}}}]}"));
            java.util.Queue<String> deliveries = new java.util.concurrent.ConcurrentLinkedQueue<>();
            try (var feed = new io.baran.worker.provider.store.SqsEventFeed(sqs, queue, bucket)) {
                feed.start((keys, settlement) -> deliveries.add(keys + " " + settlement.message()));
                awaitTrue(() -> deliveries.size() >= 2, "the message delivered twice");
            }
            List<String> two = List.copyOf(deliveries).subList(0, 2);
            assertEquals(two.get(0), two.get(1));
            org.junit.jupiter.api.Assertions.assertTrue(two.get(0).startsWith("[a.txt] "), two.get(0));
            org.junit.jupiter.api.Assertions.assertFalse(two.get(0).endsWith(" null"), two.get(0));
        }
    }

    @Test
    void aQueueThatIsNotAnSqsQueueUrlIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> providers.objects("aws-main").changes("shop-assets", "shop-assets-events"));
        assertNotNull(e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("URL of the SQS queue"), e.getMessage());
    }

    /** Waits up to 30 s for the condition; a read of the replica that races a copy writing it is read again. */
    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (io.baran.worker.provider.store.BlobStoreException racing) {
                // The test read the replica while the notified copy was writing it: read again.
            }
            Thread.sleep(100);
        }
        fail("no " + what + " within " + SOON.toSeconds() + " s");
    }
}
