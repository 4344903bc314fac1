package io.baran.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * {@code baran login}, {@code baran logout} and {@code baran whoami}: a person's own token for the operator commands,
 * from the organisation's OpenID Connect provider, without copying tokens around. The login is the authorization code
 * flow with PKCE through the person's browser and a redirect to 127.0.0.1 (RFC 8252, OAuth for native apps), or with
 * {@code --device} the device authorization grant (RFC 8628) for a shell with no browser at hand: a code the person
 * enters on another device. Baran never sees the password; the tokens are kept in {@link StoredLogin}'s file and
 * refreshed there ({@link BearerToken}).
 */
final class LoginCommand {

    static final String USAGE = """
                   baran login [--issuer URL] [--client-id ID] [--scope SCOPES] [--device] [--no-browser]
                               [--redirect-port N] [--timeout 5m]
                                      logs you in at your OpenID Connect provider and keeps the token for the
                                      commands above, refreshed as it expires (you may skip BARAN_TOKEN then):
                                      your browser opens the provider's login page, which sends you back to
                                      127.0.0.1; with --device you enter a code on any device instead (a shell
                                      with no browser); --no-browser prints the address instead of opening it.
                                      --issuer (BARAN_OIDC_ISSUER; locally http://127.0.0.1:8180/realms/baran),
                                      --client-id (BARAN_OIDC_CLIENT_ID, default baran-cli: a public client
                                      allowed to redirect to http://127.0.0.1), --scope (BARAN_OIDC_SCOPE,
                                      default openid; the scope that gives tokens the audience baran, e.g.
                                      api://baran/.default on Entra ID). Kept in BARAN_CONFIG_DIR, else
                                      $XDG_CONFIG_HOME/baran, else ~/.config/baran (credentials.json, mode 0600).
                   baran logout [--force]
                                      revokes the login's refresh token at the provider and removes the login
                                      (kept when the revocation fails, unless --force)
                   baran whoami [--token-file FILE]
                                      who the token the commands would send names (user, groups, audience,
                                      expiry), as the token says: the services check its signature
                     Exit status: 0 done, 1 refused (by the provider or the person; login: a login kept before
                     that logout must settle first), 2 usage, 3 the provider unreachable or failing (5xx), no
                     answer within --timeout, or the login cannot be read, kept or locked.
            """;

    static final String DEFAULT_CLIENT_ID = "baran-cli";
    static final String DEFAULT_SCOPE = "openid";
    static final int REFUSED = 1;
    static final int UNREACHABLE = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(20);

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Clock clock;
    private final Person person;

    /**
     * The person logging in, told where to go (the address is printed as well): {@link #desktop} opens the browser
     * login in their browser and leaves a device login to them; a test plays the person instead.
     */
    interface Person {
        void openBrowser(java.net.URI authorizationRequest);

        void enterCode(java.net.URI verification);
    }

    /** This machine's person: a browser opened where there is a desktop; a device code is entered by hand. */
    static Person desktop(Map<String, String> env) {
        return new Person() {
            @Override
            public void openBrowser(java.net.URI authorizationRequest) {
                LoginCommand.openBrowser(authorizationRequest, env);
            }

            @Override
            public void enterCode(java.net.URI verification) {
                // printed on the terminal; the person opens it on whatever device they have
            }
        };
    }

    LoginCommand(PrintStream out, PrintStream err, Map<String, String> env, Clock clock, Person person) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.clock = clock;
        this.person = person;
    }

    private static final class Options {
        String issuer;
        String clientId;
        String scope;
        boolean device;
        boolean noBrowser;
        int redirectPort;
        Duration timeout = Duration.ofMinutes(5);
        Path tokenFile;
        boolean force;
    }

    int run(String command, List<String> args) {
        Options o;
        try {
            o = parse(command, args);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        return switch (command) {
            case "login" -> login(o);
            case "logout" -> logout(o);
            default -> whoami(o);
        };
    }

    private Options parse(String command, List<String> args) {
        Options o = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            boolean login = command.equals("login");
            switch (arg) {
                case "--device" -> o.device = only(login, command, arg);
                case "--no-browser" -> o.noBrowser = only(login, command, arg);
                case "--force" -> {
                    if (!command.equals("logout")) {
                        throw new IllegalArgumentException(
                                "--force is an option of baran logout, not of baran " + command);
                    }
                    o.force = true;
                }
                case "--issuer", "--client-id", "--scope", "--redirect-port", "--timeout", "--token-file" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    String value = args.get(++i);
                    if (arg.equals("--token-file")) {
                        if (!command.equals("whoami")) {
                            throw new IllegalArgumentException(
                                    "--token-file is an option of baran whoami, not of baran " + command);
                        }
                        o.tokenFile = Path.of(value);
                        continue;
                    }
                    only(login, command, arg);
                    switch (arg) {
                        case "--issuer" -> o.issuer = value;
                        case "--client-id" -> o.clientId = value;
                        case "--scope" -> o.scope = value;
                        case "--redirect-port" -> o.redirectPort = port(value);
                        default -> o.timeout = duration(value);
                    }
                }
                default ->
                    throw new IllegalArgumentException(
                            "unknown option or argument \"" + arg + "\" of baran " + command);
            }
        }
        if (o.device && o.redirectPort != 0) {
            throw new IllegalArgumentException("--redirect-port is for the browser login, not with --device");
        }
        return o;
    }

    private static boolean only(boolean login, String command, String arg) {
        if (!login) {
            throw new IllegalArgumentException(arg + " is an option of baran login, not of baran " + command);
        }
        return true;
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1024 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException("--redirect-port takes a port from 1024 to 65535, not \"" + value + "\"");
    }

    private static Duration duration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d = Duration.parse(v.matches("\\d+[smh]") ? "PT" + v.toUpperCase(Locale.ROOT) : v);
            if (!d.isNegative() && !d.isZero() && d.compareTo(Duration.ofHours(1)) <= 0) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // named below
        }
        throw new IllegalArgumentException(
                "--timeout takes a duration like 90s or 5m, at most 1h, not \"" + value + "\"");
    }

    private int login(Options o) {
        String issuer = Optional.ofNullable(o.issuer)
                .or(() -> Optional.ofNullable(env.get("BARAN_OIDC_ISSUER")))
                .filter(s -> !s.isBlank())
                .orElse(null);
        if (issuer == null) {
            return usage("which identity provider? --issuer URL or BARAN_OIDC_ISSUER (the local stack's:"
                    + " http://127.0.0.1:8180/realms/baran)");
        }
        String clientId = first(o.clientId, "BARAN_OIDC_CLIENT_ID", DEFAULT_CLIENT_ID);
        String scope = first(o.scope, "BARAN_OIDC_SCOPE", DEFAULT_SCOPE);
        if (!clientId.matches("[\\x21-\\x7e]{1,200}") || !scope.matches("[\\x21-\\x7e]+( [\\x21-\\x7e]+)*")) {
            return usage("--client-id and --scope are printable text without spaces (scopes separated by one space)");
        }
        Path file = StoredLogin.file(env);
        // A login kept before must be one this command can read and end: a file others may read (its session may have
        // leaked) or one that does not read is settled by baran logout first, before anyone signs in.
        try {
            StoredLogin.read(file);
        } catch (StoredLogin.Unusable e) {
            err.println("baran: " + e.getMessage() + "; baran login refuses to replace it until then");
            return REFUSED;
        }
        IdentityProvider provider;
        try {
            provider = IdentityProvider.discover(issuer, clientId, HTTP_TIMEOUT, clock);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (IdentityProvider.Refused e) {
            err.println("baran: " + e.getMessage());
            return exit(e);
        }
        IdentityProvider.Tokens tokens;
        try {
            tokens = o.device ? device(provider, scope, o) : browserLogin(provider, scope, o);
        } catch (IdentityProvider.Refused e) {
            err.println("baran: " + e.getMessage());
            return exit(e);
        } catch (LoopbackRedirect.Declined e) {
            err.println("baran: " + e.getMessage());
            return REFUSED;
        } catch (TimeoutException e) {
            err.println("baran: " + e.getMessage() + ": nothing was kept, baran login again");
            return UNREACHABLE;
        } catch (IOException e) {
            err.println("baran: cannot listen on 127.0.0.1 for the provider's answer: " + e.getMessage());
            return UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("baran: interrupted: nothing was kept");
            return UNREACHABLE;
        }
        String replaced;
        try {
            // Under the login's lock: a refresh running meanwhile cannot write the earlier login back over this one.
            replaced = StoredLogin.locked(file, BearerToken.LOCK_WAIT, () -> {
                Optional<StoredLogin> previous = StoredLogin.read(file);
                StoredLogin.of(provider, tokens).write(file);
                return previous.filter(p -> anotherSession(p, provider.issuer, tokens))
                        .map(p -> endSession(p).words())
                        .orElse("");
            });
        } catch (StoredLogin.Unusable | ApiClient.Unreachable e) {
            // Signed in, but not kept: the new session is ended rather than left alive with nobody holding it.
            err.println("baran: " + e.getMessage()
                    + endSession(StoredLogin.of(provider, tokens))
                            .words()
                            .replace("the session's", "the new session's"));
            return UNREACHABLE;
        }
        Claims claims = Claims.of(tokens.accessToken());
        out.println("logged in at " + provider.issuer + claims.who()
                + "; kept in " + file + ", the access token until " + tokens.accessExpiresAt()
                + (tokens.refreshToken() == null
                        ? " (no refresh token: baran login again then)"
                        : ", refreshed as it expires for as long as the session at the provider lasts")
                + replaced);
        for (String variable : List.of("BARAN_TOKEN_COMMAND", "BARAN_TOKEN")) {
            if (!env.getOrDefault(variable, "").isBlank()) {
                err.println("baran: warning: " + variable + " is set, and the commands send its token rather than"
                        + " this login's: unset it to act as the person who logged in");
                break;
            }
        }
        if (!claims.audience().isEmpty() && !claims.audience().contains("baran")) {
            err.println("baran: warning: the token is for " + claims.audience() + ", not the audience baran: the"
                    + " services will refuse it (401); ask for the scope that adds it with --scope");
        }
        out.flush();
        return Baran.OK;
    }

    private String first(String option, String variable, String fallback) {
        if (option != null) {
            return option;
        }
        String value = env.get(variable);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private IdentityProvider.Tokens browserLogin(IdentityProvider provider, String scope, Options o)
            throws IdentityProvider.Refused, LoopbackRedirect.Declined, TimeoutException, IOException,
                    InterruptedException {
        String verifier = random();
        String state = random();
        try (LoopbackRedirect redirect =
                LoopbackRedirect.listen(o.redirectPort, state, provider.issuer, provider.issParameter)) {
            java.net.URI request = provider.authorizationRequest(redirect.uri(), scope, state, challenge(verifier));
            err.println("baran: log in at " + provider.issuer + " in your browser"
                    + (o.noBrowser ? ": open this address" : "; if it does not open, open this address") + " (valid "
                    + human(o.timeout) + "):");
            err.println("  " + request);
            err.flush();
            if (!o.noBrowser) {
                person.openBrowser(request);
            }
            String code;
            try {
                code = redirect.await(o.timeout);
            } catch (TimeoutException e) {
                throw new TimeoutException("no answer from " + provider.issuer + " within " + human(o.timeout)
                        + (redirect.ignored() > 0
                                ? " (" + redirect.ignored() + " answers of another login ignored)"
                                : ""));
            }
            return provider.exchangeCode(code, redirect.uri(), verifier);
        }
    }

    private IdentityProvider.Tokens device(IdentityProvider provider, String scope, Options o)
            throws IdentityProvider.Refused, TimeoutException, InterruptedException {
        String verifier = random();
        IdentityProvider.DeviceAuthorization authorization = provider.authorizeDevice(scope, challenge(verifier));
        Duration valid = authorization.expiresIn().compareTo(o.timeout) < 0 ? authorization.expiresIn() : o.timeout;
        err.println("baran: on any device, open " + authorization.verificationUri() + " and enter the code "
                + authorization.userCode() + " (valid " + human(valid) + ")"
                + authorization
                        .verificationUriComplete()
                        .map(u -> ", or open " + u)
                        .orElse(""));
        err.flush();
        person.enterCode(authorization.verificationUriComplete().orElse(authorization.verificationUri()));
        Instant deadline = clock.instant().plus(valid);
        Duration interval = authorization.interval();
        while (true) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new TimeoutException("the code was not entered within " + human(valid));
            }
            Thread.sleep(Math.min(interval.toMillis(), left.toMillis()));
            try {
                return provider.pollDevice(authorization.deviceCode(), verifier);
            } catch (IdentityProvider.Refused e) {
                switch (e.error) {
                    case "authorization_pending" -> {
                        // the person has not finished yet
                    }
                    case "slow_down" -> interval = interval.plusSeconds(5);
                    case "access_denied" ->
                        throw new IdentityProvider.Refused(
                                e.error, "the login was declined at " + provider.issuer + ": nothing was kept");
                    case "expired_token" -> throw new TimeoutException("the code expired before it was entered");
                    default -> throw e;
                }
            }
        }
    }

    /**
     * Revokes the login's refresh token and removes the file, under the login's lock (a refresh meanwhile would write it
     * back). A file others may read is read all the same: revoking its session is what it needs. When the revocation
     * fails the file is kept (exit 3, or 1 when the provider refused), so the session can still be revoked by a second
     * try; {@code --force} removes it anyway.
     */
    private int logout(Options o) {
        Path file = StoredLogin.file(env);
        if (!java.nio.file.Files.exists(file)) {
            out.println("not logged in (no " + file + ")");
            return Baran.OK;
        }
        try {
            return StoredLogin.locked(file, BearerToken.LOCK_WAIT, () -> {
                Optional<StoredLogin> login;
                try {
                    login = readAnyway(file);
                } catch (StoredLogin.Unusable unreadable) {
                    if (!o.force) {
                        throw unreadable;
                    }
                    login = Optional.empty();
                }
                if (login.isEmpty() && !java.nio.file.Files.exists(file)) {
                    out.println("not logged in (no " + file + ")");
                    return Baran.OK;
                }
                Ended ended = login.map(this::endSession)
                        .orElse(new Ended("; nothing in it could be revoked", Optional.empty()));
                if (ended.failure().isPresent() && !o.force) {
                    err.println("baran: " + ended.words().substring(2) + "; " + file + " kept, so the session can still"
                            + " be revoked: baran logout again, or baran logout --force to forget it anyway");
                    return exit(ended.failure().get());
                }
                StoredLogin.delete(file);
                out.println("logged out: " + file + " removed" + ended.words());
                return Baran.OK;
            });
        } catch (StoredLogin.Unusable | ApiClient.Unreachable e) {
            err.println("baran: " + e.getMessage());
            return UNREACHABLE;
        }
    }

    /**
     * The login replaced is to be ended: it is, unless the tokens show it is the very session the new login joined (the
     * same issuer and the same {@code sid}, as Keycloak's tokens carry), which a browser still holding the provider's
     * session cookie logs the same person in to, and whose revocation would end the new login too. Without a session id
     * to compare (a provider that sends none, an opaque token) the old refresh token is revoked: a session left alive
     * with nobody holding it is the worse mistake.
     */
    static boolean anotherSession(StoredLogin previous, String issuer, IdentityProvider.Tokens next) {
        if (!previous.issuer().equals(issuer)) {
            return true;
        }
        Optional<String> sidBefore = Claims.of(previous.accessToken()).text("sid");
        Optional<String> sidAfter = Claims.of(next.accessToken()).text("sid");
        return sidBefore.isEmpty() || !sidBefore.equals(sidAfter);
    }

    /** What ending a session came to: words ending a sentence, and the provider's refusal if it refused. */
    record Ended(String words, Optional<IdentityProvider.Refused> failure) {}

    static int exit(IdentityProvider.Refused e) {
        return "unreachable".equals(e.error) || e.error.startsWith("http-5") ? UNREACHABLE : REFUSED;
    }

    private static final String NOT_REVOKED = "; the refresh token could not be revoked";

    /** The login in the file, whatever the file's mode. */
    private static Optional<StoredLogin> readAnyway(Path file) throws StoredLogin.Unusable {
        return StoredLogin.read(file, false);
    }

    /** Revokes a login's refresh token at its provider; says what came of it, as the end of a sentence. */
    private Ended endSession(StoredLogin login) {
        if (login.refreshToken().isEmpty()) {
            return new Ended("", Optional.empty());
        }
        try {
            return new Ended(
                    login.provider(HTTP_TIMEOUT, clock)
                                    .revoke(login.refreshToken().get())
                            ? "; the session's refresh token revoked at " + login.issuer()
                            : "; " + login.issuer() + " offers no revocation, so its session lasts until it expires",
                    Optional.empty());
        } catch (IdentityProvider.Refused e) {
            return new Ended(NOT_REVOKED + " (" + e.getMessage() + "): it lasts until it expires", Optional.of(e));
        }
    }

    private int whoami(Options o) {
        BearerToken token = new BearerToken(env, Optional.ofNullable(o.tokenFile), HTTP_TIMEOUT, clock);
        String value;
        try {
            value = token.current();
        } catch (ApiClient.Unreachable e) {
            err.println("baran: " + e.getMessage());
            return UNREACHABLE;
        }
        Claims claims = Claims.of(value);
        if (claims.json().isEmpty()) {
            out.println("the token from " + token.source() + " is not a JWT: only the services can say whom it names");
            return Baran.OK;
        }
        JsonNode c = claims.json().get();
        out.println(
                "user:     " + claims.user().map(IdentityProvider::printable).orElse("(no preferred_username)")
                        + " (sub " + IdentityProvider.printable(c.path("sub").asText("none")) + ")");
        out.println("groups:   " + claims.groups());
        out.println("audience: " + claims.audience());
        out.println("issuer:   " + IdentityProvider.printable(c.path("iss").asText("none")));
        long exp = c.path("exp").asLong(0);
        out.println("expires:  " + (exp == 0 ? "never said" : Instant.ofEpochSecond(exp))
                + (exp != 0 && Instant.ofEpochSecond(exp).isBefore(clock.instant()) ? " (expired)" : ""));
        out.println("from:     " + token.source() + " (as the token says: the services check its signature)");
        out.flush();
        return Baran.OK;
    }

    /** What an access token says of whom it names, read without checking it: for people to read, never to decide. */
    record Claims(Optional<JsonNode> json) {
        static Claims of(String token) {
            String[] parts = token.split("\\.");
            if (parts.length != 3) {
                return new Claims(Optional.empty());
            }
            try {
                JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
                return new Claims(Optional.ofNullable(node).filter(JsonNode::isObject));
            } catch (IOException | IllegalArgumentException e) {
                return new Claims(Optional.empty());
            }
        }

        Optional<String> text(String claim) {
            return json.map(j -> j.path(claim).asText("")).filter(v -> !v.isEmpty());
        }

        Optional<String> user() {
            return json.map(j -> j.path("preferred_username").asText("")).filter(s -> !s.isEmpty());
        }

        List<String> groups() {
            return strings("groups");
        }

        List<String> audience() {
            return strings("aud");
        }

        private List<String> strings(String claim) {
            List<String> values = new ArrayList<>();
            json.map(j -> j.path(claim)).ifPresent(n -> {
                if (n.isArray()) {
                    n.forEach(v -> values.add(IdentityProvider.printable(v.asText())));
                } else if (n.isTextual()) {
                    values.add(IdentityProvider.printable(n.asText()));
                }
            });
            return values;
        }

        String who() {
            return user().map(u -> " as " + IdentityProvider.printable(u)
                            + (groups().isEmpty() ? "" : " (groups " + String.join(", ", groups()) + ")"))
                    .orElse("");
        }
    }

    /** 32 random bytes, base64url: a PKCE code verifier (RFC 7636, 4.1) or a state. */
    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    /** Opens an address in the person's browser where this machine has one; the address is printed either way. */
    private static void openBrowser(java.net.URI uri, Map<String, String> env) {
        boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
        boolean desktop = mac || env.containsKey("DISPLAY") || env.containsKey("WAYLAND_DISPLAY");
        if (!desktop) {
            return;
        }
        try {
            new ProcessBuilder(mac ? "open" : "xdg-open", uri.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // no opener: the address is on the terminal already
        }
    }

    private int usage(String problem) {
        err.println("baran: " + problem);
        err.print(USAGE);
        return Baran.USAGE;
    }
}
