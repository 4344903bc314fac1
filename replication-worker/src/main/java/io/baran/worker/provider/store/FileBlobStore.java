package io.baran.worker.provider.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A bucket as a directory: {@code <root>/<bucket>/<key>}. Every write goes to a hidden temporary file beside
 * the object ({@code .baran-partial-…}), is synced and checked, then renamed over the object atomically.
 * The SHA-256 is kept in the extended attribute {@code user.baran.sha256} where the file system has them, with the
 * version (size and modification time) it was computed for: an attribute survives a program rewriting the file in
 * place, so a checksum of another version is not taken (nor one written before the version was kept with it); where
 * there is none, objects compare by what the replication ledger recorded.
 *
 * <p>A {@link Precondition}: "absent" is atomic against every writer, the file becoming the object by a hard link,
 * which the file system refuses where the key exists (where it has no hard links, a check then a rename). "Version"
 * (size and modification time) is checked right before the rename or the deletion, under a lock this process's
 * writes to the key share: safe against Baran's own writes in this process, not against another program's write
 * landing between the check and the rename (a file system has no compare-and-swap of a file). Writing a file of
 * the same size within the file system's timestamp granularity does not change its version.
 */
public final class FileBlobStore implements BlobStore {

    /** Temporary files of writes in progress (the same prefix the worker's file-system provider uses). */
    public static final String PARTIAL = ".baran-partial-";

    private static final String SHA256_ATTRIBUTE = "baran.sha256";

    /** This process's writes to a file take the lock of its stripe, whichever store on the directory makes them. */
    private static final ReentrantLock[] WRITES = new ReentrantLock[64];

    static {
        for (int i = 0; i < WRITES.length; i++) {
            WRITES[i] = new ReentrantLock();
        }
    }

    private final String name;
    private final Path root;
    private final Path dir;

    public FileBlobStore(String name, Path root, String bucket) {
        this.name = name;
        this.root = root.toAbsolutePath().normalize();
        this.dir = this.root.resolve(bucket).normalize();
        if (!dir.getParent().equals(this.root) || bucket.isBlank()) {
            throw new IllegalArgumentException(name + ": \"" + bucket + "\" is not a directory name under " + root);
        }
    }

    @Override
    public String describe() {
        return name + ":file://" + dir.getFileName();
    }

    @Override
    public void list(String prefix, Consumer<Blob> each) {
        Path bucket = bucket();
        java.util.TreeMap<String, Blob> found = new java.util.TreeMap<>();
        try {
            Files.walkFileTree(bucket, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    String k = bucket.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                    if (a.isRegularFile()
                            && !f.getFileName().toString().startsWith(PARTIAL)
                            && k.startsWith(prefix)
                            && !k.startsWith(TEMPORARY)
                            && !k.contains("/" + TEMPORARY)) {
                        found.put(k, blob(k, f, a));
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return java.nio.file.FileVisitResult.CONTINUE; // deleted while listing: simply not there
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw failure("list", prefix, e);
        }
        found.values().forEach(each);
    }

    private static Blob blob(String key, Path file, BasicFileAttributes a) {
        String version = version(a);
        return new Blob(
                key, a.size(), a.lastModifiedTime().toInstant(), version, readSha256(file, version), null, null);
    }

    /** A file's version: its size and modification time. */
    private static String version(BasicFileAttributes a) {
        return a.size() + "@" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    }

    @Override
    public Blob stat(String key) {
        Path file = file(key);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return null;
            }
            return blob(key, file, a);
        } catch (NoSuchFileException e) {
            bucket();
            return null;
        } catch (IOException e) {
            throw failure("stat", key, e);
        }
    }

    @Override
    public Reading open(Blob blob) {
        Blob now = stat(blob.key());
        if (now == null || !now.version().equals(blob.version())) {
            throw BlobStoreException.changed(
                    describe(), blob.key(), now == null ? "deleted" : "modified at " + now.modified());
        }
        try {
            return new Reading(Files.newInputStream(file(blob.key())), now);
        } catch (IOException e) {
            throw failure("read", blob.key(), e);
        }
    }

    @Override
    public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
        Path file = file(key);
        Path partial = null;
        try {
            Files.createDirectories(file.getParent());
            partial = file.resolveSibling(PARTIAL + UUID.randomUUID());
            try (FileChannel channel =
                    FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content, 0, length);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            writeSha256(partial, sums.sha256());
            // Read before it is published (a link or a rename keeps the file as it is): what is at the key afterwards
            // may already be another program's write.
            Blob written = blob(key, partial, Files.readAttributes(partial, BasicFileAttributes.class));
            publish(key, partial, file, expected);
            partial = null;
            return written;
        } catch (IOException e) {
            throw failure("write", key, e);
        } finally {
            deleteQuietly(partial);
        }
    }

    @Override
    public Upload upload(String key, long size, long partSize, String sha256, String resumeToken) {
        Path file = file(key);
        Path partial;
        if (resumeToken != null) {
            partial = dir.resolve(resumeToken).normalize();
            if (!partial.startsWith(dir) || !partial.getFileName().toString().startsWith(PARTIAL)) {
                throw new BlobStoreException(describe() + ": \"" + resumeToken + "\" is not an upload of " + key, null);
            }
        } else {
            partial = file.resolveSibling(PARTIAL + UUID.randomUUID());
        }
        return new FileUpload(key, file, partial, partSize, resumeToken != null);
    }

    @Override
    public void delete(String key, Precondition expected) {
        expected.requireDeletable(describe(), key);
        Path file = file(key);
        ReentrantLock lock = writes(file);
        lock.lock();
        try {
            require(key, expected, "deleted");
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failure("delete", key, e);
        } finally {
            lock.unlock();
        }
    }

    /** Makes a complete temporary file the object at key, if the key holds what {@code expected} says. */
    private void publish(String key, Path partial, Path file, Precondition expected) throws IOException {
        ReentrantLock lock = writes(file);
        lock.lock();
        try {
            if (expected.kind() == Precondition.Kind.ABSENT) {
                try {
                    Files.createLink(file, partial);
                    deleteQuietly(partial);
                    return;
                } catch (FileAlreadyExistsException e) {
                    throw BlobStoreException.preconditionFailed(describe(), key, "written", expected, "a file", null);
                } catch (UnsupportedOperationException | FileSystemException e) {
                    // No hard links here: the check and the rename below, under the lock.
                }
            }
            require(key, expected, "written");
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            lock.unlock();
        }
    }

    /** Fails unless the key holds what {@code expected} says; the caller holds the key's lock. */
    private void require(String key, Precondition expected, String outcome) {
        if (expected.isNone()) {
            return;
        }
        Blob current = stat(key);
        if (!expected.holds(current)) {
            throw BlobStoreException.preconditionFailed(
                    describe(),
                    key,
                    outcome,
                    expected,
                    current == null ? "nothing" : "version " + current.version(),
                    null);
        }
    }

    private static ReentrantLock writes(Path file) {
        return WRITES[Math.floorMod(file.hashCode(), WRITES.length)];
    }

    @Override
    public void close() {}

    private final class FileUpload implements Upload {
        private final String key;
        private final Path file;
        private final Path partial;
        private final long partSize;
        private final boolean resumed;
        private FileChannel channel;

        FileUpload(String key, Path file, Path partial, long partSize, boolean resumed) {
            this.key = key;
            this.file = file;
            this.partial = partial;
            this.partSize = partSize;
            this.resumed = resumed;
        }

        @Override
        public String token() {
            return dir.relativize(partial).toString().replace(java.io.File.separatorChar, '/');
        }

        private synchronized FileChannel channel() throws IOException {
            if (channel == null) {
                Files.createDirectories(partial.getParent());
                if (resumed && !Files.exists(partial)) {
                    throw new NoSuchFileException(partial + " (the upload to resume is gone)");
                }
                channel = FileChannel.open(
                        partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            }
            return channel;
        }

        @Override
        public String putPart(int number, byte[] bytes, int length, byte[] md5) {
            try {
                FileChannel ch = channel();
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
                long position = (number - 1) * partSize;
                while (buffer.hasRemaining()) {
                    position += ch.write(buffer, position);
                }
                return String.valueOf(number);
            } catch (IOException e) {
                throw failure("write part " + number + " of", key, e);
            }
        }

        @Override
        public Blob complete(List<String> tags, Digests.Sums sums, Precondition expected) {
            try {
                FileChannel ch = channel();
                ch.truncate(sums.length());
                ch.force(true);
                ch.close();
                // The file was written in parts, possibly by two processes: check all of it before it becomes the
                // object.
                String written = sha256(partial);
                if (!written.equals(sums.sha256()) || Files.size(partial) != sums.length()) {
                    throw new BlobStoreException(
                            describe() + ": " + key + " was written as " + Files.size(partial) + " bytes with SHA-256 "
                                    + written + ", not " + sums.length() + " bytes with " + sums.sha256()
                                    + "; not made visible",
                            null);
                }
                writeSha256(partial, sums.sha256());
                Blob made = blob(key, partial, Files.readAttributes(partial, BasicFileAttributes.class));
                publish(key, partial, file, expected);
                return made;
            } catch (IOException e) {
                throw failure("complete", key, e);
            }
        }

        @Override
        public void abort() {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // deleting follows
            }
            deleteQuietly(partial);
        }
    }

    private Path bucket() {
        if (!Files.isDirectory(root)) {
            throw new BlobStoreException(
                    describe() + ": the root " + root + " is not there (an unmounted volume?)", null);
        }
        if (!Files.isDirectory(dir)) {
            throw new BlobStoreException(describe() + ": no bucket directory " + dir, null);
        }
        return dir;
    }

    private Path file(String key) {
        Path file = dir.resolve(key).normalize();
        if (key.isEmpty()
                || key.startsWith("/")
                || key.contains("\\")
                || !file.startsWith(dir)
                || file.equals(dir)
                || file.getFileName().toString().startsWith(PARTIAL)) {
            throw new BlobStoreException(describe() + ": key \"" + key + "\" is not a file inside " + dir, null);
        }
        return file;
    }

    /** The SHA-256 recorded for {@code version} of the file; null when none is, or it was for another version. */
    private static String readSha256(Path file, String version) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (view == null || !view.list().contains(SHA256_ATTRIBUTE)) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate(view.size(SHA256_ATTRIBUTE));
            view.read(SHA256_ATTRIBUTE, buffer);
            String recorded = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            int space = recorded.indexOf(' ');
            // "<sha256> <version>"; a bare checksum (written before the version was kept with it) is not trusted.
            return space > 0 && recorded.substring(space + 1).equals(version) ? recorded.substring(0, space) : null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Records the SHA-256 of the file as it is now (written and synced): with its version, which renames keep. */
    private static void writeSha256(Path file, String sha256) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (view != null) {
                String version = version(Files.readAttributes(file, BasicFileAttributes.class));
                view.write(
                        SHA256_ATTRIBUTE,
                        ByteBuffer.wrap((sha256 + " " + version).getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // No extended attributes here (tmpfs, some network file systems): the ledger still records the checksum.
        }
    }

    private static String sha256(Path file) throws IOException {
        Digests digests = new Digests();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digests.update(buffer, 0, n);
            }
        }
        return digests.finish().sha256();
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a leftover partial file is never listed
            }
        }
    }

    private BlobStoreException failure(String operation, String key, IOException e) {
        return new BlobStoreException(describe() + ": " + operation + " " + key + " failed: " + e, e);
    }
}
