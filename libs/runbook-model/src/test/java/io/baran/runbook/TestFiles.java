package io.baran.runbook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** Where the tests find the project's files and their own resources. */
final class TestFiles {

    private TestFiles() {}

    /** The project's root folder (Maven passes it as {@code baran.root}). */
    static Path root() {
        String root = System.getProperty("baran.root");
        if (root != null) {
            return Path.of(root);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root; run the tests through ./mvnw");
        }
        return dir;
    }

    static Path resource(String name) {
        try {
            return Path.of(TestFiles.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The provider list the golden files and examples are checked against. */
    static ProviderCatalog providers() {
        Properties properties = new Properties();
        try (InputStream in = TestFiles.class.getResourceAsStream("/providers.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ProviderCatalog.fromProperties(properties);
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the test run was asked to rewrite generated and golden files: {@code -Dbaran.regenerate=true}. */
    static boolean regenerate() {
        return Boolean.getBoolean("baran.regenerate");
    }
}
