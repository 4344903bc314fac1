package io.baran.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The orchestrator's REST API as the operator commands call it: a base URL, a bearer token ({@link BearerToken}: a
 * file, a command, the environment or {@code baran login}'s, made fresh once when the API answers 401, so a long
 * {@code watch} outlives a short-lived token) and JSON. The token is never printed.
 */
final class ApiClient {

    /** What the API answered: its status and its body as JSON (a missing or non-JSON body is an empty object). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem details' title and detail, or the status alone. */
        /** The status and the problem's title and detail, as they can be printed (control characters replaced). */
        String problem() {
            String title = ExecutionText.printable(body.path("title").asText(""));
            String detail = ExecutionText.printable(body.path("detail").asText(""));
            return status + (title.isEmpty() ? "" : " " + title) + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    /** The API could not be reached, or answered with a server error: the exit status says so apart from a refusal. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    /** A name or id a path is built from: what runbook names and execution ids are made of, nothing else. */
    private static final Pattern PATH_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,252}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final BearerToken token;
    private final Duration timeout;
    private final HttpClient http;

    ApiClient(URI base, Map<String, String> env, Optional<Path> tokenFile, Duration timeout) {
        this.base = base;
        this.token = new BearerToken(env, tokenFile, timeout, java.time.Clock.systemUTC());
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Hosts plain http may go to: this machine, where the token does not cross a network. */
    private static final java.util.Set<String> LOOPBACK = java.util.Set.of("127.0.0.1", "[::1]", "::1", "localhost");

    /** The host is this machine: plain http to it carries no token across a network (the API's, the provider's). */
    static boolean loopback(String host) {
        return host != null && LOOPBACK.contains(host.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The base URL from {@code --url} or {@code BARAN_URL}; https, or http to this machine only; nothing after the
     * host but a path.
     */
    static URI base(String url) {
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the API URL \"" + AuditVerifyCommand.shown(url) + "\" is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("the API URL \"" + AuditVerifyCommand.shown(url)
                    + "\" must be http(s)://host[:port], e.g. http://127.0.0.1:8080");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the API URL \"" + AuditVerifyCommand.shown(url)
                    + "\" must not carry a query, a fragment or credentials");
        }
        if ("http".equals(uri.getScheme()) && !loopback(uri.getHost())) {
            throw new IllegalArgumentException("the API URL \"" + AuditVerifyCommand.shown(url)
                    + "\" would send your bearer token in the clear: use https (plain http only to 127.0.0.1, [::1]"
                    + " or localhost, e.g. through kubectl port-forward)");
        }
        return uri;
    }

    /** Checks a runbook name or execution id before it becomes part of a path. */
    static String pathPart(String what, String value) {
        if (value == null || !PATH_PART.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " \"" + (value == null ? null : ExecutionText.printable(value))
                    + "\" is not a name: letters, digits and . _ @ : - only, starting with a letter or digit");
        }
        return value;
    }

    Answer get(String path) throws Unreachable {
        return send("GET", path, null);
    }

    /** A PUT of text (a runbook's YAML) with its media type; a PUT stores the same text once, however often sent. */
    Answer putText(String path, String text, String mediaType) throws Unreachable {
        return send("PUT", path, new Text(text, mediaType), null);
    }

    /** A body sent as it is, not as JSON. */
    private record Text(String text, String mediaType) {}

    /** One key per call, sent again with the request when it is retried, so a retry never starts anything twice. */
    Answer post(String path, JsonNode body) throws Unreachable {
        return send("POST", path, body, java.util.UUID.randomUUID().toString());
    }

    private Answer send(String method, String path, JsonNode body) throws Unreachable {
        return send(method, path, body, null);
    }

    private Answer send(String method, String path, Object body, String idempotencyKey) throws Unreachable {
        Answer answer = sendOnce(method, path, body, token.current(), idempotencyKey);
        if (answer.status() == 401) {
            Optional<String> fresh = token.afterRefusal();
            if (fresh.isPresent()) {
                answer = sendOnce(method, path, body, fresh.get(), idempotencyKey);
            }
        }
        if (answer.status() >= 500) {
            throw new Unreachable(method + " " + path + " answered " + answer.problem());
        }
        return answer;
    }

    private Answer sendOnce(String method, String path, Object body, String bearer, String idempotencyKey)
            throws Unreachable {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Accept", "application/json, application/problem+json")
                .header("Authorization", "Bearer " + bearer);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else if (body instanceof Text text) {
            request.header("Content-Type", text.mediaType() + "; charset=utf-8")
                    .method(method, HttpRequest.BodyPublishers.ofString(text.text(), StandardCharsets.UTF_8));
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), json(response.body()));
        } catch (HttpTimeoutException e) {
            throw new Unreachable(method + " " + base + path + ": no answer within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            throw new Unreachable("cannot connect to " + base + " (is the orchestrator running? --url or BARAN_URL)");
        } catch (IOException e) {
            throw new Unreachable(method + " " + base + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }

    private static JsonNode json(String text) {
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode().put("detail", text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
    }
}
