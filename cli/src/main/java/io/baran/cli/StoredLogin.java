package io.baran.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code baran login} keeps: the issuer and client it logged in to, the endpoints it refreshes and revokes at, and
 * the tokens, in {@code credentials.json} of the configuration folder ({@code BARAN_CONFIG_DIR}, else
 * {@code $XDG_CONFIG_HOME/baran}, else {@code ~/.config/baran}). The folder is made 0700 and the file 0600 from the
 * moment they exist (never written open, then narrowed); a file others may read is refused as ssh refuses a key, since
 * a refresh token there is a session anyone could use. Writes go to a file beside it, then replace it in one rename, so a
 * crash leaves the old login or the new one, never half of one.
 */
record StoredLogin(
        String issuer,
        String clientId,
        URI tokenEndpoint,
        Optional<URI> revocationEndpoint,
        String accessToken,
        Instant accessExpiresAt,
        Optional<String> refreshToken,
        Optional<Instant> refreshExpiresAt) {

    static final String FILE = "credentials.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_FILE =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_DIR = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    /** The login could not be read or written: the message names the file and what to do. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    /** Where the login is kept for this environment. */
    static Path file(Map<String, String> env) {
        String dir = env.get("BARAN_CONFIG_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).resolve(FILE);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg).resolve("baran").resolve(FILE);
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home).resolve(".config").resolve("baran").resolve(FILE);
    }

    StoredLogin withTokens(IdentityProvider.Tokens tokens) {
        return new StoredLogin(
                issuer,
                clientId,
                tokenEndpoint,
                revocationEndpoint,
                tokens.accessToken(),
                tokens.accessExpiresAt(),
                Optional.ofNullable(tokens.refreshToken()),
                Optional.ofNullable(tokens.refreshExpiresAt()));
    }

    static StoredLogin of(IdentityProvider provider, IdentityProvider.Tokens tokens) {
        return new StoredLogin(
                        provider.issuer,
                        provider.clientId,
                        provider.tokenEndpoint,
                        provider.revocationEndpoint,
                        null,
                        null,
                        Optional.empty(),
                        Optional.empty())
                .withTokens(tokens);
    }

    /** The provider this login refreshes at, without reading its discovery document again. */
    IdentityProvider provider(java.time.Duration timeout, java.time.Clock clock) {
        return IdentityProvider.forRefresh(issuer, clientId, tokenEndpoint, revocationEndpoint, timeout, clock);
    }

    static Optional<StoredLogin> read(Path file) throws Unusable {
        return read(file, true);
    }

    /**
     * The login, its file's mode checked unless {@code checkMode} is false: {@code baran logout} reads a file others may
     * read too, since revoking its refresh token is exactly what such a file needs.
     */
    static Optional<StoredLogin> read(Path file, boolean checkMode) throws Unusable {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            if (checkMode && Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                if (!OWNER_FILE.containsAll(mode)) {
                    throw new Unusable(file + " may be read or written by others (mode "
                            + PosixFilePermissions.toString(mode) + "): it holds your session, so it is not used."
                            + " Run baran logout (it revokes the session and removes the file) and log in again, or"
                            + " chmod 600 " + file + " if nobody else could have read it");
                }
            }
            JsonNode node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            String issuer = node.path("issuer").asText("");
            String clientId = node.path("clientId").asText("");
            String access = node.path("accessToken").asText("");
            if (issuer.isEmpty() || clientId.isEmpty() || access.isEmpty()) {
                throw new Unusable(file + " is not a login baran wrote: baran login again");
            }
            return Optional.of(new StoredLogin(
                    issuer,
                    clientId,
                    IdentityProvider.checked(
                            "the stored token endpoint",
                            node.path("tokenEndpoint").asText(""),
                            false),
                    text(node, "revocationEndpoint")
                            .map(u -> IdentityProvider.checked("the stored revocation endpoint", u, false)),
                    access,
                    Instant.parse(node.path("accessExpiresAt").asText()),
                    text(node, "refreshToken"),
                    text(node, "refreshExpiresAt").map(Instant::parse)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw new Unusable("cannot read " + file + ": permission denied");
        } catch (IOException | RuntimeException e) {
            throw new Unusable(file + " cannot be read as a login (" + e.getMessage() + "): baran logout --force,"
                    + " then log in");
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        return Optional.of(node.path(field).asText("")).filter(s -> !s.isEmpty());
    }

    void write(Path file) throws Unusable {
        ObjectNode node = JSON.createObjectNode()
                .put("issuer", issuer)
                .put("clientId", clientId)
                .put("tokenEndpoint", tokenEndpoint.toString())
                .put("accessToken", accessToken)
                .put("accessExpiresAt", accessExpiresAt.toString());
        revocationEndpoint.ifPresent(u -> node.put("revocationEndpoint", u.toString()));
        refreshToken.ifPresent(t -> node.put("refreshToken", t));
        refreshExpiresAt.ifPresent(t -> node.put("refreshExpiresAt", t.toString()));
        Path dir = file.toAbsolutePath().getParent();
        Path partial = dir.resolve(FILE + "." + ProcessHandle.current().pid() + ".partial");
        try {
            boolean posix = makeDirectory(dir);
            Files.deleteIfExists(partial);
            var options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try (FileChannel channel = posix
                            ? FileChannel.open(partial, options, PosixFilePermissions.asFileAttribute(OWNER_FILE))
                            : FileChannel.open(partial, options);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the partial file is the login's own; the next write replaces it
            }
            throw new Unusable("cannot keep the login in " + file + ": " + e);
        }
    }

    /** Makes the folder (0700 where the file system has POSIX modes); true when it has them. */
    private static boolean makeDirectory(Path dir) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        boolean posix = existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
        if (!Files.isDirectory(dir)) {
            try {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectories(dir);
                }
            } catch (FileAlreadyExistsException e) {
                throw new IOException(dir + " exists and is not a folder");
            }
        }
        return posix;
    }

    /** Removes the login, and any partial file a write killed midway left beside it. */
    static boolean delete(Path file) throws Unusable {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (Files.isDirectory(dir)) {
                try (var partials = Files.newDirectoryStream(dir, FILE + ".*.partial")) {
                    for (Path partial : partials) {
                        Files.deleteIfExists(partial);
                    }
                }
            }
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new Unusable("cannot remove " + file + ": " + e.getMessage());
        }
    }

    /** Work done on the login under its lock. */
    interface Locked<T> {
        T run() throws Unusable, ApiClient.Unreachable;
    }

    /**
     * Runs {@code work} holding the lock beside the login ({@code credentials.json.lock}), which every command that
     * changes the login takes: a refresh, a login and a logout never interleave (a refresh finishing after a logout would
     * write the session back; one finishing after a login would put the earlier person's tokens back). Waits at most
     * {@code wait} for another command to let it go.
     */
    static <T> T locked(Path file, java.time.Duration wait, Locked<T> work) throws Unusable, ApiClient.Unreachable {
        Path dir = file.toAbsolutePath().getParent();
        Path lock = dir.resolve(FILE + ".lock");
        // A file lock is the whole process's: threads of one process are kept apart by a lock of their own first, and a
        // thread already holding it (a refresh inside a login, say) goes on without locking the file twice.
        java.util.concurrent.locks.ReentrantLock inProcess =
                IN_PROCESS.computeIfAbsent(lock, l -> new java.util.concurrent.locks.ReentrantLock());
        if (inProcess.isHeldByCurrentThread()) {
            return work.run();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (!inProcess.tryLock(wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                throw held(lock, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unusable("interrupted while waiting for " + lock);
        }
        try {
            boolean posix = makeDirectory(dir);
            var options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try (FileChannel channel = posix
                    ? FileChannel.open(lock, options, PosixFilePermissions.asFileAttribute(OWNER_FILE))
                    : FileChannel.open(lock, options)) {
                java.nio.channels.FileLock lockHeld = channel.tryLock();
                while (lockHeld == null) {
                    if (System.nanoTime() > deadline) {
                        throw held(lock, wait);
                    }
                    Thread.sleep(100);
                    lockHeld = channel.tryLock();
                }
                final java.nio.channels.FileLock held = lockHeld;
                try (held) {
                    return work.run();
                }
            }
        } catch (IOException e) {
            throw new Unusable("cannot lock " + lock + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unusable("interrupted while waiting for " + lock);
        } finally {
            inProcess.unlock();
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.locks.ReentrantLock>
            IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Unusable held(Path lock, java.time.Duration wait) {
        return new Unusable("another baran command has held " + lock + " for over " + wait.toSeconds()
                + " s (a refresh, login or logout that is stopped?): let it end, then try again");
    }
}
