package io.baran.worker.provider.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * S3 event notifications of one bucket, read from the SQS queue the bucket's notification configuration delivers
 * them to (ObjectCreated and ObjectRemoved events). Long-polls the queue; a message is deleted once its keys are
 * handed over, so one that could not be read is received again. Events of other buckets (a queue shared by
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
    public synchronized void start(Consumer<String> changed) {
        thread = new Thread(() -> deliver(changed), "baran-s3-events-" + bucket);
        thread.setDaemon(true);
        thread.start();
    }

    private void deliver(Consumer<String> changed) {
        while (running) {
            try {
                List<Message> messages = client.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(10))
                        .messages();
                for (Message m : messages) {
                    keys(m.body(), bucket).forEach(changed);
                    client.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("S3 events of %s from %s: %s; changes wait for the next pass meanwhile", bucket, queueUrl, e.getMessage());
                sleep();
            }
        }
    }

    /** The keys of the bucket an S3 event message names; none for other buckets, test events and what is not one. */
    static List<String> keys(String body, String bucket) {
        try {
            JsonNode records = JSON.readTree(body).path("Records");
            return java.util.stream.StreamSupport.stream(records.spliterator(), false)
                    .filter(r -> r.path("eventName").asText().startsWith("ObjectCreated")
                            || r.path("eventName").asText().startsWith("ObjectRemoved"))
                    .filter(r -> bucket.equals(r.path("s3").path("bucket").path("name").asText()))
                    .map(r -> URLDecoder.decode(r.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8))
                    .filter(k -> !k.isEmpty() && !k.startsWith(BlobStore.TEMPORARY) && !k.contains("/" + BlobStore.TEMPORARY))
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
