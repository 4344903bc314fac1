package io.baran.testinfra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the programs the tests run, with one line saying how to install a missing one. */
public final class Tools {
    private Tools() {}

    /** The executable named by the environment variable, or found on PATH. */
    public static Path find(String program, String envOverride, String howToInstall) {
        String override = System.getenv(envOverride);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return onPath(program)
                .orElseThrow(() -> new IllegalStateException(
                        program + " is not installed: " + howToInstall + " (or set " + envOverride + ")"));
    }

    public static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The project's root folder, passed by Maven as the system property {@code baran.root}. */
    public static Path projectRoot() {
        String root = System.getProperty("baran.root");
        if (root != null) {
            return Path.of(root);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++) {
            if (Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the project root; run the tests through ./mvnw");
    }

    public static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
