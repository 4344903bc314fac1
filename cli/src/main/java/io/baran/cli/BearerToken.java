package io.baran.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bearer token the commands send, from the first source that is set: {@code --token-file}, {@code
 * BARAN_TOKEN_COMMAND} (a command printing a fresh one, e.g. {@code bin/local-stack token operator}), {@code
 * BARAN_TOKEN}, then the login {@code baran login} kept ({@link StoredLogin}), refreshed at its provider shortly before
 * it expires. After a 401 the command is run again, or the login refreshed, once. The token is never printed.
 */
final class BearerToken {

    /** How long before its expiry a stored access token is refreshed rather than sent. */
    static final Duration EARLY = Duration.ofSeconds(30);
    /** How long a command waits for another one's refresh, login or logout to let the login's lock go. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> env;
    private final Optional<Path> tokenFile;
    private final Duration timeout;
    private final Clock clock;
    private String token;
    /** When the cached token, if it is the stored login's, is to be refreshed; null for the other sources. */
    private java.time.Instant refreshAt;

    BearerToken(Map<String, String> env, Optional<Path> tokenFile, Duration timeout, Clock clock) {
        this.env = env;
        this.tokenFile = tokenFile;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Where the token comes from, as the usage text names it. */
    String source() {
        if (tokenFile.isPresent()) {
            return "--token-file " + tokenFile.get();
        }
        if (command().isPresent()) {
            return "BARAN_TOKEN_COMMAND";
        }
        if (!env.getOrDefault("BARAN_TOKEN", "").isBlank()) {
            return "BARAN_TOKEN";
        }
        return "baran login (" + StoredLogin.file(env) + ")";
    }

    private boolean fromLogin() {
        return tokenFile.isEmpty()
                && command().isEmpty()
                && env.getOrDefault("BARAN_TOKEN", "").isBlank();
    }

    /** The token to send now: the one fetched before, unless it is the login's and due for a refresh. */
    String current() throws ApiClient.Unreachable {
        if (token == null || (refreshAt != null && !clock.instant().isBefore(refreshAt))) {
            token = fetch(false);
        }
        return token;
    }

    /** After a 401: a fresh token when its source can give one (the command, the login's refresh), else empty. */
    Optional<String> afterRefusal() throws ApiClient.Unreachable {
        if (command().isEmpty() && !fromLogin()) {
            return Optional.empty();
        }
        token = fetch(true);
        return Optional.of(token);
    }

    private Optional<String> command() {
        return Optional.ofNullable(env.get("BARAN_TOKEN_COMMAND")).filter(c -> !c.isBlank());
    }

    private String fetch(boolean refused) throws ApiClient.Unreachable {
        String found;
        if (tokenFile.isPresent()) {
            try {
                found = Files.readString(tokenFile.get(), StandardCharsets.UTF_8)
                        .trim();
            } catch (IOException e) {
                throw new ApiClient.Unreachable(
                        "cannot read the --token-file " + tokenFile.get() + ": " + e.getMessage());
            }
        } else if (command().isPresent()) {
            found = runCommand(command().get());
        } else if (!fromLogin()) {
            found = env.get("BARAN_TOKEN").trim();
        } else {
            found = fromLogin(refused, token);
        }
        if (found.isEmpty() || found.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new ApiClient.Unreachable(
                    "no bearer token: baran login, or set BARAN_TOKEN, BARAN_TOKEN_COMMAND (e.g."
                            + " \"bin/local-stack token operator\") or --token-file (the token must be one line of printable"
                            + " characters)");
        }
        return found;
    }

    /**
     * The stored login's access token, refreshed when it expires within {@link #EARLY} or {@code sent} was just refused.
     * The refresh runs under the login's lock ({@link StoredLogin#locked}) and reads the file again inside it: two
     * commands at once refresh once, the second taking the first one's tokens (a provider that rotates refresh tokens
     * would refuse the older one), and a login or logout meanwhile is never undone.
     */
    private String fromLogin(boolean refused, String sent) throws ApiClient.Unreachable {
        Path file = StoredLogin.file(env);
        try {
            StoredLogin login = StoredLogin.read(file).orElseThrow(BearerToken::notLoggedIn);
            if (!(refused && login.accessToken().equals(sent)) && fresh(login)) {
                return remember(login);
            }
            return remember(StoredLogin.locked(file, LOCK_WAIT, () -> {
                StoredLogin now = StoredLogin.read(file)
                        .orElseThrow(() -> new ApiClient.Unreachable("logged out meanwhile: baran login"));
                if (!now.accessToken().equals(sent) && fresh(now)) {
                    return now;
                }
                return refresh(file, now);
            }));
        } catch (StoredLogin.Unusable e) {
            throw new ApiClient.Unreachable(e.getMessage());
        }
    }

    private static ApiClient.Unreachable notLoggedIn() {
        return new ApiClient.Unreachable("not logged in: baran login --issuer URL (or set BARAN_TOKEN_COMMAND, e.g."
                + " \"bin/local-stack token operator\", BARAN_TOKEN or --token-file)");
    }

    private String remember(StoredLogin login) {
        refreshAt = login.accessExpiresAt().minus(EARLY);
        return login.accessToken();
    }

    private boolean fresh(StoredLogin login) {
        return login.accessExpiresAt().isAfter(clock.instant().plus(EARLY));
    }

    private StoredLogin refresh(Path file, StoredLogin login) throws ApiClient.Unreachable, StoredLogin.Unusable {
        if (login.refreshToken().isEmpty()
                || login.refreshExpiresAt()
                        .map(t -> !t.isAfter(clock.instant()))
                        .orElse(false)) {
            throw new ApiClient.Unreachable(
                    "your login at " + login.issuer() + " has expired: baran login --issuer " + login.issuer());
        }
        IdentityProvider.Tokens tokens;
        try {
            tokens = login.provider(timeout, clock).refresh(login.refreshToken().get());
        } catch (IdentityProvider.Refused e) {
            if ("invalid_grant".equals(e.error)) {
                throw new ApiClient.Unreachable("your session at " + login.issuer() + " has ended (" + e.getMessage()
                        + "): baran login --issuer " + login.issuer());
            }
            throw new ApiClient.Unreachable("cannot refresh the login: " + e.getMessage());
        }
        StoredLogin refreshed = login.withTokens(tokens);
        refreshed.write(file);
        return refreshed;
    }

    private static String runCommand(String command) throws ApiClient.Unreachable {
        try {
            Process process = new ProcessBuilder(List.of("sh", "-c", command))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readNBytes(64 * 1024);
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ApiClient.Unreachable(
                        "BARAN_TOKEN_COMMAND printed no token within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new ApiClient.Unreachable("BARAN_TOKEN_COMMAND exited with " + process.exitValue());
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new ApiClient.Unreachable("cannot run BARAN_TOKEN_COMMAND: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiClient.Unreachable("interrupted");
        }
    }
}
