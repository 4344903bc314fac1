package io.baran.worker.provider.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * S3 event notifications of one bucket, read from the SQS queue the bucket's notification configuration delivers
 * them to (ObjectCreated and ObjectRemoved events). Long-polls the queue; a message is deleted once the change it
 * announces is recorded at every replica, so one whose change was not (a failed copy, a crash) is received again
 * after its visibility timeout; one that is not an S3 event is deleted as soon as it is read. Events of other buckets (a queue shared by
 * several) are left out; keys arrive URL-encoded, as S3 sends them.
 */
public final class SqsEventFeed implements ChangeFeed {

    private static final Logger LOG = Logger.getLogger(SqsEventFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient client;
    private final String queueUrl;
    private final String bucket;
    private volatile boolean running = true;
    private Thread thread;

    /** @param client closed with the feed */
    public SqsEventFeed(SqsClient client, String queueUrl, String bucket) {
        this.client = client;
        this.queueUrl = queueUrl;
        this.bucket = bucket;
    }

    @Override
    public synchronized void start(Receiver receiver) {
        thread = new Thread(() -> deliver(receiver), "baran-s3-events-" + bucket);
        thread.setDaemon(true);
        thread.start();
    }

    private void deliver(Receiver receiver) {
        while (running) {
            try {
                List<Message> messages = client.receiveMessage(b ->
                                b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(10))
                        .messages();
                for (Message m : messages) {
                    receiver.changed(keys(m.body(), bucket), new Settlement() {
                        @Override
                        public void recorded() {
                            delete(m);
                        }

                        @Override
                        public void retry() {
                            // received again once its visibility timeout ends
                        }

                        @Override
                        public String message() {
                            return m.messageId();
                        }
                    });
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf(
                        "S3 events of %s from %s: %s; changes wait for the next pass meanwhile",
                        bucket, queueUrl, e.getMessage());
                sleep();
            }
        }
    }

    private void delete(Message m) {
        try {
            client.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "S3 events of %s from %s: a message handled could not be deleted (it is received again): %s",
                    bucket, queueUrl, e.getMessage());
        }
    }

    /** The keys of the bucket an S3 event message names; none for other buckets, test events and what is not one. */
    static List<String> keys(String body, String bucket) {
        try {
            JsonNode records = JSON.readTree(body).path("Records");
            return java.util.stream.StreamSupport.stream(records.spliterator(), false)
                    .filter(r -> r.path("eventName").asText().startsWith("ObjectCreated")
                            || r.path("eventName").asText().startsWith("ObjectRemoved"))
                    .filter(r -> bucket.equals(
                            r.path("s3").path("bucket").path("name").asText()))
                    .map(r -> URLDecoder.decode(
                            r.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8))
                    .filter(k -> !k.isEmpty()
                            && !k.startsWith(BlobStore.TEMPORARY)
                            && !k.contains("/" + BlobStore.TEMPORARY))
                    .toList();
        } catch (IOException e) {
            LOG.warnf("S3 events of %s: a message that is not an S3 event was ignored", bucket);
            return List.of();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String describe() {
        return "S3 events of " + bucket + " from " + queueUrl;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        client.close();
    }
}
