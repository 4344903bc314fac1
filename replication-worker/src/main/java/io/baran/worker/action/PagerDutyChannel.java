package io.baran.worker.action;

import io.baran.egress.EgressPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Pages people through PagerDuty's Events API v2: a {@code trigger} event ({@code POST /v2/enqueue}) on the service whose
 * integration the routing key names. The routing key is a secret, read from the environment only, never in what this
 * reports or logs; the {@code dedup_key} is the execution and step, so a delivery sent again after a lost answer adds to
 * the same alert instead of opening a second one. Answers as documented: 202 accepted; 400 an invalid event (not sent
 * again); 429 and 5xx sent again later.
 */
public final class PagerDutyChannel implements NotificationChannel {

    /** PagerDuty's endpoint (the EU service region's is {@code https://events.eu.pagerduty.com/v2/enqueue}). */
    public static final URI EVENTS = URI.create("https://events.pagerduty.com/v2/enqueue");

    public static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    /** The longest {@code payload.summary} and {@code dedup_key} the API takes. */
    static final int MAX_SUMMARY = 1024;

    static final int MAX_DEDUP_KEY = 255;

    private final String name;
    private final URI events;
    private final String routingKey;
    private final String severity;
    private final Duration timeout;
    private final EgressPolicy egress;

    PagerDutyChannel(
            String name, URI events, String routingKey, String severity, Duration timeout, EgressPolicy egress) {
        this.name = name;
        this.events = events;
        this.routingKey = routingKey;
        this.severity = severity;
        this.timeout = timeout;
        this.egress = egress;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return events.getHost();
    }

    @Override
    public Delivery post(String text, String executionId, String step) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("execution", executionId);
        details.put("step", step);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("summary", summary(text));
        payload.put("source", "baran");
        payload.put("severity", severity);
        payload.put("class", "baran.notify");
        payload.put("custom_details", details);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put("event_action", "trigger");
        event.put("dedup_key", dedupKey(executionId, step));
        event.put("payload", payload);
        // 429: over the rate limit, later; 400: the event is invalid (or the routing key unknown): never taken as sent.
        return ChannelHttp.postJson(events, egress, Map.of(), event, timeout, "PagerDuty HTTP");
    }

    /** The text, cut to what PagerDuty takes (never inside a character's surrogate pair), with an ellipsis when cut. */
    static String summary(String text) {
        if (text.length() <= MAX_SUMMARY) {
            return text;
        }
        int end = MAX_SUMMARY - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /** {@code <execution>/<step>}, or its SHA-256 where that is longer than PagerDuty takes. */
    static String dedupKey(String executionId, String step) {
        String key = executionId + "/" + step;
        if (key.length() <= MAX_DEDUP_KEY) {
            return key;
        }
        try {
            return "baran-sha256-"
                    + HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
