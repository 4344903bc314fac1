package io.baran.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An OpenID Connect provider as {@code baran login} uses it: its endpoints from the discovery document, and the token
 * endpoint's grants (authorization code with PKCE, device code, refresh) and revocation. Every address it sends to is
 * checked first: https, or plain http to this machine only, so no code, token or refresh token crosses a network in the
 * clear; the discovery document must name the issuer it was read from (OpenID Connect Discovery 1.0, 4.3), and when it
 * says its authorization responses name their issuer ({@code authorization_response_iss_parameter_supported}, RFC
 * 9207), a response that does not is refused. Nothing more is checked of the document's endpoints: the issuer given is
 * trusted as the person's organisation's.
 */
final class IdentityProvider {

    /** What the token endpoint answered: the tokens, and how long each one lasts. */
    record Tokens(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt) {}

    /** The provider refused (an OAuth error code and its description) or could not be used (no answer, bad shape). */
    static final class Refused extends Exception {
        final String error;

        Refused(String error, String message) {
            super(message);
            this.error = error;
        }
    }

    /** A device authorization (RFC 8628, 3.2): what the person is shown, and how the command waits for them. */
    record DeviceAuthorization(
            String deviceCode,
            String userCode,
            URI verificationUri,
            Optional<URI> verificationUriComplete,
            Duration expiresIn,
            Duration interval) {}

    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final ObjectMapper JSON = new ObjectMapper();

    final String issuer;
    final String clientId;
    /** Null for a provider rebuilt from a stored login, which only refreshes and revokes. */
    final URI authorizationEndpoint;

    final URI tokenEndpoint;
    final Optional<URI> deviceEndpoint;
    final Optional<URI> revocationEndpoint;
    /** Its authorization responses carry {@code iss} (RFC 9207), so one without it is not its own. */
    final boolean issParameter;

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    IdentityProvider(
            String issuer,
            String clientId,
            URI authorizationEndpoint,
            URI tokenEndpoint,
            Optional<URI> deviceEndpoint,
            Optional<URI> revocationEndpoint,
            boolean issParameter,
            Duration timeout,
            Clock clock) {
        this.issuer = issuer;
        this.issParameter = issParameter;
        this.clientId = clientId;
        this.authorizationEndpoint = authorizationEndpoint;
        this.tokenEndpoint = tokenEndpoint;
        this.deviceEndpoint = deviceEndpoint;
        this.revocationEndpoint = revocationEndpoint;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The provider of a stored login: its token and revocation endpoints, as checked when it logged in. */
    static IdentityProvider forRefresh(
            String issuer,
            String clientId,
            URI tokenEndpoint,
            Optional<URI> revocationEndpoint,
            Duration timeout,
            Clock clock) {
        return new IdentityProvider(
                issuer, clientId, null, tokenEndpoint, Optional.empty(), revocationEndpoint, false, timeout, clock);
    }

    /**
     * Checks an address a secret may be sent to: https, or http to this machine; no credentials, query or fragment
     * unless {@code query} allows one (an authorization endpoint may carry its own parameters).
     */
    static URI checked(String what, String value, boolean query) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    what + " \"" + AuditVerifyCommand.shown(String.valueOf(value)) + "\" is not a URL");
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " \"" + AuditVerifyCommand.shown(value)
                    + "\" must be an https:// URL (http:// only to 127.0.0.1, [::1] or localhost)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null || (!query && uri.getRawQuery() != null)) {
            throw new IllegalArgumentException(what + " \"" + AuditVerifyCommand.shown(value)
                    + "\" must not carry credentials, a fragment" + (query ? "" : " or a query"));
        }
        if ("http".equals(uri.getScheme()) && !ApiClient.loopback(uri.getHost())) {
            throw new IllegalArgumentException(what + " \"" + AuditVerifyCommand.shown(value)
                    + "\" is plain http to another machine: codes and tokens would cross the network in the clear;"
                    + " use https (http only to 127.0.0.1, [::1] or localhost)");
        }
        return uri;
    }

    /** The issuer without a trailing slash, checked. */
    static String issuer(String value) {
        String issuer = value == null ? "" : value.strip();
        while (issuer.endsWith("/")) {
            issuer = issuer.substring(0, issuer.length() - 1);
        }
        checked("the issuer", issuer, false);
        return issuer;
    }

    /** Reads the issuer's discovery document and checks what it names before anything is sent to it. */
    static IdentityProvider discover(String issuerUrl, String clientId, Duration timeout, Clock clock) throws Refused {
        String issuer = issuer(issuerUrl);
        URI document = URI.create(issuer + "/.well-known/openid-configuration");
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpResponse<String> response = send(
                http,
                HttpRequest.newBuilder(document)
                        .timeout(timeout)
                        .header("Accept", "application/json")
                        .GET()
                        .build());
        if (response.statusCode() != 200) {
            throw new Refused(
                    "discovery",
                    document + " answered " + response.statusCode() + ": is " + issuer + " an OpenID Connect issuer?");
        }
        JsonNode doc = json(response.body());
        String named = doc.path("issuer").asText("");
        if (!named.equals(issuer) && !named.equals(issuer + "/")) {
            throw new Refused(
                    "discovery",
                    document + " names the issuer \"" + AuditVerifyCommand.shown(named) + "\", not " + issuer
                            + ": refused (a document must describe the issuer it is read from)");
        }
        JsonNode methods = doc.path("code_challenge_methods_supported");
        if (methods.isArray()
                && java.util.stream.StreamSupport.stream(methods.spliterator(), false)
                        .noneMatch(m -> "S256".equals(m.asText()))) {
            throw new Refused(
                    "discovery", issuer + " does not support PKCE with S256 (code_challenge_methods_supported)");
        }
        try {
            return new IdentityProvider(
                    issuer,
                    clientId,
                    checked("its authorization_endpoint", required(doc, "authorization_endpoint", issuer), true),
                    checked("its token_endpoint", required(doc, "token_endpoint", issuer), false),
                    optional(doc, "device_authorization_endpoint")
                            .map(u -> checked("its device_authorization_endpoint", u, false)),
                    optional(doc, "revocation_endpoint").map(u -> checked("its revocation_endpoint", u, false)),
                    doc.path("authorization_response_iss_parameter_supported").asBoolean(false),
                    timeout,
                    clock);
        } catch (IllegalArgumentException e) {
            throw new Refused("discovery", issuer + ": " + e.getMessage());
        }
    }

    private static String required(JsonNode doc, String field, String issuer) {
        return optional(doc, field)
                .orElseThrow(() -> new IllegalArgumentException("its discovery document has no " + field));
    }

    private static Optional<String> optional(JsonNode doc, String field) {
        return Optional.of(doc.path(field).asText("")).filter(s -> !s.isBlank());
    }

    /** The address the person's browser opens: the authorization request with PKCE (RFC 7636) and a state. */
    URI authorizationRequest(URI redirectUri, String scope, String state, String codeChallenge) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", redirectUri.toString());
        query.put("scope", scope);
        query.put("state", state);
        query.put("code_challenge", codeChallenge);
        query.put("code_challenge_method", "S256");
        String base = authorizationEndpoint.toString();
        return URI.create(base + (authorizationEndpoint.getRawQuery() == null ? "?" : "&") + form(query));
    }

    Tokens exchangeCode(String code, URI redirectUri, String codeVerifier) throws Refused {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("client_id", clientId);
        form.put("code_verifier", codeVerifier);
        return tokens(post(tokenEndpoint, form), null);
    }

    Tokens refresh(String refreshToken) throws Refused {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", clientId);
        return tokens(post(tokenEndpoint, form), refreshToken);
    }

    /**
     * Asks for a device code. It carries a PKCE challenge too, answered by each poll: RFC 8628 does not define one, but a
     * provider that requires PKCE of the client (Keycloak, with the client's S256 setting) requires it here as well, and
     * others ignore parameters they do not know (RFC 6749, 3.1).
     */
    DeviceAuthorization authorizeDevice(String scope, String codeChallenge) throws Refused {
        URI endpoint = deviceEndpoint.orElseThrow(() -> new Refused(
                "unsupported",
                issuer + " offers no device authorization (no device_authorization_endpoint): log in without"
                        + " --device, in a browser on this machine"));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("scope", scope);
        form.put("code_challenge", codeChallenge);
        form.put("code_challenge_method", "S256");
        JsonNode answer = post(endpoint, form);
        String deviceCode = answer.path("device_code").asText("");
        String userCode = printable(answer.path("user_code").asText(""));
        String verification = answer.path("verification_uri").asText("");
        if (deviceCode.isEmpty() || userCode.isEmpty() || verification.isEmpty()) {
            throw new Refused("shape", endpoint + " answered without device_code, user_code or verification_uri");
        }
        URI verificationUri;
        Optional<URI> complete;
        try {
            verificationUri = checked("its verification_uri", verification, true);
            complete = optional(answer, "verification_uri_complete")
                    .map(u -> checked("its verification_uri_complete", u, true));
        } catch (IllegalArgumentException e) {
            throw new Refused("shape", e.getMessage());
        }
        long expiresIn = answer.path("expires_in").asLong(600);
        long interval = Math.max(1, answer.path("interval").asLong(5));
        return new DeviceAuthorization(
                deviceCode,
                userCode,
                verificationUri,
                complete,
                Duration.ofSeconds(Math.max(1, expiresIn)),
                Duration.ofSeconds(interval));
    }

    /** One poll of the token endpoint for a device code: the tokens, or {@link Refused} with the provider's error. */
    Tokens pollDevice(String deviceCode, String codeVerifier) throws Refused {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", DEVICE_GRANT);
        form.put("device_code", deviceCode);
        form.put("client_id", clientId);
        form.put("code_verifier", codeVerifier);
        return tokens(post(tokenEndpoint, form), null);
    }

    /** Revokes a refresh token (RFC 7009); false when the provider offers no revocation. */
    boolean revoke(String refreshToken) throws Refused {
        if (revocationEndpoint.isEmpty()) {
            return false;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", refreshToken);
        form.put("token_type_hint", "refresh_token");
        form.put("client_id", clientId);
        post(revocationEndpoint.get(), form);
        return true;
    }

    private Tokens tokens(JsonNode answer, String previousRefresh) throws Refused {
        String access = answer.path("access_token").asText("");
        String type = answer.path("token_type").asText("");
        if (access.isEmpty() || !type.equalsIgnoreCase("bearer")) {
            throw new Refused("shape", tokenEndpoint + " answered without a bearer access_token");
        }
        if (access.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new Refused("shape", tokenEndpoint + " answered an access token that is not one printable line");
        }
        Instant now = clock.instant();
        Instant accessExpiry = now.plusSeconds(answer.path("expires_in").asLong(300));
        // A provider may rotate the refresh token, or keep the one it was given (RFC 6749, 6).
        String refresh = answer.path("refresh_token").asText("");
        if (refresh.isEmpty()) {
            refresh = previousRefresh;
        }
        long refreshIn = answer.path("refresh_expires_in").asLong(0);
        // Keycloak names how long the refresh token lasts; other providers do not, and 0 means "no fixed end".
        Instant refreshExpiry = refresh == null || refreshIn <= 0 ? null : now.plusSeconds(refreshIn);
        return new Tokens(access, accessExpiry, refresh, refreshExpiry);
    }

    /** A form POST; a non-2xx answer is {@link Refused} with the OAuth error and its description (RFC 6749, 5.2). */
    private JsonNode post(URI endpoint, Map<String, String> form) throws Refused {
        HttpResponse<String> response = send(
                http,
                HttpRequest.newBuilder(endpoint)
                        .timeout(timeout)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(form(form), StandardCharsets.UTF_8))
                        .build());
        JsonNode body = json(response.body());
        if (response.statusCode() / 100 != 2) {
            String error = body.path("error").asText("");
            String description = body.path("error_description").asText("");
            throw new Refused(
                    error.isEmpty() || !error.matches("[a-z_]{1,64}") ? "http-" + response.statusCode() : error,
                    endpoint + " refused: " + (error.isEmpty() ? "HTTP " + response.statusCode() : printable(error))
                            + (description.isEmpty() ? "" : " (" + printable(description) + ")"));
        }
        return body;
    }

    /** One request; no answer is {@link Refused} {@code unreachable}, naming the address. */
    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Refused {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Refused("unreachable", "cannot reach " + request.uri() + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted", "interrupted");
        }
    }

    static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static JsonNode json(String text) {
        try {
            JsonNode node = text == null || text.isBlank() ? null : JSON.readTree(text);
            return node == null || !node.isObject() ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Text from the provider as one short printable line: it is printed, never interpreted. */
    static String printable(String text) {
        String line = text.replaceAll("[\\p{Cc}\\p{Cf}]", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private static String describe(IOException e) {
        return e instanceof java.net.http.HttpTimeoutException
                ? "no answer in time"
                : e instanceof java.net.ConnectException ? "connection refused" : String.valueOf(e.getMessage());
    }
}
