package io.baran.worker.action;

import io.baran.egress.EgressPolicy;
import io.baran.egress.EgressRefusedException;
import io.baran.egress.PinnedHttp;
import io.baran.worker.action.NotificationChannel.Delivery;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How every {@link NotificationChannel} posts: to the address the egress policy admitted for the URL's host, redirects
 * not followed, the whole answer within the timeout; and what the answer means for a delivery. What it reports names
 * the URL's host only (a webhook's path is its secret).
 */
final class ChannelHttp {

    private static final PinnedHttp HTTP = new PinnedHttp();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private ChannelHttp() {}

    /** {@link #post} of {@code message} written as JSON, with {@code headers} besides its Content-Type. */
    static Delivery postJson(
            URI url,
            EgressPolicy egress,
            Map<String, String> headers,
            Object message,
            Duration timeout,
            String answer) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(message);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a notification as JSON", e);
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return post(url, egress, all, json, timeout, answer);
    }

    /**
     * Posts {@code body}: 2xx is delivered; 408, 429 and 5xx, a timeout or a broken connection are worth another try;
     * any other answer and an egress refusal are not.
     *
     * @param answer how the detail names the answer, e.g. {@code HTTP} or {@code PagerDuty HTTP}
     */
    static Delivery post(
            URI url, EgressPolicy egress, Map<String, String> headers, byte[] body, Duration timeout, String answer) {
        try {
            int status = HTTP.send("POST", url, egress.resolve(url), headers, body, timeout);
            if (status >= 200 && status < 300) {
                return new Delivery(true, false, answer + " " + status);
            }
            // 408 and 429 say "later"; other 4xx say the request or the receiver's configuration is wrong.
            boolean retryable = status >= 500 || status == 408 || status == 429;
            return new Delivery(false, retryable, answer + " " + status + " from " + url.getHost());
        } catch (EgressRefusedException e) {
            // The refusal names the host and the address, never the URL's path.
            return new Delivery(false, false, e.getMessage());
        } catch (SocketTimeoutException e) {
            return new Delivery(
                    false, true, "no answer from " + url.getHost() + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return new Delivery(false, true, e.getClass().getSimpleName() + " calling " + url.getHost());
        }
    }
}
