package io.baran.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository these tests check. */
final class Repo {

    private Repo() {}

    /** The repository root: the system property {@code baran.root} (set by the parent pom), or the folder holding mvnw. */
    static Path root() {
        String configured = System.getProperty("baran.root");
        if (configured != null && Files.isRegularFile(Path.of(configured, "mvnw"))) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "cannot find the repository root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
    }

    static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException(relative + " is missing (looked at " + path + ")");
        }
        return path;
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A folder under this module's target/ for what the tests produce (kustomize output). */
    static Path output(String name) {
        try {
            Path dir = root().resolve("deploy-tests/target/" + name);
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
