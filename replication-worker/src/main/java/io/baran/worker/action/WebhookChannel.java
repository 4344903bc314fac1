package io.baran.worker.action;

import io.baran.egress.EgressPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One webhook a {@code notify} step posts to. The URL is a secret (the token is in its path), so nothing
 * this class reports or logs contains more of it than its host. Each post resolves the host through the egress
 * policy and connects to the address it admitted; redirects are not followed.
 */
public final class WebhookChannel implements NotificationChannel {

    private final String name;
    private final URI url;
    private final Duration timeout;
    private final EgressPolicy egress;

    WebhookChannel(String name, URI url, Duration timeout, EgressPolicy egress) {
        this.name = name;
        this.url = url;
        this.timeout = timeout;
        this.egress = egress;
    }

    @Override
    public String name() {
        return name;
    }

    /** The host the webhook is served from: what messages may say of the URL. */
    @Override
    public String host() {
        return url.getHost();
    }

    /**
     * Posts {@code {"text": ..., "baran": {...}}}. The idempotency key lets a receiver that honours it drop the
     * repeat of a delivery whose answer was lost.
     */
    @Override
    public Delivery post(String text, String executionId, String step) {
        Map<String, Object> baran = new LinkedHashMap<>();
        baran.put("execution", executionId);
        baran.put("step", step);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("baran", baran);
        return ChannelHttp.postJson(
                url, egress, Map.of("Idempotency-Key", executionId + "/" + step), body, timeout, "HTTP");
    }
}
