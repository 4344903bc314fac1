package io.baran.worker.provider.selfmanaged;

import io.baran.worker.Failures;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectNames;
import io.baran.worker.provider.ObjectState;
import io.baran.worker.provider.ObjectStore;
import io.baran.workflow.FailureTypes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects as files: a bucket is a directory under the store's root, a key a relative path in it. A write
 * goes to a hidden temporary file in the same directory, is synced, then renamed over the object
 * atomically, so readers see the old object or the new one, never a part. Checksums are computed from
 * the content, so no side file can go stale.
 */
public final class FileSystemObjectStore implements ObjectStore {

    /** Temporary files of writes in progress; never listed, never an object. */
    static final String PARTIAL = ".baran-partial-";

    private final String name;
    private final Path root;
    private final ControlPlane controlPlane;

    public FileSystemObjectStore(String name, Path root, ControlPlane controlPlane) {
        this.name = name;
        this.root = root.toAbsolutePath().normalize();
        this.controlPlane = controlPlane;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane() {
        return controlPlane;
    }

    @Override
    public ObjectState stat(String bucket, String key) {
        Path file = file(bucket, key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return ObjectState.absent(key);
            }
            return new ObjectState(key, true, attributes.size(), sha256(file), attributes.lastModifiedTime().toInstant());
        } catch (NoSuchFileException e) {
            return ObjectState.absent(key);
        } catch (IOException e) {
            throw failure(e, "stat", bucket + "/" + key);
        }
    }

    @Override
    public List<ObjectState> list(String bucket, String prefix) {
        Path dir = bucket(bucket);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(PARTIAL))
                    .map(f -> dir.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                    .filter(k -> k.startsWith(prefix))
                    .sorted()
                    .map(k -> stat(bucket, k))
                    .filter(ObjectState::exists)
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw failure(e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause(), "list", bucket + "/" + prefix);
        }
    }

    @Override
    public byte[] read(String bucket, String key) {
        Path file = file(bucket, key);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw failure(e, "read", bucket + "/" + key);
        }
    }

    @Override
    public void write(String bucket, String key, byte[] content) {
        Path file = file(bucket, key);
        Path partial = null;
        try {
            Files.createDirectories(file.getParent());
            partial = file.resolveSibling(PARTIAL + UUID.randomUUID());
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure(e, "write", bucket + "/" + key);
        } finally {
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // A leftover partial file is never listed; the next write of the key does not need it.
                }
            }
        }
    }

    @Override
    public void copy(String bucket, String fromKey, String toKey) {
        write(bucket, toKey, read(bucket, fromKey));
    }

    @Override
    public void delete(String bucket, String key) {
        Path file = file(bucket, key);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failure(e, "delete", bucket + "/" + key);
        }
    }

    private Path bucket(String bucket) {
        ObjectNames.require(name, bucket, null);
        if (!Files.isDirectory(root)) {
            // The root is a mount that may come back: worth retrying.
            throw Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, "provider " + name + " (file system): the root " + root
                    + " is not there (an unmounted volume?)");
        }
        Path dir = root.resolve(bucket);
        if (!Files.isDirectory(dir)) {
            throw Failures.of(FailureTypes.PROVIDER_REJECTED, "provider " + name + " (file system) has no bucket " + bucket
                    + " (no directory " + dir + ")");
        }
        return dir;
    }

    private Path file(String bucket, String key) {
        ObjectNames.require(name, bucket, key);
        Path dir = bucket(bucket);
        Path file = dir.resolve(key).normalize();
        if (!file.startsWith(dir) || file.getFileName().toString().startsWith(PARTIAL)) {
            throw Failures.of(FailureTypes.INVALID_INPUT, "object store " + name + ": key \"" + key + "\" is not inside bucket " + bucket);
        }
        return file;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    private io.temporal.failure.ApplicationFailure failure(IOException e, String operation, String what) {
        String where = "provider " + name + " (file system " + root + "): " + operation + " " + what;
        if (e instanceof NoSuchFileException) {
            return Failures.of(FailureTypes.PROVIDER_REJECTED, where + ": no such object");
        }
        if (e instanceof AccessDeniedException) {
            return Failures.of(FailureTypes.PROVIDER_REJECTED, where + ": permission denied (" + e.getMessage() + ")");
        }
        return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " failed: " + e);
    }
}
