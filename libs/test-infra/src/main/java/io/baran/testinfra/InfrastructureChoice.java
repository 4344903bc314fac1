package io.baran.testinfra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides, once per JVM, which {@link Infrastructure} the tests use, from {@code baran.test.infra} (system
 * property) or {@code BARAN_TEST_INFRA} (environment): {@code local}, {@code testcontainers} or {@code auto}.
 *
 * <p>The default is {@code local}: it is the path CI verifies (CI has no Docker engine). {@code auto} takes
 * containers only when a Docker engine answers; looking for one first checks, without Testcontainers, that a
 * Docker endpoint is configured at all, so a machine without Docker decides at once and quietly.
 */
public final class InfrastructureChoice {

    public static final String PROPERTY = "baran.test.infra";
    public static final String VARIABLE = "BARAN_TEST_INFRA";

    private static Infrastructure chosen;

    private InfrastructureChoice() {}

    static synchronized Infrastructure chosen() {
        if (chosen == null) {
            chosen = decide(setting());
            System.err.println(
                    "baran test infrastructure: " + chosen.describe() + " (" + PROPERTY + "=" + setting() + ")");
        }
        return chosen;
    }

    /** The configured value, {@code local} when none. */
    static String setting() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(VARIABLE);
        }
        return value == null || value.isBlank() ? "local" : value.strip().toLowerCase(Locale.ROOT);
    }

    static Infrastructure decide(String setting) {
        return switch (setting) {
            case "local" -> new ProcessInfrastructure();
            case "testcontainers" -> {
                String why = dockerUnavailableReason();
                if (why != null) {
                    throw new IllegalStateException(PROPERTY + "=testcontainers but " + why
                            + "; start Docker, or run with -D" + PROPERTY + "=local (or auto)");
                }
                yield new ContainerInfrastructure();
            }
            case "auto" ->
                dockerUnavailableReason() == null ? new ContainerInfrastructure() : new ProcessInfrastructure();
            default ->
                throw new IllegalStateException(
                        PROPERTY + " is \"" + setting + "\"; use local, testcontainers or auto");
        };
    }

    /** Why containers cannot be used here, or null when a Docker engine answers. */
    static String dockerUnavailableReason() {
        if (!dockerEndpointConfigured()) {
            return "no Docker endpoint is configured (no DOCKER_HOST, no Docker socket, no ~/.testcontainers.properties)";
        }
        try {
            return ContainerInfrastructure.dockerAnswers() ? null : "the Docker engine does not answer";
        } catch (LinkageError | RuntimeException e) {
            return "Testcontainers cannot reach Docker (" + e + ")";
        }
    }

    /** Whether any Docker endpoint is configured; cheap, and without Testcontainers' own (noisy) probing. */
    static boolean dockerEndpointConfigured() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            return true;
        }
        String home = System.getProperty("user.home");
        List<Path> candidates = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"),
                Path.of(home, ".docker", "desktop", "docker.sock"),
                Path.of(home, ".colima", "default", "docker.sock"),
                Path.of(home, ".rd", "docker.sock"),
                Path.of(home, ".testcontainers.properties")));
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            candidates.add(Path.of(runtime, "docker.sock"));
            candidates.add(Path.of(runtime, "podman", "podman.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
    }
}
