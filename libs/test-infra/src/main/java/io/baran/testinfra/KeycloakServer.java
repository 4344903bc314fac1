package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Keycloak (the OIDC identity provider) with the realm {@code baran} of {@code infra/keycloak/baran-realm.json}:
 * its own process, {@code kc.sh start-dev} of the distribution that {@code infra/keycloak-dist} unpacks from Maven
 * Central, on a free port of 127.0.0.1, on a Java 21+ JDK found by {@link #javaHome()}.
 *
 * <p>Each server gets a home of its own under the work folder (its H2 database, the realm to import, a copy of the small
 * {@code lib/quarkus} that Keycloak rewrites when it re-augments), with links to the distribution's jars. The first start
 * of a distribution re-augments it for the dev profile (some 15 s); that result is kept beside the distribution and
 * copied into later homes, which then start without it.
 *
 * <p>The demo users' passwords are their names: {@code viewer}, {@code operator}, {@code approver1}, {@code approver2},
 * {@code author}, {@code admin}. Access tokens carry {@code aud} {@value #AUDIENCE}, {@code groups} (the user's groups,
 * a flat list) and {@code preferred_username}.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String REALM = "baran";
    /** The public client with the password grant that {@link #token(String)} uses. */
    public static final String CLIENT_ID = "baran-cli";
    /** The audience every access token of the realm carries; the services' {@code quarkus.oidc.client-id}. */
    public static final String AUDIENCE = "baran";

    /** Longest wait for the realm's discovery document; a re-augmenting first start on a busy 2-core machine takes a minute. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    static final int MIN_JAVA = 21;

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final LocalProcess process;

    private KeycloakServer(int port, LocalProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Starts Keycloak with its home and log under {@code workDir}, and waits until the realm's discovery document answers. */
    public static KeycloakServer start(Path workDir) {
        Path dist = distribution();
        Path javaHome = javaHome();
        int port = Ports.free();
        Path home = workDir.toAbsolutePath().resolve("keycloak-home");
        try {
            prepareHome(dist, home);
            Files.copy(realmFile(), home.resolve("data/import/baran-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a Keycloak home in " + home, e);
        }
        String issuer = issuer(port);
        List<String> command = List.of(
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--import-realm",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--hostname=http://127.0.0.1:" + port);
        LocalProcess process = LocalProcess.start(
                "keycloak",
                command,
                workDir.toAbsolutePath(),
                Map.of(
                        "JAVA_HOME",
                        javaHome.toString(),
                        "JAVA",
                        javaHome.resolve("bin/java").toString()));
        try {
            process.await(
                    () -> status(issuer + "/.well-known/openid-configuration") == 200,
                    START_TIMEOUT,
                    "the realm's discovery document at " + issuer + "/.well-known/openid-configuration");
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        keepAugmentation(dist, home);
        return new KeycloakServer(port, process);
    }

    /** The realm's issuer, {@code http://127.0.0.1:<port>/realms/baran}: the services' {@code quarkus.oidc.auth-server-url}. */
    public String issuer() {
        return issuer(port);
    }

    public int port() {
        return port;
    }

    /** A fresh access token of a demo user (password = user name), by the password grant of {@value #CLIENT_ID}. */
    public String token(String user) {
        return token(user, user);
    }

    /** A fresh access token; a refused grant (a wrong password, an unknown user) throws {@link TokenRefused}. */
    public String token(String user, String password) {
        return tokenFrom(issuer(), user, password);
    }

    /**
     * A fresh access token of a demo user from the realm at {@code issuer} (password = user name): for a test that has only
     * the configuration {@link KeycloakResource} set, e.g. {@code @ConfigProperty(name = "quarkus.oidc.auth-server-url")}.
     */
    public static String tokenFrom(String issuer, String user) {
        return tokenFrom(issuer, user, user);
    }

    /** As {@link #tokenFrom(String, String)} with a password; a refused grant throws {@link TokenRefused}. */
    public static String tokenFrom(String issuer, String user, String password) {
        String form = "grant_type=password&client_id=" + enc(CLIENT_ID) + "&username=" + enc(user) + "&password="
                + enc(password) + "&scope=openid";
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("no answer from Keycloak's token endpoint at " + issuer, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Keycloak for a token", e);
        }
        Matcher m = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new TokenRefused(user, response.statusCode(), response.body());
        }
        return m.group(1);
    }

    public Path log() {
        return process.log();
    }

    @Override
    public void close() {
        Stopping.stop("Keycloak", process);
    }

    /** The token endpoint refused a grant: its HTTP status and body (e.g. 401 {@code invalid_grant}). */
    public static final class TokenRefused extends IllegalStateException {
        private final int status;

        TokenRefused(String user, int status, String body) {
            super("Keycloak refused a token for '" + user + "': HTTP " + status + " " + body);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    // -----------------------------------------------------------------------------------------------------------------

    static String issuer(int port) {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    /**
     * The unpacked distribution: the system property {@code baran.keycloak.dist} (set by the root pom), else
     * {@code infra/keycloak-dist/target/keycloak-<version>} with the version pinned in that module's pom.
     */
    static Path distribution() {
        String configured = System.getProperty("baran.keycloak.dist");
        Path dist;
        if (configured != null && !configured.isBlank()) {
            dist = Path.of(configured);
        } else {
            Path module = Tools.projectRoot().resolve("infra/keycloak-dist");
            dist = module.resolve("target/keycloak-" + pinnedVersion(module.resolve("pom.xml")));
        }
        if (!Files.isRegularFile(dist.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("the Keycloak distribution is missing at " + dist
                    + ": unpack it with ./mvnw -pl infra/keycloak-dist generate-resources");
        }
        return dist;
    }

    private static String pinnedVersion(Path pom) {
        try {
            Matcher m = Pattern.compile("<keycloak\\.version>([^<]+)</keycloak\\.version>")
                    .matcher(Files.readString(pom));
            if (m.find()) {
                return m.group(1).trim();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pom, e);
        }
        throw new IllegalStateException("no <keycloak.version> in " + pom);
    }

    static Path realmFile() {
        Path realm = Tools.projectRoot().resolve("infra/keycloak/baran-realm.json");
        if (!Files.isRegularFile(realm)) {
            throw new IllegalStateException("the realm file is missing at " + realm);
        }
        return realm;
    }

    /**
     * The JDK Keycloak runs on (it needs Java {@value #MIN_JAVA}+, the build runs on 17): the environment variable
     * {@code BARAN_KEYCLOAK_JAVA_HOME}, else the newest {@code /usr/lib/jvm/temurin-*-jdk*} of major version 21 or more,
     * else the newest other JDK of that version under {@code /usr/lib/jvm}.
     */
    public static Path javaHome() {
        String override = System.getenv("BARAN_KEYCLOAK_JAVA_HOME");
        if (override != null && !override.isBlank()) {
            Path home = Path.of(override);
            if (!Files.isExecutable(home.resolve("bin/java"))) {
                throw new IllegalStateException("BARAN_KEYCLOAK_JAVA_HOME=" + override + " has no bin/java");
            }
            return home;
        }
        return findJavaHome(Path.of("/usr/lib/jvm"))
                .orElseThrow(
                        () -> new IllegalStateException(
                                "Keycloak needs a JDK " + MIN_JAVA
                                        + " or newer and none was found under /usr/lib/jvm (looked for temurin-*-jdk*,"
                                        + " then any JDK with a release file): install one (e.g. Temurin 25) or set BARAN_KEYCLOAK_JAVA_HOME"));
    }

    static Optional<Path> findJavaHome(Path jvmDir) {
        if (!Files.isDirectory(jvmDir)) {
            return Optional.empty();
        }
        List<Path> all;
        try (Stream<Path> dirs = Files.list(jvmDir)) {
            all = dirs.filter(d -> !Files.isSymbolicLink(d) && Files.isExecutable(d.resolve("bin/java")))
                    .toList();
        } catch (IOException e) {
            return Optional.empty();
        }
        Comparator<Path> byMajor = Comparator.comparingInt(KeycloakServer::majorVersion);
        Optional<Path> temurin = all.stream()
                .filter(d -> d.getFileName().toString().matches("temurin-.*-jdk.*"))
                .filter(d -> majorVersion(d) >= MIN_JAVA)
                .max(byMajor);
        return temurin.isPresent()
                ? temurin
                : all.stream().filter(d -> majorVersion(d) >= MIN_JAVA).max(byMajor);
    }

    /** The major version in a JDK's {@code release} file ({@code JAVA_VERSION="25.0.3"}), 0 when unknown. */
    static int majorVersion(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length())
                            .replace("\"", "")
                            .trim();
                    String major = v.startsWith("1.") ? v.substring(2) : v;
                    return Integer.parseInt(major.split("[^0-9]", 2)[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /**
     * A Keycloak home for one server: its own bin/kc.sh (kc.sh takes its home from its own path), conf, data and
     * lib/quarkus; links to the distribution's jars, themes and providers.
     */
    static void prepareHome(Path dist, Path home) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("data/import"));
        Files.copy(
                dist.resolve("bin/kc.sh"),
                home.resolve("bin/kc.sh"),
                StandardCopyOption.COPY_ATTRIBUTES,
                StandardCopyOption.REPLACE_EXISTING);
        copyTree(dist.resolve("conf"), home.resolve("conf"));
        Files.copy(
                dist.resolve("lib/quarkus-run.jar"),
                home.resolve("lib/quarkus-run.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Path augmented = augmentationCache(dist);
        copyTree(Files.isDirectory(augmented) ? augmented : dist.resolve("lib/quarkus"), home.resolve("lib/quarkus"));
        for (String link : List.of("lib/lib", "lib/app", "themes", "providers")) {
            Files.createSymbolicLink(home.resolve(link), dist.resolve(link).toAbsolutePath());
        }
    }

    /** Where the dev-profile re-augmentation of a distribution is kept: {@code target/keycloak-<version>-dev-quarkus}. */
    static Path augmentationCache(Path dist) {
        return dist.toAbsolutePath().resolveSibling(dist.getFileName() + "-dev-quarkus");
    }

    /** Keeps the home's re-augmented lib/quarkus for later homes, unless one is kept already. Never fails the start. */
    private static void keepAugmentation(Path dist, Path home) {
        Path cache = augmentationCache(dist);
        Path built = home.resolve("lib/quarkus");
        try {
            if (Files.isDirectory(cache)
                    || Files.mismatch(
                                    built.resolve("quarkus-application.dat"),
                                    dist.resolve("lib/quarkus/quarkus-application.dat"))
                            == -1) {
                return;
            }
            Path tmp = cache.resolveSibling(
                    cache.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            copyTree(built, tmp);
            try {
                Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                deleteTree(tmp); // another server kept its copy first
            }
        } catch (IOException | RuntimeException e) {
            // only a cache: the next start re-augments
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = walk.toList();
        }
        for (Path p : paths) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.toList());
        }
        paths.sort(Comparator.reverseOrder());
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

    private static int status(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
