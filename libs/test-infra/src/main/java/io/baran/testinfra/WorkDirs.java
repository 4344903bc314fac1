package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fresh folder under the module's target/ for one test's processes and logs. */
public final class WorkDirs {
    private WorkDirs() {}

    public static Path create(String name) {
        try {
            Path base = Path.of("target", "infra");
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
