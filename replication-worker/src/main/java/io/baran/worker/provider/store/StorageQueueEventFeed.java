package io.baran.worker.provider.store;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.util.Context;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.StorageSharedKeyCredentialPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jboss.logging.Logger;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Blob Storage events of one container, as Event Grid delivers them to an Azure Storage queue (one event per
 * message, its JSON base64-encoded; the Event Grid schema or CloudEvents 1.0): {@code Microsoft.Storage.BlobCreated}
 * and {@code Microsoft.Storage.BlobDeleted}. Polls the queue over its REST API with the account's Shared Key (at once
 * while messages come, backing off to {@value #MAX_IDLE_SECONDS} s while it is empty). A message is deleted once the
 * change it announces is recorded at every replica; otherwise it becomes visible again after
 * {@value #VISIBILITY_SECONDS} s and is read again, up to {@value #MAX_DEQUEUES} times, then deleted and left to the
 * passes. One that is not an event of the container is deleted as soon as it is read (unreadable ones logged).
 */
public final class StorageQueueEventFeed implements ChangeFeed {

    private static final Logger LOG = Logger.getLogger(StorageQueueEventFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "2021-12-02";
    private static final Set<String> CHANGES = Set.of("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted");
    static final int VISIBILITY_SECONDS = 120;
    static final int MAX_DEQUEUES = 5;
    static final int MAX_IDLE_SECONDS = 5;

    private final URI queue;
    private final String account;
    private final String container;
    private final HttpPipeline pipeline;
    private volatile boolean running = true;
    private Thread thread;

    /** A message read from the queue. */
    record Message(String id, String popReceipt, int dequeueCount, String text) {}

    /**
     * @param queue the queue's URL, e.g. {@code https://shopdr.queue.core.windows.net/shop-assets-events} or Azurite's
     *              {@code http://127.0.0.1:10001/devstoreaccount1/shop-assets-events}
     * @param key   the storage account's key
     */
    public StorageQueueEventFeed(URI queue, String account, String key, String container) {
        this.queue = queue;
        this.account = account;
        this.container = container;
        this.pipeline = new HttpPipelineBuilder()
                // A pooled connection idle for longer than a server keeps it open (5 s for some) fails when reused:
                // drop
                // connections sooner than that. A request lost on the way is tried again.
                .httpClient(HttpClient.createDefault(new HttpClientOptions()
                        .setConnectTimeout(Duration.ofSeconds(5))
                        .setResponseTimeout(Duration.ofSeconds(30))
                        .setConnectionIdleTimeout(Duration.ofSeconds(2))))
                .policies(
                        new RetryPolicy(new ExponentialBackoff(3, Duration.ofMillis(250), Duration.ofSeconds(4))),
                        new StorageSharedKeyCredentialPolicy(new StorageSharedKeyCredential(account, key)))
                .build();
    }

    @Override
    public synchronized void start(Receiver receiver) {
        thread = new Thread(() -> deliver(receiver), "baran-blob-events-" + container);
        thread.setDaemon(true);
        thread.start();
    }

    private void deliver(Receiver receiver) {
        long idleMillis = 500;
        while (running) {
            try {
                List<Message> messages = receive();
                for (Message m : messages) {
                    List<String> keys = keys(m.text(), account, container);
                    receiver.changed(keys, new Settlement() {
                        @Override
                        public void recorded() {
                            delete(m);
                        }

                        @Override
                        public void retry() {
                            if (m.dequeueCount() >= MAX_DEQUEUES) {
                                LOG.warnf(
                                        "Blob Storage events of %s from %s: message %s not handled after %d deliveries; deleted, "
                                                + "the passes copy its change",
                                        container, queue, m.id(), m.dequeueCount());
                                delete(m);
                            } // else visible again once its visibility timeout ends
                        }

                        @Override
                        public String message() {
                            return m.id();
                        }
                    });
                }
                idleMillis = messages.isEmpty() ? Math.min(idleMillis * 2, MAX_IDLE_SECONDS * 1000L) : 0;
                if (idleMillis > 0) {
                    Thread.sleep(idleMillis);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf(
                        "Blob Storage events of %s from %s: %s; changes wait for the next pass meanwhile",
                        container, queue, e.getMessage());
                idleMillis = MAX_IDLE_SECONDS * 1000L;
                try {
                    Thread.sleep(idleMillis);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Get Messages: up to 32, hidden from other readers for the visibility timeout. */
    private List<Message> receive() {
        try (HttpResponse response =
                send(HttpMethod.GET, "/messages?numofmessages=32&visibilitytimeout=" + VISIBILITY_SECONDS)) {
            String body = response.getBodyAsBinaryData().toString();
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException(
                        "Get Messages answered HTTP " + response.getStatusCode() + " " + errorCode(response, body));
            }
            return messages(body);
        }
    }

    private void delete(Message m) {
        String path =
                "/messages/" + m.id() + "?popreceipt=" + URLEncoder.encode(m.popReceipt(), StandardCharsets.UTF_8);
        try (HttpResponse response = send(HttpMethod.DELETE, path)) {
            if (response.getStatusCode() != 204 && response.getStatusCode() != 404) {
                LOG.warnf(
                        "Blob Storage events of %s from %s: message %s handled but not deleted (HTTP %d %s); it is read again",
                        container,
                        queue,
                        m.id(),
                        response.getStatusCode(),
                        errorCode(response, response.getBodyAsBinaryData().toString()));
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Blob Storage events of %s from %s: message %s handled but not deleted (%s); it is read again",
                    container, queue, m.id(), e.getMessage());
        }
    }

    private HttpResponse send(HttpMethod method, String pathAndQuery) {
        // Content-Length 0, which Shared Key signs as empty: the signing policy signs an absent one as "null".
        HttpRequest request = new HttpRequest(method, queue + pathAndQuery)
                .setHeader("Content-Length", "0")
                .setHeader("x-ms-version", VERSION)
                .setHeader("x-ms-date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        return pipeline.sendSync(request, Context.NONE);
    }

    private static String errorCode(HttpResponse response, String body) {
        String code = response.getHeaderValue("x-ms-error-code");
        return code != null ? code : body.length() > 200 ? body.substring(0, 200) : body;
    }

    /** The messages of a Get Messages answer ({@code QueueMessagesList}). */
    static List<Message> messages(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc =
                    factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            NodeList nodes = doc.getElementsByTagName("QueueMessage");
            List<Message> all = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element e = (Element) nodes.item(i);
                all.add(new Message(
                        text(e, "MessageId"),
                        text(e, "PopReceipt"),
                        Integer.parseInt(text(e, "DequeueCount")),
                        text(e, "MessageText")));
            }
            return all;
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Get Messages answered what is not a QueueMessagesList: " + e.getMessage(), e);
        }
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent();
    }

    /**
     * The key of the container a queued Event Grid event names (a blob created or deleted); none for other containers
     * and accounts, other event types, and what is not an event (logged).
     */
    static List<String> keys(String messageText, String account, String container) {
        JsonNode event;
        try {
            byte[] json;
            try {
                json = Base64.getDecoder().decode(messageText.trim());
            } catch (IllegalArgumentException notBase64) {
                json = messageText.getBytes(StandardCharsets.UTF_8);
            }
            event = JSON.readTree(json);
        } catch (Exception e) {
            LOG.warnf(
                    "Blob Storage events of %s: a queue message that is not an Event Grid event was ignored",
                    container);
            return List.of();
        }
        if (event != null && event.isArray() && event.size() == 1) {
            event = event.get(0);
        }
        if (event == null || !event.isObject()) {
            LOG.warnf(
                    "Blob Storage events of %s: a queue message that is not an Event Grid event was ignored",
                    container);
            return List.of();
        }
        // Event Grid schema: eventType, topic; CloudEvents 1.0: type, source.
        String type = event.path("eventType").asText(event.path("type").asText(""));
        String topic = event.path("topic").asText(event.path("source").asText(""));
        String subject = event.path("subject").asText("");
        String prefix = "/blobServices/default/containers/" + container + "/blobs/";
        if (type.isEmpty() || !subject.startsWith("/blobServices/default/containers/")) {
            LOG.warnf(
                    "Blob Storage events of %s: a queue message that is not a Blob Storage event was ignored",
                    container);
            return List.of();
        }
        if (!CHANGES.contains(type)
                || !subject.startsWith(prefix)
                || (!topic.isEmpty() && !topic.toLowerCase().endsWith("/storageaccounts/" + account.toLowerCase()))) {
            return List.of();
        }
        String key = subject.substring(prefix.length());
        if (key.isEmpty() || key.startsWith(BlobStore.TEMPORARY) || key.contains("/" + BlobStore.TEMPORARY)) {
            return List.of();
        }
        return List.of(key);
    }

    @Override
    public String describe() {
        return "Blob Storage events of " + container + " from " + queue;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
