package io.baran.worker.provider.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading Cloud Storage's Pub/Sub notifications (attributes as documented for payload format JSON_API_V1) and Event
 * Grid's Blob Storage events as a storage queue holds them (base64 JSON; Event Grid schema and CloudEvents 1.0).
 */
class CloudEventFeedsTest {

    private static Map<String, String> gcs(String type, String bucket, String key) {
        return Map.of(
                "eventType",
                type,
                "bucketId",
                bucket,
                "objectId",
                key,
                "objectGeneration",
                "1700000000000001",
                "eventTime",
                "2026-12-02T10:00:00.000Z",
                "payloadFormat",
                "JSON_API_V1",
                "notificationConfig",
                "projects/_/buckets/" + bucket + "/notificationConfigs/1");
    }

    @Test
    void cloudStorageWritesDeletionsAndArchivesNameTheirObject() {
        assertEquals(
                List.of("img/a b.png"),
                PubSubEventFeed.keys("1", gcs("OBJECT_FINALIZE", "shop", "img/a b.png"), "shop"));
        assertEquals(List.of("x"), PubSubEventFeed.keys("2", gcs("OBJECT_DELETE", "shop", "x"), "shop"));
        assertEquals(List.of("x"), PubSubEventFeed.keys("3", gcs("OBJECT_ARCHIVE", "shop", "x"), "shop"));
    }

    @Test
    void cloudStorageMetadataUpdatesOtherBucketsBaransUploadsAndNonsenseNameNoObject() {
        assertEquals(List.of(), PubSubEventFeed.keys("1", gcs("OBJECT_METADATA_UPDATE", "shop", "x"), "shop"));
        assertEquals(List.of(), PubSubEventFeed.keys("2", gcs("OBJECT_FINALIZE", "other", "x"), "shop"));
        assertEquals(
                List.of(), PubSubEventFeed.keys("3", gcs("OBJECT_FINALIZE", "shop", "dr/.baran-tmp/1234/1"), "shop"));
        assertEquals(
                List.of(),
                PubSubEventFeed.keys("4", Map.of("eventType", "OBJECT_FINALIZE", "bucketId", "shop"), "shop"));
        assertEquals(List.of(), PubSubEventFeed.keys("5", Map.of(), "shop"));
    }

    private static String blobEvent(boolean cloudEvents, String type, String account, String container, String key) {
        String source =
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dr/providers/Microsoft.Storage/storageAccounts/"
                        + account;
        String data =
                "{\"api\":\"PutBlob\",\"eTag\":\"0x8D4BCC2E4835CD0\",\"contentType\":\"text/plain\",\"contentLength\":5,"
                        + "\"blobType\":\"BlockBlob\",\"url\":\"https://" + account + ".blob.core.windows.net/"
                        + container + "/" + key + "\","
                        + "\"sequencer\":\"00000000000004420000000000028963\"}";
        String subject = "/blobServices/default/containers/" + container + "/blobs/" + key;
        String json = cloudEvents
                ? "{\"source\":\"" + source + "\",\"subject\":\"" + subject + "\",\"type\":\"" + type
                        + "\",\"time\":\"2026-12-02T10:00:00Z\"," + "\"id\":\"1\",\"data\":" + data
                        + ",\"specversion\":\"1.0\"}"
                : "{\"topic\":\"" + source + "\",\"subject\":\"" + subject + "\",\"eventType\":\"" + type
                        + "\",\"eventTime\":" + "\"2026-12-02T10:00:00Z\",\"id\":\"1\",\"data\":" + data
                        + ",\"dataVersion\":\"\",\"metadataVersion\":\"1\"}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void blobCreatedAndDeletedNameTheirBlobInEitherSchema() {
        assertEquals(
                List.of("img/logo.svg"),
                StorageQueueEventFeed.keys(
                        blobEvent(false, "Microsoft.Storage.BlobCreated", "shopdr", "assets", "img/logo.svg"),
                        "shopdr",
                        "assets"));
        assertEquals(
                List.of("img/logo.svg"),
                StorageQueueEventFeed.keys(
                        blobEvent(true, "Microsoft.Storage.BlobDeleted", "shopdr", "assets", "img/logo.svg"),
                        "shopdr",
                        "assets"));
    }

    @Test
    void otherContainersAccountsEventTypesBaransUploadsAndNonsenseNameNoBlob() {
        assertEquals(
                List.of(),
                StorageQueueEventFeed.keys(
                        blobEvent(false, "Microsoft.Storage.BlobCreated", "shopdr", "other", "x"), "shopdr", "assets"));
        assertEquals(
                List.of(),
                StorageQueueEventFeed.keys(
                        blobEvent(false, "Microsoft.Storage.BlobCreated", "another", "assets", "x"),
                        "shopdr",
                        "assets"));
        assertEquals(
                List.of(),
                StorageQueueEventFeed.keys(
                        blobEvent(false, "Microsoft.Storage.BlobTierChanged", "shopdr", "assets", "x"),
                        "shopdr",
                        "assets"));
        assertEquals(
                List.of(),
                StorageQueueEventFeed.keys(
                        blobEvent(true, "Microsoft.Storage.BlobCreated", "shopdr", "assets", "dr/.baran-tmp/1"),
                        "shopdr",
                        "assets"));
        assertEquals(
                List.of(),
                StorageQueueEventFeed.keys(
                        Base64.getEncoder().encodeToString("{not json".getBytes(StandardCharsets.UTF_8)),
                        "shopdr",
                        "assets"));
        assertEquals(List.of(), StorageQueueEventFeed.keys("{\"hello\":\"world\"}", "shopdr", "assets"));
    }

    @Test
    void getMessagesAnswersAreReadAsTheQueueServiceWritesThem() {
        String xml =
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>5974b586-0df3-4e2d-ad0c-18e3892bfca2"
                        + "</MessageId><InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime><ExpirationTime>Fri, 16 Oct 2009 21:04:30 GMT"
                        + "</ExpirationTime><PopReceipt>YzQ4Yzg1MDItYTc0Ny00OWNjLTkxYTUtZGM0MDFiZDAwYzEw</PopReceipt><TimeNextVisible>Fri, 09 Oct "
                        + "2009 23:29:20 GMT</TimeNextVisible><DequeueCount>2</DequeueCount><MessageText>aGVsbG8=</MessageText></QueueMessage>"
                        + "</QueueMessagesList>";

        assertEquals(
                List.of(new StorageQueueEventFeed.Message(
                        "5974b586-0df3-4e2d-ad0c-18e3892bfca2",
                        "YzQ4Yzg1MDItYTc0Ny00OWNjLTkxYTUtZGM0MDFiZDAwYzEw",
                        2,
                        "aGVsbG8=")),
                StorageQueueEventFeed.messages(xml));
        assertEquals(List.of(), StorageQueueEventFeed.messages("<QueueMessagesList />"));
    }
}
