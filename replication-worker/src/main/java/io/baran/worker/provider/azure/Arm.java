package io.baran.worker.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Calls Azure Resource Manager's REST API for one configured provider: JSON over HTTPS with a bearer token,
 * every call bounded, every failure turned into Baran's failure type by {@link AzureFailures}. Long-running
 * operations (202 Accepted) are followed to their end through {@code Azure-AsyncOperation} or
 * {@code Location}, for at most the time the caller gives.
 */
final class Arm {

    static final URI PUBLIC_CLOUD = URI.create("https://management.azure.com");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DONE = Set.of("succeeded", "failed", "canceled");
    private static final Duration FIRST_POLL = Duration.ofMillis(250);
    private static final Duration MAX_POLL = Duration.ofSeconds(10);

    private final String provider;
    private final URI base;
    private final String subscription;
    private final Supplier<String> tokens;
    private final Duration callTimeout;
    private final Heartbeat heartbeat;
    private final HttpClient http;

    private final io.baran.worker.budget.BudgetedCalls budget;

    Arm(
            String provider,
            URI base,
            String subscription,
            Supplier<String> tokens,
            Duration callTimeout,
            Heartbeat heartbeat,
            io.baran.worker.budget.BudgetedCalls budget) {
        this.budget = budget;
        this.provider = provider;
        this.base = base;
        this.subscription = subscription;
        this.tokens = tokens;
        this.callTimeout = callTimeout;
        this.heartbeat = heartbeat;
        this.http = HttpClient.newBuilder()
                .connectTimeout(callTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    String provider() {
        return provider;
    }

    /** {@code /subscriptions/<s>/resourceGroups/<rg>/providers/<rest>}, each name path-encoded. */
    String resource(String resourceGroup, String providerNamespace, String... typesAndNames) {
        StringBuilder path = new StringBuilder("/subscriptions/")
                .append(segment(subscription))
                .append("/resourceGroups/")
                .append(segment(resourceGroup))
                .append("/providers/")
                .append(providerNamespace);
        for (String part : typesAndNames) {
            path.append('/').append(segment(part));
        }
        return path.toString();
    }

    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("%40", "@");
    }

    /** Sends one request; any status comes back, only "no answer" and "no token" fail here. */
    ArmResponse send(
            String method, String path, String apiVersion, JsonNode body, Map<String, String> headers, String where) {
        return send(method, base.resolve(path + "?api-version=" + apiVersion), body, headers, where);
    }

    /**
     * One call within the subscription's budget; an answer of 429 is waited out and the call sent again (ARM says how long
     * in Retry-After, but the jittered backoff never waits less than a short while and spreads replicas apart).
     */
    private ArmResponse send(String method, URI uri, JsonNode body, Map<String, String> headers, String where) {
        return budget.call(where, () -> {
            ArmResponse response = sendOnce(method, uri, body, headers, where);
            if (response.status() == 429) {
                throw io.baran.worker.Failures.of(
                        io.baran.workflow.FailureTypes.PROVIDER_THROTTLED,
                        where + " was throttled by Azure" + " Resource Manager (HTTP 429"
                                + (response.errorCode() == null ? "" : ", " + response.errorCode()) + ")");
            }
            return response;
        });
    }

    private ArmResponse sendOnce(String method, URI uri, JsonNode body, Map<String, String> headers, String where) {
        String token;
        try {
            token = tokens.get();
        } catch (RuntimeException e) {
            throw AzureFailures.noToken(where, e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(callTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String text = response.body();
            JsonNode json = null;
            if (text != null && !text.isBlank()) {
                try {
                    json = JSON.readTree(text);
                } catch (IOException notJson) {
                    // A proxy or gateway error page: the status says enough.
                }
            }
            return new ArmResponse(response.statusCode(), response.headers(), json);
        } catch (IOException e) {
            throw AzureFailures.unreachable(where, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AzureFailures.unreachable(where, e);
        }
    }

    /** GETs a resource; a 404 fails (ProviderRejected) with {@code missing}, any other error with its mapped type. */
    JsonNode read(String path, String apiVersion, String where, String missing) {
        ArmResponse response = send("GET", path, apiVersion, null, Map.of(), where);
        if (response.status() == 404) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    missing + " (" + (response.errorCode() == null ? "HTTP 404" : response.errorCode()) + ")");
        }
        return ok(response, where);
    }

    /**
     * GETs a list and the pages after it ({@code nextLink}, followed only on ARM's own host), at most
     * {@code maxPages}; a 404 fails (ProviderRejected) with {@code missing}.
     */
    java.util.List<JsonNode> list(String path, String apiVersion, String where, String missing, int maxPages) {
        java.util.List<JsonNode> items = new java.util.ArrayList<>();
        JsonNode page = read(path, apiVersion, where, missing);
        for (int pages = 1; ; pages++) {
            page.path("value").forEach(items::add);
            String next = page.path("nextLink").asText("");
            if (next.isEmpty()) {
                return items;
            }
            if (pages >= maxPages) {
                throw Failures.of(FailureTypes.PROVIDER_REJECTED, where + " answered more than " + maxPages + " pages");
            }
            page = ok(send("GET", pollUri(next, where), null, Map.of(), where), where);
        }
    }

    /** The body of a successful answer; any other answer fails with its mapped type. */
    JsonNode ok(ArmResponse response, String where) {
        if (!response.ok()) {
            throw failure(response, where);
        }
        return response.body();
    }

    RuntimeException failure(ArmResponse response, String where) {
        return AzureFailures.answered(
                where,
                response.status(),
                response.errorCode(),
                response.errorMessage(),
                response.header("Retry-After"));
    }

    /**
     * Waits for a long-running operation ARM accepted (201/202) to end, heartbeating; returns at once when the
     * answer was final. Fails (retryably) when it has not ended within {@code timeout}: a retried step finds
     * the operation done or still running, and waits again.
     */
    void await(ArmResponse accepted, Duration timeout, String where) {
        ok(accepted, where);
        String async = accepted.header("Azure-AsyncOperation");
        String location = accepted.header("Location");
        if (accepted.status() != 201 && accepted.status() != 202 || (async == null && location == null)) {
            return;
        }
        URI poll = pollUri(async != null ? async : location, where);
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration pause = pause(accepted, FIRST_POLL);
        while (true) {
            sleep(pause, deadline);
            ArmResponse status = send("GET", poll, null, Map.of(), where + " (status of the operation)");
            if (async != null) {
                String state = ok(status, where + " (status of the operation)")
                        .path("status")
                        .asText("");
                if (DONE.contains(state.toLowerCase(java.util.Locale.ROOT))) {
                    if (!state.equalsIgnoreCase("Succeeded")) {
                        JsonNode error = status.body().path("error");
                        throw AzureFailures.operationFailed(
                                where,
                                state,
                                error.path("code").asText(null),
                                error.path("message").asText(null));
                    }
                    return;
                }
                heartbeat.beat(where + ": " + state);
            } else if (status.status() != 202) {
                ok(status, where + " (result of the operation)");
                return;
            } else {
                heartbeat.beat(where + ": in progress");
            }
            if (System.nanoTime() > deadline) {
                throw Failures.of(
                        FailureTypes.PROVIDER_UNAVAILABLE,
                        where + " has not finished after " + timeout.toSeconds()
                                + " s; it goes on at Azure, and a retried step waits for it again");
            }
            pause = pause(status, pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2));
        }
    }

    /**
     * Waits, heartbeating, until {@code pending} (asked again and again, less and less often) answers null; fails
     * retryably when it has not within {@code timeout}, naming what it answered last.
     */
    void until(java.util.function.Supplier<String> pending, Duration timeout, String where) {
        io.baran.worker.provider.Waiting.until(pending, timeout, heartbeat, where);
    }

    /** The token goes only where ARM itself is: a status URL on another host is refused, not followed. */
    private URI pollUri(String url, String where) {
        URI uri = URI.create(url);
        if (!uri.isAbsolute()) {
            return base.resolve(uri);
        }
        if (!base.getHost().equalsIgnoreCase(uri.getHost())
                || base.getPort() != uri.getPort()
                || !base.getScheme().equalsIgnoreCase(uri.getScheme())) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + ": the operation's status is served from " + uri.getScheme() + "://" + uri.getHost()
                            + ", not from Azure Resource Manager at " + base.getHost()
                            + "; Baran sends its token to ARM only");
        }
        return uri;
    }

    /** Retry-After (seconds) when ARM gives one, bounded; otherwise the backoff. */
    private static Duration pause(ArmResponse response, Duration fallback) {
        String retryAfter = response.header("Retry-After");
        if (retryAfter != null) {
            try {
                long seconds = Long.parseLong(retryAfter.trim());
                return Duration.ofSeconds(Math.min(MAX_POLL.toSeconds(), Math.max(0, seconds)))
                        .plusMillis(seconds <= 0 ? 50 : 0);
            } catch (NumberFormatException httpDate) {
                return fallback;
            }
        }
        return fallback;
    }

    private static void sleep(Duration pause, long deadline) {
        long millis = Math.max(1, Math.min(pause.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an Azure operation", e);
        }
    }

    static ObjectMapper json() {
        return JSON;
    }
}
