package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.GoogleCredentials;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Calls Google's JSON REST APIs for one provider: the JDK's HTTP client, Application Default Credentials
 * (scope cloud-platform), bounded time-outs, and every failure mapped by {@link GcpFailures}. With an
 * endpoint override (a test fake) the same paths are sent to it, without credentials.
 *
 * <p>Plain REST rather than the generated clients: google-cloud-compute does not run against the google-auth
 * this build resolves, and one small transport for Cloud DNS, Compute and Cloud SQL Admin keeps a single error
 * mapping and a single endpoint override for all three.
 */
final class GcpApi implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GcpApi.class);
    static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration CALL = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    private final String provider;
    private final String project;
    private final Optional<URI> endpoint;
    private final HttpClient http;
    private volatile GoogleCredentials credentials;

    /** The calls to each Google API (dns, compute, sqladmin…), within the project's budget for it. */
    private final java.util.function.Function<String, io.baran.worker.budget.BudgetedCalls> budgets;

    GcpApi(
            String provider,
            String project,
            Optional<URI> endpoint,
            java.util.function.Function<String, io.baran.worker.budget.BudgetedCalls> budgets) {
        this.budgets = budgets;
        this.provider = provider;
        this.project = project;
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT).build();
    }

    String provider() {
        return provider;
    }

    String project() {
        return project;
    }

    /** e.g. {@code https://dns.googleapis.com/dns/v1/projects/p}; the endpoint override replaces scheme and host. */
    String base(String host, String prefix) {
        String root = endpoint.map(e -> e.toString().replaceAll("/+$", "")).orElse("https://" + host);
        return root + prefix + "/projects/" + encode(project);
    }

    static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    ObjectNode object() {
        return JSON.createObjectNode();
    }

    JsonNode get(String service, String operation, String resource, String url) {
        return send(service, operation, resource, "GET", url, null, Expect.ANY);
    }

    JsonNode post(String service, String operation, String resource, String url, JsonNode body) {
        return send(service, operation, resource, "POST", url, body, Expect.ANY);
    }

    /**
     * A call whose answer of HTTP 412 (or 409) means the resource changed since it was read: it comes back
     * as {@link Conflict} for the caller to decide, not as a failure.
     */
    JsonNode conditional(String service, String operation, String resource, String method, String url, JsonNode body) {
        return send(service, operation, resource, method, url, body, Expect.CONDITIONAL);
    }

    private enum Expect {
        ANY,
        CONDITIONAL
    }

    /** One call within the budget of its API; a throttled answer (429, rateLimitExceeded…) is waited out and sent again. */
    private JsonNode send(
            String service,
            String operation,
            String resource,
            String method,
            String url,
            JsonNode body,
            Expect expect) {
        return budgets.apply(service)
                .call(
                        operation + " on " + resource,
                        () -> sendOnce(service, operation, resource, method, url, body, expect));
    }

    private JsonNode sendOnce(
            String service,
            String operation,
            String resource,
            String method,
            String url,
            JsonNode body,
            Expect expect) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url)).timeout(CALL).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        authorize(request, service, operation, resource);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw logged(GcpFailures.unreachable(e, provider, service, operation, resource), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + service, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return parse(response.body());
        }
        JsonNode error = parse(response.body()).path("error");
        String reason = error.path("errors").path(0).path("reason").asText(null);
        if (reason == null) {
            reason = error.path("status").asText(null);
        }
        if (expect == Expect.CONDITIONAL && (status == 412 || status == 409)) {
            throw new Conflict(status, reason);
        }
        throw logged(
                GcpFailures.map(
                        status, reason, error.path("message").asText(null), provider, service, operation, resource),
                null);
    }

    private void authorize(HttpRequest.Builder request, String service, String operation, String resource) {
        if (endpoint.isPresent()) {
            return;
        }
        try {
            GoogleCredentials c = credentials;
            if (c == null) {
                c = GoogleCredentials.getApplicationDefault().createScoped(CLOUD_PLATFORM);
                credentials = c;
            }
            c.refreshIfExpired();
            request.header("Authorization", "Bearer " + c.getAccessToken().getTokenValue());
        } catch (IOException e) {
            throw logged(GcpFailures.noCredentials(e, provider, service, operation, resource), e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            // An HTML error page from a proxy: the status alone decides.
            return JSON.createObjectNode();
        }
    }

    private static ApplicationFailure logged(ApplicationFailure failure, Throwable cause) {
        LOG.warn(failure.getOriginalMessage());
        if (cause != null) {
            LOG.debug("Google API call failed", cause);
        }
        return failure;
    }

    /** HTTP 412 or 409 on a conditional call: the resource is not as the request assumed. */
    static final class Conflict extends RuntimeException {
        final int status;
        final String reason;

        Conflict(int status, String reason) {
            super("HTTP " + status + " " + reason, null, false, false);
            this.status = status;
            this.reason = reason;
        }
    }

    @Override
    public void close() {
        // The JDK client of Java 17 holds no resources that need closing.
    }
}
