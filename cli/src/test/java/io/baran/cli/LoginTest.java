package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.baran.testinfra.KeycloakServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baran login}, {@code logout} and {@code whoami} against a real Keycloak (the realm {@code baran} the local stack
 * and the system tests use), the person played by an HTTP client that fills in Keycloak's own login pages, as a browser
 * would: the authorization code flow with PKCE to a listener on 127.0.0.1, the device flow, the stored login sent by the
 * operator commands and refreshed, answers that must not log anyone in.
 */
class LoginTest {

    @TempDir
    static Path work;

    private static KeycloakServer keycloak;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path config;

    @BeforeAll
    static void startKeycloak() {
        keycloak = KeycloakServer.start(work);
    }

    @AfterAll
    static void stopKeycloak() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("BARAN_CONFIG_DIR", config.toString());
        env.put("BARAN_OIDC_ISSUER", keycloak.issuer());
        return env;
    }

    private Path credentials() {
        return config.resolve(StoredLogin.FILE);
    }

    private static BaranRun baran(Map<String, String> env, LoginCommand.Person person, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Baran(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        env,
                        false,
                        person,
                        Clock.systemUTC())
                .run(args);
        return new BaranRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBrowserLoginKeepsTheTokenThatTheCommandsSendAndRefreshWhenItExpiresOrIsRefused() throws Exception {
        BaranRun login = baran(env(), new KeycloakUser("operator"), "login", "--timeout", "60s");

        assertEquals(Baran.OK, login.status(), login.err());
        assertTrue(
                login.out()
                        .contains("logged in at " + keycloak.issuer()
                                + " as operator (groups drill-operator, failover-operator)"),
                login.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials())));
        JsonNode stored = JSON.readTree(credentials().toFile());
        String first = stored.path("accessToken").asText();
        assertTrue(userInfo(first).contains("\"preferred_username\":\"operator\""), "the token is Keycloak's");
        assertFalse(login.out().contains(first) || login.err().contains(first), "a token is never printed");
        assertFalse(login.out().contains(stored.path("refreshToken").asText()));

        BaranRun whoami = baran(env(), null, "whoami");
        assertEquals(Baran.OK, whoami.status(), whoami.err());
        assertTrue(whoami.out().contains("user:     operator"), whoami.out());
        assertTrue(whoami.out().contains("audience: [baran]"), whoami.out());
        assertTrue(whoami.out().contains("from:     baran login (" + credentials() + ")"), whoami.out());

        try (Api api = new Api()) {
            Map<String, String> env = env();
            env.put("BARAN_URL", api.url());

            BaranRun status = baran(env, null, "status", "drill-web-1", "--json");
            assertEquals(Baran.OK, status.status(), status.err());
            assertEquals(List.of(first), api.bearers, "the stored token is sent while it is fresh");

            // Expired (or about to): refreshed at Keycloak before it is sent, and the new one kept.
            expireAccessToken();
            status = baran(env, null, "status", "drill-web-1", "--json");
            assertEquals(Baran.OK, status.status(), status.err());
            String second = api.bearers.get(1);
            assertNotEquals(first, second);
            assertTrue(userInfo(second).contains("\"preferred_username\":\"operator\""), "refreshed at Keycloak");
            assertEquals(
                    second,
                    JSON.readTree(credentials().toFile()).path("accessToken").asText());
            assertTrue(Instant.parse(JSON.readTree(credentials().toFile())
                            .path("accessExpiresAt")
                            .asText())
                    .isAfter(Instant.now().plusSeconds(60)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials())));

            // Refused by the API (401) while it looked fresh: refreshed once, the call sent again.
            api.refuseNext.set(true);
            status = baran(env, null, "status", "drill-web-1", "--json");
            assertEquals(Baran.OK, status.status(), status.err());
            assertEquals(4, api.bearers.size(), api.bearers.toString());
            assertEquals(second, api.bearers.get(2));
            assertNotEquals(second, api.bearers.get(3));

            // A login whose refresh token has run out asks for a new login, and sends nothing.
            ObjectNode node = (ObjectNode) JSON.readTree(credentials().toFile());
            node.put("accessExpiresAt", Instant.now().minusSeconds(60).toString());
            node.put("refreshExpiresAt", Instant.now().minusSeconds(1).toString());
            Files.writeString(credentials(), node.toString());
            status = baran(env, null, "status", "drill-web-1", "--json");
            assertEquals(OperatorCommand.UNREACHABLE, status.status(), status.err());
            assertTrue(
                    status.err().contains("your login at " + keycloak.issuer() + " has expired: baran login"),
                    status.err());
            assertEquals(4, api.bearers.size());
        }
    }

    @Test
    void anAnswerCarryingAnotherStateIsIgnoredAndTheLoginGoesOn() {
        List<Integer> forged = new CopyOnWriteArrayList<>();
        KeycloakUser operator = new KeycloakUser("operator") {
            @Override
            public void openBrowser(URI request) {
                Map<String, String> q = query(request);
                // Another program on this machine answers first, with a code of its own and a state it guessed.
                forged.add(get(URI.create(q.get("redirect_uri") + "?state=guessed&code=attacker-code"))
                        .statusCode());
                forged.add(get(URI.create(q.get("redirect_uri") + "?code=attacker-code"))
                        .statusCode());
                super.openBrowser(request);
            }
        };

        BaranRun login = baran(env(), operator, "login", "--timeout", "60s");

        assertEquals(Baran.OK, login.status(), login.err());
        assertEquals(List.of(400, 400), forged);
        assertTrue(login.out().contains(" as operator "), login.out());
    }

    @Test
    void aDeclinedLoginOrAnAnswerNamingAnotherIssuerKeepsNothing() {
        // Keycloak's discovery document says its answers name it (RFC 9207): one that does not is not its own.
        for (var answer : Map.of(
                        "error=access_denied&error_description=The+user+said+no&iss=" + enc(keycloak.issuer()),
                        "did not log you in: access_denied (The user said no)",
                        "code=abc&iss=" + enc("https://idp.example.com/realms/baran"),
                        "names the issuer \"https://idp.example.com/realms/baran\", not " + keycloak.issuer(),
                        "code=abc",
                        "the answer does not name its issuer (iss), which " + keycloak.issuer() + " says")
                .entrySet()) {
            LoginCommand.Person person = new KeycloakUser("operator") {
                @Override
                public void openBrowser(URI request) {
                    Map<String, String> q = query(request);
                    get(URI.create(q.get("redirect_uri") + "?state=" + enc(q.get("state")) + "&" + answer.getKey()));
                }
            };

            BaranRun login = baran(env(), person, "login", "--timeout", "60s");

            assertEquals(LoginCommand.REFUSED, login.status(), login.err());
            assertTrue(login.err().contains(answer.getValue()), login.err());
            assertFalse(Files.exists(credentials()), "nothing is kept");
        }
    }

    @Test
    void noAnswerWithinTheTimeoutEndsTheLoginAndKeepsNothing() {
        LoginCommand.Person away = new KeycloakUser("operator") {
            @Override
            public void openBrowser(URI request) {
                // the person never comes back
            }
        };

        BaranRun login = baran(env(), away, "login", "--timeout", "2s");

        assertEquals(LoginCommand.UNREACHABLE, login.status(), login.err());
        assertTrue(login.err().contains("no answer from " + keycloak.issuer() + " within 2 s"), login.err());
        assertFalse(Files.exists(credentials()));
    }

    @Test
    void aDeviceLoginWaitsForTheCodeAndLogoutRevokesTheSession() throws Exception {
        // The person enters the code later than Keycloak's polling interval (5 s), on another device: the command's
        // first poll is answered authorization_pending, and it polls on.
        AtomicReference<Throwable> personFailed = new AtomicReference<>();
        AtomicBoolean entered = new AtomicBoolean();
        KeycloakUser later = new KeycloakUser("approver1") {
            @Override
            public void enterCode(URI verification) {
                Thread person = new Thread(() -> {
                    try {
                        Thread.sleep(7_000);
                        super.enterCode(verification);
                        entered.set(true);
                    } catch (Throwable t) {
                        personFailed.set(t);
                    }
                });
                person.setDaemon(true);
                person.start();
            }
        };

        BaranRun login = baran(env(), later, "login", "--device", "--timeout", "60s");

        assertEquals(null, personFailed.get());
        assertTrue(entered.get(), "the token came once the code was entered");
        assertEquals(Baran.OK, login.status(), login.err());
        assertTrue(login.err().contains("and enter the code "), login.err());
        assertTrue(login.out().contains(" as approver1 (groups approver)"), login.out());
        String refresh =
                JSON.readTree(credentials().toFile()).path("refreshToken").asText();
        assertEquals(200, refreshGrant(refresh).statusCode(), "the session is live before logout");

        BaranRun logout = baran(env(), null, "logout");

        assertEquals(Baran.OK, logout.status(), logout.err());
        assertTrue(logout.out().contains("the session's refresh token revoked at " + keycloak.issuer()), logout.out());
        assertFalse(Files.exists(credentials()));
        HttpResponse<String> after = refreshGrant(refresh);
        assertEquals(400, after.statusCode(), after.body());
        assertTrue(after.body().contains("invalid_grant"), after.body());

        BaranRun whoami = baran(env(), null, "whoami");
        assertEquals(LoginCommand.UNREACHABLE, whoami.status());
        assertTrue(whoami.err().contains("not logged in: baran login"), whoami.err());
    }

    @Test
    void aLoginFileOthersMayReadIsNotUsedButLogoutStillRevokesItsSession() throws Exception {
        assertEquals(
                Baran.OK,
                baran(env(), new KeycloakUser("viewer"), "login", "--timeout", "60s")
                        .status());
        String refresh =
                JSON.readTree(credentials().toFile()).path("refreshToken").asText();
        Files.setPosixFilePermissions(credentials(), PosixFilePermissions.fromString("rw-r--r--"));

        BaranRun whoami = baran(env(), null, "whoami");

        assertEquals(LoginCommand.UNREACHABLE, whoami.status(), whoami.out());
        assertTrue(whoami.err().contains("may be read or written by others (mode rw-r--r--)"), whoami.err());

        BaranRun logout = baran(env(), null, "logout");
        assertEquals(Baran.OK, logout.status(), logout.err());
        assertFalse(Files.exists(credentials()));
        assertEquals(400, refreshGrant(refresh).statusCode(), "the session that may have leaked is over");
    }

    @Test
    void aSecondLoginEndsTheSessionItReplacesUnlessItIsTheSameOne() throws Exception {
        KeycloakUser viewer = new KeycloakUser("viewer");
        assertEquals(Baran.OK, baran(env(), viewer, "login", "--timeout", "60s").status());
        String viewers =
                JSON.readTree(credentials().toFile()).path("refreshToken").asText();

        // The same person again, their browser still holding Keycloak's session: the same session, left alone.
        BaranRun again = baran(env(), viewer, "login", "--timeout", "60s");
        assertEquals(Baran.OK, again.status(), again.err());
        assertFalse(again.out().contains("revoked"), again.out());
        assertEquals(200, refreshGrant(viewers).statusCode(), "the session both logins share is live");

        // Another person on the same account: the first session is revoked; a token variable set is named.
        Map<String, String> env = env();
        env.put("BARAN_TOKEN_COMMAND", "bin/local-stack token operator");
        BaranRun other = baran(env, new KeycloakUser("approver2"), "login", "--timeout", "60s");
        assertEquals(Baran.OK, other.status(), other.err());
        assertTrue(other.out().contains("the session's refresh token revoked at " + keycloak.issuer()), other.out());
        assertTrue(other.err().contains("warning: BARAN_TOKEN_COMMAND is set"), other.err());
        assertEquals(400, refreshGrant(viewers).statusCode(), "the viewer's session is over");
        BaranRun whoami = baran(env(), null, "whoami");
        assertTrue(whoami.out().contains("user:     approver2"), whoami.out());
        String approvers =
                JSON.readTree(credentials().toFile()).path("refreshToken").asText();
        assertEquals(200, refreshGrant(approvers).statusCode());
    }

    private void expireAccessToken() throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(credentials().toFile());
        node.put("accessExpiresAt", Instant.now().plusSeconds(5).toString());
        Files.writeString(credentials(), node.toString());
    }

    private static String userInfo(String token) {
        return send(HttpRequest.newBuilder(URI.create(keycloak.issuer() + "/protocol/openid-connect/userinfo"))
                        .header("Authorization", "Bearer " + token)
                        .build())
                .body();
    }

    private static HttpResponse<String> refreshGrant(String refresh) {
        return send(HttpRequest.newBuilder(URI.create(keycloak.issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=refresh_token&client_id=baran-cli&refresh_token=" + enc(refresh)))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            values.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    /**
     * A person at Keycloak's pages (password = user name): follows redirects by hand, fills in the login form, grants a
     * device its access, and ends at the address Keycloak sends the browser back to (baran's listener).
     */
    static class KeycloakUser implements LoginCommand.Person {
        private static final Pattern FORM =
                Pattern.compile("<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", Pattern.DOTALL);
        private static final Pattern INPUT = Pattern.compile("<input[^>]*>", Pattern.DOTALL);
        private static final Pattern ATTRIBUTE = Pattern.compile("(name|value|type)=\"([^\"]*)\"");

        private final String user;
        /**
         * The cookies Keycloak set, by name. Not the JDK's CookieManager: Keycloak marks its cookies Secure, which a
         * browser sends to http://127.0.0.1 (a trustworthy origin) and the CookieManager does not.
         */
        private final Map<String, String> cookies = new java.util.concurrent.ConcurrentHashMap<>();

        private final HttpClient browser = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();

        KeycloakUser(String user) {
            this.user = user;
        }

        @Override
        public void openBrowser(URI request) {
            HttpResponse<String> last = walk(request);
            if (!last.uri().getPath().equals(LoopbackRedirect.PATH)) {
                throw unexpected(last);
            }
        }

        @Override
        public void enterCode(URI verification) {
            HttpResponse<String> last = walk(verification);
            if (last.statusCode() != 200 || last.body().contains("kc-form-login")) {
                throw unexpected(last);
            }
        }

        private static IllegalStateException unexpected(HttpResponse<String> page) {
            String body = page.body().replaceAll("\\s+", " ");
            return new IllegalStateException("the person's pages ended at " + page.uri() + " (" + page.statusCode()
                    + "): " + body.substring(0, Math.min(body.length(), 3000)));
        }

        /** Follows the pages until one that is neither a redirect nor a form to fill in (at most 10). */
        private HttpResponse<String> walk(URI start) {
            HttpResponse<String> page = get(start);
            for (int i = 0; i < 10; i++) {
                if (page.statusCode() / 100 == 3) {
                    URI next = page.uri()
                            .resolve(page.headers().firstValue("Location").orElseThrow());
                    page = get(next);
                    continue;
                }
                Matcher form = FORM.matcher(page.body());
                if (page.statusCode() != 200 || !form.find()) {
                    return page;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                Matcher input = INPUT.matcher(form.group(2));
                while (input.find()) {
                    Map<String, String> attributes = new HashMap<>();
                    Matcher a = ATTRIBUTE.matcher(input.group());
                    while (a.find()) {
                        attributes.put(a.group(1), html(a.group(2)));
                    }
                    String name = attributes.get("name");
                    if (name == null || "submit".equals(attributes.get("type")) && !name.equals("accept")) {
                        continue;
                    }
                    fields.put(name, attributes.getOrDefault("value", ""));
                }
                if (fields.containsKey("username")) {
                    fields.put("username", user);
                    fields.put("password", user);
                } else if (!fields.containsKey("accept") && !form.group(2).contains("name=\"accept\"")) {
                    return page;
                } else {
                    fields.put("accept", "Yes");
                }
                page = post(page.uri().resolve(html(form.group(1))), fields);
            }
            throw new IllegalStateException("Keycloak's pages did not end within 10 steps");
        }

        HttpResponse<String> get(URI uri) {
            return send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(20))
                    .GET()
                    .build());
        }

        private HttpResponse<String> post(URI uri, Map<String, String> fields) {
            return send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(IdentityProvider.form(fields)))
                    .build());
        }

        private HttpResponse<String> send(HttpRequest request) {
            try {
                HttpRequest.Builder withCookies = HttpRequest.newBuilder(request, (name, value) -> true);
                if (!cookies.isEmpty()) {
                    withCookies.header(
                            "Cookie",
                            cookies.entrySet().stream()
                                    .map(c -> c.getKey() + "=" + c.getValue())
                                    .collect(java.util.stream.Collectors.joining("; ")));
                }
                HttpResponse<String> response = browser.send(withCookies.build(), HttpResponse.BodyHandlers.ofString());
                for (String set : response.headers().allValues("Set-Cookie")) {
                    String pair = set.split(";", 2)[0];
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        cookies.put(
                                pair.substring(0, eq).strip(),
                                pair.substring(eq + 1).strip());
                    }
                }
                return response;
            } catch (Exception e) {
                throw new IllegalStateException("the person's request to " + request.uri() + " failed", e);
            }
        }

        private static String html(String text) {
            return text.replace("&amp;", "&")
                    .replace("&quot;", "\"")
                    .replace("&#x3D;", "=")
                    .replace("&#61;", "=");
        }
    }

    /** Stands for the orchestrator's API: records the bearer of each call; refuses one call when asked. */
    private static final class Api implements AutoCloseable {
        final List<String> bearers = new CopyOnWriteArrayList<>();
        final AtomicBoolean refuseNext = new AtomicBoolean();
        private final HttpServer server;

        Api() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/", exchange -> {
                String bearer = exchange.getRequestHeaders().getFirst("Authorization");
                bearers.add(bearer == null ? "none" : bearer.substring("Bearer ".length()));
                Answers.json(exchange, refuseNext.getAndSet(false) ? 401 : 200, "{\"executionId\":\"drill-web-1\"}");
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
