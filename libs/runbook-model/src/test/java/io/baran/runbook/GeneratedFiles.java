package io.baran.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files generated from the model and committed, so readers and editors find them: they must not drift. */
final class GeneratedFiles {

    private GeneratedFiles() {}

    /**
     * Fails when the committed file differs from what the model generates now; with
     * {@code -Dbaran.regenerate=true} rewrites it instead.
     */
    static void assertCommitted(String relativePath, String generated, String howToRegenerate) throws IOException {
        Path file = TestFiles.root().resolve(relativePath);
        if (TestFiles.regenerate()) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated);
            return;
        }
        String committed = Files.exists(file) ? Files.readString(file) : "";
        assertEquals(
                generated,
                committed,
                relativePath + " differs from what the runbook model generates; regenerate it with: "
                        + howToRegenerate);
    }
}
