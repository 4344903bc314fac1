package io.baran.worker.provider.azure;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The queue a Blob Storage source's change notifications are read from is given as a URL when it is not beside the
 * account's blob endpoint; every request to it is signed with the account's key, so only a queue of that account is
 * accepted.
 */
class BlobStorageQueueUrlTest {

    private static final BlobStorageObjectStore ACCOUNT =
            new BlobStorageObjectStore("azure-src", "https://shopdr.blob.core.windows.net", "shopdr", "a2V5");
    private static final BlobStorageObjectStore EMULATOR = new BlobStorageObjectStore(
            "azure-src", "http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1", "a2V5");

    @Test
    void onlyAQueueOfTheAccountIsAcceptedAnotherHostOrAccountIsRefusedBeforeAnyRequestIsSigned() {
        assertTrue(ACCOUNT.changes("shop-assets", "https://shopdr.queue.core.windows.net/shop-assets-events")
                .isPresent());
        assertTrue(
                ACCOUNT.changes("shop-assets", "azure-queue:shop-assets-events").isPresent());
        assertTrue(EMULATOR.changes("shop-assets", "http://127.0.0.1:10001/devstoreaccount1/shop-assets-events")
                .isPresent());

        refused(
                ACCOUNT,
                "https://collector.example.com/shop-assets-events",
                "its host is not shopdr.queue.core.windows.net");
        refused(ACCOUNT, "https://other.queue.core.windows.net/shop-assets-events", "its host is not");
        refused(ACCOUNT, "https://shopdr.queue.core.windows.net.example.com/shop-assets-events", "its host is not");
        refused(ACCOUNT, "http://shopdr.queue.core.windows.net/shop-assets-events", "not https");
        refused(ACCOUNT, "https://shopdr.queue.core.windows.net/elsewhere/shop-assets-events", "its path is not");
        refused(EMULATOR, "http://10.1.2.3:10001/devstoreaccount1/shop-assets-events", "its host is not");
        refused(EMULATOR, "http://127.0.0.1:10001/otheraccount/shop-assets-events", "its path is not");
    }

    @Test
    void theAccountsQueueIsAcceptedWithItsDefaultPortWrittenOutOrBehindAnAzureDnsZoneEndpoint() {
        assertTrue(ACCOUNT.changes("shop-assets", "https://shopdr.queue.core.windows.net:443/shop-assets-events")
                .isPresent());
        BlobStorageObjectStore withPort =
                new BlobStorageObjectStore("azure-src", "https://shopdr.blob.core.windows.net:443", "shopdr", "a2V5");
        assertTrue(withPort.changes("shop-assets", "https://shopdr.queue.core.windows.net/shop-assets-events")
                .isPresent());
        refused(ACCOUNT, "https://shopdr.queue.core.windows.net:8443/shop-assets-events", "its host is not");

        BlobStorageObjectStore zoned =
                new BlobStorageObjectStore("azure-src", "https://shopdr.z12.blob.storage.azure.net", "shopdr", "a2V5");
        assertTrue(zoned.changes("shop-assets", "https://shopdr.z12.queue.storage.azure.net/shop-assets-events")
                .isPresent());
        refused(
                zoned,
                "https://shopdr.z13.queue.storage.azure.net/shop-assets-events",
                "its host is not shopdr.z12.queue.storage.azure.net");
        refused(zoned, "https://other.z12.queue.storage.azure.net/shop-assets-events", "its host is not");
        refused(zoned, "https://shopdr.z12.queue.storage.azure.net/elsewhere/shop-assets-events", "its path is not");
    }

    private static void refused(BlobStorageObjectStore store, String queue, String why) {
        String message = assertThrows(IllegalArgumentException.class, () -> store.changes("shop-assets", queue))
                .getMessage();
        assertTrue(message.contains("is not a queue of storage account"), message);
        assertTrue(message.contains(why), message);
    }
}
