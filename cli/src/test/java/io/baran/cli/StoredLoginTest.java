package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.baran.testinfra.Ports;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kept login without a provider to log in at: its lock (a refresh waits for another command's and takes the tokens
 * it wrote), which session a new login ends, and what login and logout do with a file they cannot use. The token
 * endpoint and the API are servers on 127.0.0.1 that record every request.
 */
class StoredLoginTest {

    @TempDir
    Path config;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String bearer = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getPath() + (bearer == null ? "" : " " + bearer));
            // The token endpoint answers as a provider whose session has ended; the API answers every call.
            boolean token = exchange.getRequestURI().getPath().equals("/token");
            Answers.json(
                    exchange, token ? 400 : 200, token ? "{\"error\":\"invalid_grant\"}" : "{\"executionId\":\"x\"}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private Path file() {
        return config.resolve(StoredLogin.FILE);
    }

    private StoredLogin login(String access, Instant expires) {
        return new StoredLogin(
                "http://127.0.0.1:1/realms/baran",
                "baran-cli",
                URI.create(url() + "/token"),
                Optional.empty(),
                access,
                expires,
                Optional.of("refresh-1"),
                Optional.empty());
    }

    @Test
    void aRefreshWaitsForAnotherCommandHoldingTheLockAndTakesTheTokensItWrote() throws Exception {
        login("expiring", Instant.now().plusSeconds(5)).write(file());
        CountDownLatch holding = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            try {
                StoredLogin.locked(file(), Duration.ofSeconds(10), () -> {
                    holding.countDown();
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    // Another command's refresh, done while it holds the lock.
                    login("refreshed-by-the-other", Instant.now().plusSeconds(3600))
                            .write(file());
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        assertTrue(holding.await(10, TimeUnit.SECONDS));

        BaranRun status =
                BaranRun.of(Map.of("BARAN_CONFIG_DIR", config.toString(), "BARAN_URL", url()), "status", "x", "--json");
        other.join(10_000);

        assertEquals(Baran.OK, status.status(), status.err());
        assertEquals(
                List.of("GET /api/executions/x Bearer refreshed-by-the-other"),
                requests,
                "the refresh waited for the other command and used its tokens: no second refresh");
    }

    @Test
    void aNewLoginEndsTheSessionItReplacesUnlessTheTokensShowItIsTheSameOne() {
        String issuer = "http://127.0.0.1:1/realms/baran";
        StoredLogin keycloak = login(jwt("{\"sub\":\"u1\",\"sid\":\"s1\"}"), Instant.now());
        assertFalse(LoginCommand.anotherSession(keycloak, issuer, tokens(jwt("{\"sub\":\"u1\",\"sid\":\"s1\"}"))));
        assertTrue(LoginCommand.anotherSession(keycloak, issuer, tokens(jwt("{\"sub\":\"u1\",\"sid\":\"s2\"}"))));
        assertTrue(LoginCommand.anotherSession(keycloak, issuer, tokens(jwt("{\"sub\":\"u2\"}"))));
        assertTrue(
                LoginCommand.anotherSession(
                        keycloak, "https://other.example/realms/baran", tokens(keycloak.accessToken())),
                "another issuer's login is another session");
        // Nothing to compare (no sid, an opaque token): ended, rather than left alive with nobody holding it.
        StoredLogin noSid = login(jwt("{\"sub\":\"u1\"}"), Instant.now());
        assertTrue(LoginCommand.anotherSession(noSid, issuer, tokens(jwt("{\"sub\":\"u1\"}"))));
        assertTrue(LoginCommand.anotherSession(login("opaque", Instant.now()), issuer, tokens("opaque-2")));
    }

    @Test
    void aLoginFileThatDoesNotReadIsSettledByLogoutBeforeAnyoneLogsInAgain() throws Exception {
        Files.writeString(file(), "{\"issuer\":", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of(
                "BARAN_CONFIG_DIR",
                config.toString(),
                "BARAN_OIDC_ISSUER",
                "http://127.0.0.1:" + Ports.free() + "/realms/baran");

        BaranRun login = BaranRun.of(env, "login");

        // Refused before the provider is asked anything (it is a closed port: asking would end in exit 3).
        assertEquals(LoginCommand.REFUSED, login.status(), login.err());
        assertTrue(login.err().contains("cannot be read as a login"), login.err());
        assertTrue(login.err().contains("baran login refuses to replace it until then"), login.err());

        BaranRun logout = BaranRun.of(env, "logout");
        assertEquals(LoginCommand.UNREACHABLE, logout.status());
        assertTrue(logout.err().contains("baran logout --force"), logout.err());
        assertTrue(Files.exists(file()));

        BaranRun forced = BaranRun.of(env, "logout", "--force");
        assertEquals(Baran.OK, forced.status(), forced.err());
        assertTrue(forced.out().contains("removed; nothing in it could be revoked"), forced.out());
        assertFalse(Files.exists(file()));
        assertEquals(List.of(), requests);
    }

    @Test
    void logoutWithoutALoginChangesNothing() {
        BaranRun logout =
                BaranRun.of(Map.of("BARAN_CONFIG_DIR", config.resolve("none").toString()), "logout");

        assertEquals(Baran.OK, logout.status(), logout.err());
        assertTrue(logout.out().startsWith("not logged in"), logout.out());
        assertFalse(Files.exists(config.resolve("none")), "no folder or lock made for nothing");
    }

    private static IdentityProvider.Tokens tokens(String access) {
        return new IdentityProvider.Tokens(access, Instant.now(), "refresh-2", null);
    }

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }
}
