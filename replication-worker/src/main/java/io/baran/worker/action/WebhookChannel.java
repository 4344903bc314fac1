package io.baran.worker.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One webhook a {@code notify} step posts to. The URL is a secret (the token is in its path), so nothing
 * this class reports or logs contains more of it than its host.
 */
public final class WebhookChannel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** How one attempt ended: delivered, or why not and whether trying again may help. */
    public record Delivery(boolean delivered, boolean retryable, String detail) {
    }

    private final String name;
    private final URI url;
    private final Duration timeout;

    WebhookChannel(String name, URI url, Duration timeout) {
        this.name = name;
        this.url = url;
        this.timeout = timeout;
    }

    public String name() {
        return name;
    }

    /** The host the webhook is served from: what messages may say of the URL. */
    public String host() {
        return url.getHost();
    }

    /**
     * Posts {@code {"text": ..., "baran": {...}}}. The idempotency key lets a receiver that honours it drop the
     * repeat of a delivery whose answer was lost.
     */
    public Delivery post(String text, String executionId, String step) {
        Map<String, Object> baran = new LinkedHashMap<>();
        baran.put("execution", executionId);
        baran.put("step", step);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("baran", baran);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", executionId + "/" + step)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the message of step " + step + " as JSON", e);
        }
        try {
            int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                return new Delivery(true, false, "HTTP " + status);
            }
            // 408 and 429 say "later"; other 4xx say the request or the webhook is wrong.
            boolean retryable = status >= 500 || status == 408 || status == 429;
            return new Delivery(false, retryable, "HTTP " + status + " from " + host());
        } catch (HttpTimeoutException e) {
            return new Delivery(false, true, "no answer from " + host() + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return new Delivery(false, true, e.getClass().getSimpleName() + " calling " + host());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery(false, false, "interrupted");
        }
    }
}
