package io.baran.testinfra;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * An OpenID Connect issuer on 127.0.0.1 for tests: it serves the discovery document and the JSON Web Key Set
 * the services fetch, and signs RS256 access tokens with its own key, exactly as an identity provider does,
 * so the services validate real tokens. Users and groups are whatever a test asks a token for. The local
 * stack and the system tests run Keycloak instead ({@link KeycloakServer}).
 */
public final class OidcIssuer implements AutoCloseable {

    /** The audience the services require ({@code quarkus.oidc.token.audience}). */
    public static final String AUDIENCE = "baran";

    private static final Duration LIFETIME = Duration.ofMinutes(15);

    private static OidcIssuer shared;

    private final HttpServer server;
    private final KeyPair keys;
    private final String keyId = "test-" + UUID.randomUUID().toString().substring(0, 8);

    private OidcIssuer() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the issuer's key", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the issuer's port on 127.0.0.1", e);
        }
        server.createContext(path("/.well-known/openid-configuration"), exchange -> send(exchange, discovery()));
        server.createContext(path("/protocol/openid-connect/certs"), exchange -> send(exchange, jwks()));
        server.start();
    }

    /** One issuer for the whole test run: every service and test in this JVM trusts the same key. */
    public static synchronized OidcIssuer shared() {
        if (shared == null) {
            shared = new OidcIssuer();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** The issuer URL: {@code iss} of every token, and what {@code quarkus.oidc.auth-server-url} names. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
    }

    /** A fresh access token for {@code user} in {@code groups}, for the services' audience. */
    public String token(String user, String... groups) {
        return token(user, List.of(groups), AUDIENCE, issuer(), LIFETIME, true);
    }

    /** {@link #token} as the value of an {@code Authorization} header. */
    public String bearer(String user, String... groups) {
        return "Bearer " + token(user, groups);
    }

    /** A token the services must refuse: right claims, signed by a key nobody published. */
    public String tokenSignedByAnotherKey(String user, String... groups) {
        OidcIssuer stranger = new OidcIssuer();
        try {
            return stranger.token(user, List.of(groups), AUDIENCE, issuer(), LIFETIME, true);
        } finally {
            stranger.close();
        }
    }

    /** A token the services must refuse: issued for another audience. */
    public String tokenForAudience(String audience, String user, String... groups) {
        return token(user, List.of(groups), audience, issuer(), LIFETIME, true);
    }

    /** A token the services must refuse: it expired an hour ago. */
    public String expiredToken(String user, String... groups) {
        return token(user, List.of(groups), AUDIENCE, issuer(), Duration.ofHours(-1), true);
    }

    private String token(
            String user, List<String> groups, String audience, String iss, Duration lifetime, boolean signed) {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}";
        String payload = "{\"iss\":" + quote(iss) + ",\"sub\":"
                + quote(UUID.nameUUIDFromBytes(user.getBytes(StandardCharsets.UTF_8))
                        .toString())
                + ",\"preferred_username\":" + quote(user) + ",\"aud\":" + quote(audience)
                + ",\"iat\":" + now + ",\"exp\":" + (now + lifetime.toSeconds()) + ",\"jti\":"
                + quote(UUID.randomUUID().toString())
                + ",\"groups\":[" + groups.stream().map(OidcIssuer::quote).collect(Collectors.joining(",")) + "]}";
        String signingInput = base64(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private String discovery() {
        String base = issuer();
        return "{\"issuer\":" + quote(base) + ",\"jwks_uri\":" + quote(base + "/protocol/openid-connect/certs")
                + ",\"token_endpoint\":" + quote(base + "/protocol/openid-connect/token")
                + ",\"authorization_endpoint\":" + quote(base + "/protocol/openid-connect/auth")
                + ",\"id_token_signing_alg_values_supported\":[\"RS256\"],\"subject_types_supported\":[\"public\"]"
                + ",\"response_types_supported\":[\"code\"]}";
    }

    private String jwks() {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":" + quote(keyId) + ",\"n\":"
                + quote(base64(unsigned(key.getModulus()))) + ",\"e\":"
                + quote(base64(unsigned(key.getPublicExponent()))) + "}]}";
    }

    private static String path(String suffix) {
        return "/realms/test" + suffix;
    }

    private static void send(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
