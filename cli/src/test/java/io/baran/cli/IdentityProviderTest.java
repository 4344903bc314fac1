package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code baran login} refuses before it sends anything secret: an issuer in the clear on another machine (refused
 * before any connection), a discovery document naming another issuer or endpoints in the clear, a provider without
 * PKCE. The provider here is a server on 127.0.0.1 serving the documents each case needs.
 */
class IdentityProviderTest {

    private HttpServer server;
    private final AtomicReference<String> document = new AtomicReference<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/revoke", exchange -> {
            requests.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/", exchange -> {
            requests.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            Answers.json(exchange, 200, document.get());
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/baran";
    }

    private String doc(String issuer, String token, String methods) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer()
                + "/auth\",\"token_endpoint\":\"" + token + "\"" + methods + "}";
    }

    private BaranRun login(String issuer) {
        return BaranRun.of(Map.of("BARAN_OIDC_ISSUER", issuer, "BARAN_CONFIG_DIR", "/nonexistent/baran"), "login");
    }

    @Test
    void anIssuerInTheClearOnAnotherMachineIsRefusedBeforeAnyConnection() {
        // 192.0.2.1 (TEST-NET-1) is never connected to: the refusal comes before discovery.
        for (String issuer : List.of(
                "http://192.0.2.1/realms/baran", "http://idp.example.com/realms/baran", "ftp://idp.example.com")) {
            BaranRun r = login(issuer);
            assertEquals(Baran.USAGE, r.status(), r.err());
            assertTrue(r.err().contains("the issuer \"" + issuer + "\""), r.err());
        }
        BaranRun credentials = login("https://ops:Secret-1@idp.example.com/realms/baran");
        assertEquals(Baran.USAGE, credentials.status());
        assertFalse(credentials.err().contains("Secret-1"), credentials.err());
    }

    @Test
    void aLogoutWhoseRevocationFailsKeepsTheLoginUnlessForced(@TempDir Path config) throws Exception {
        URI revoke = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/revoke");
        new StoredLogin(
                        issuer(),
                        "baran-cli",
                        URI.create(issuer() + "/token"),
                        Optional.of(revoke),
                        "access",
                        Instant.now().plusSeconds(300),
                        Optional.of("refresh"),
                        Optional.empty())
                .write(config.resolve(StoredLogin.FILE));
        Map<String, String> env = Map.of("BARAN_CONFIG_DIR", config.toString());

        BaranRun kept = BaranRun.of(env, "logout");

        assertEquals(LoginCommand.UNREACHABLE, kept.status(), kept.out());
        assertTrue(kept.err().contains("the refresh token could not be revoked"), kept.err());
        assertTrue(kept.err().contains("kept, so the session can still be revoked"), kept.err());
        assertTrue(Files.exists(config.resolve(StoredLogin.FILE)));

        BaranRun forced = BaranRun.of(env, "logout", "--force");

        assertEquals(Baran.OK, forced.status(), forced.err());
        assertTrue(forced.out().contains("removed; the refresh token could not be revoked"), forced.out());
        assertFalse(Files.exists(config.resolve(StoredLogin.FILE)));
        assertEquals(List.of("POST /revoke", "POST /revoke"), requests);
    }

    @Test
    void aDocumentNamingAnotherIssuerOrEndpointsInTheClearIsRefused() {
        Map<String, String> cases = Map.of(
                doc("https://idp.example.com/realms/baran", issuer() + "/token", ""),
                "names the issuer \"https://idp.example.com/realms/baran\", not " + issuer(),
                doc(issuer(), "http://idp.example.com/token", ""),
                "its token_endpoint \"http://idp.example.com/token\" is plain http to another machine",
                doc(issuer(), issuer() + "/token", ",\"code_challenge_methods_supported\":[\"plain\"]"),
                "does not support PKCE with S256");
        for (var c : cases.entrySet()) {
            document.set(c.getKey());
            BaranRun r = login(issuer());
            assertEquals(LoginCommand.REFUSED, r.status(), r.err());
            assertTrue(r.err().contains(c.getValue()), r.err());
        }
        // Only the discovery documents were read: nothing was sent to any endpoint they named.
        assertEquals(3, requests.size(), requests.toString());
        assertTrue(requests.stream().allMatch(r -> r.equals("GET /realms/baran/.well-known/openid-configuration")));
    }

    @Test
    void aDocumentThatHoldsIsTakenWithItsEndpoints() throws Exception {
        document.set(doc(issuer(), issuer() + "/token", ",\"code_challenge_methods_supported\":[\"plain\",\"S256\"]"));

        IdentityProvider provider =
                IdentityProvider.discover(issuer() + "/", "baran-cli", Duration.ofSeconds(5), Clock.systemUTC());

        assertEquals(issuer(), provider.issuer);
        assertEquals(issuer() + "/token", provider.tokenEndpoint.toString());
        assertTrue(provider.deviceEndpoint.isEmpty());
        var refused = assertThrows(IdentityProvider.Refused.class, () -> provider.authorizeDevice("openid", "x"));
        assertTrue(refused.getMessage().contains("offers no device authorization"), refused.getMessage());
    }
}
