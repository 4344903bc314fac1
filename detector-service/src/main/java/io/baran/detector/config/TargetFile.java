package io.baran.detector.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code <data-dir>/targets.json}: the targets added through the REST API, as they were submitted. It is replaced
 * as a whole by an atomic move, so a crash leaves either the old file or the new one, and it is readable by its
 * owner only, since URLs may carry credentials.
 */
public final class TargetFile {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;

    public TargetFile(Path dataDir) {
        this.file = dataDir.resolve("targets.json");
    }

    public Path path() {
        return file;
    }

    /** The stored targets by name; none when the file does not exist. */
    public Map<String, TargetSpec> load() {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Stored stored = MAPPER.readValue(file.toFile(), Stored.class);
            return stored.targets() == null ? Map.of() : new TreeMap<>(stored.targets());
        } catch (JsonProcessingException e) {
            throw new TargetDefinitions.InvalidConfigException(
                    java.util.List.of(file + ": not a targets file: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public void save(Map<String, TargetSpec> targets) {
        try {
            Files.createDirectories(file.getParent() == null ? Path.of(".") : file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            String text = MAPPER.writeValueAsString(new Stored(new TreeMap<>(targets)));
            Files.deleteIfExists(temp);
            try {
                // Created owner-only, before a byte of it (credentials of targets) is written.
                Files.createFile(
                        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                // Not a POSIX file system: its own access rules apply.
            }
            Files.writeString(temp, text);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's shape: {@code {"targets": {"<name>": {...}}}}. */
    record Stored(Map<String, TargetSpec> targets) {}
}
