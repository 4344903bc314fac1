package io.baran.worker.provider.selfmanaged;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real PostgreSQL servers for a test, from the Debian packages' binaries ({@code /usr/lib/postgresql/N/bin}):
 * one primary, and as many streaming standbys of it as the test asks for ({@code pg_basebackup -R}). Each
 * runs in the foreground as a {@link LocalProcess} on 127.0.0.1 and a free port. PostgreSQL refuses to run
 * as root, so as root every command runs as the {@code postgres} user ({@code runuser}).
 */
final class PostgresServers implements AutoCloseable {

    static final String SUPERUSER = "postgres";
    static final String PASSWORD = "baran-test-password";

    /** One running server. */
    record Server(String name, Path data, int port, LocalProcess process) {
        String address() {
            return "127.0.0.1:" + port;
        }
    }

    private final Path dir;
    private final Path bin;
    private final boolean root;
    private final List<Server> servers = new ArrayList<>();
    private Server primary;

    private PostgresServers(Path dir, Path bin) {
        this.dir = dir;
        this.bin = bin;
        this.root = "root".equals(System.getProperty("user.name"));
    }

    /** Creates and starts the primary, with a password for the superuser and scram-sha-256 over TCP. */
    static PostgresServers start(Path dir) {
        PostgresServers servers = new PostgresServers(dir, binaries());
        try {
            servers.startPrimary();
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    private static Path binaries() {
        String override = System.getenv("BARAN_PG_BIN");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL is not installed: apt-get install -y postgresql (or set BARAN_PG_BIN)");
        }
    }

    private void startPrimary() {
        Path data = ownedDir("primary");
        Path pwfile = dir.resolve("pwfile");
        write(pwfile, PASSWORD + "\n");
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"), Map.of());
        primary = launch("primary", data);
    }

    Server primary() {
        return primary;
    }

    /** A new streaming standby of the primary, started and accepting read-only sessions. */
    Server newStandby(String name) {
        Path data = dir.resolve(name);
        run(List.of(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", String.valueOf(primary.port()),
                "-U", SUPERUSER, "-D", data.toString(), "-R", "-X", "stream", "--no-sync"), Map.of("PGPASSWORD", PASSWORD));
        return launch(name, data);
    }

    private Server launch(String name, Path data) {
        int port = Ports.free();
        List<String> command = new ArrayList<>(asPostgres());
        command.addAll(List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-c", "port=" + port,
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir, "-c", "fsync=off",
                "-c", "full_page_writes=off", "-c", "shared_buffers=16MB", "-c", "max_connections=30"));
        LocalProcess process = LocalProcess.start("postgres-" + name, command, dir, Map.of());
        Server server = new Server(name, data, port, process);
        servers.add(server);
        process.await(() -> accepts(server), Duration.ofSeconds(60), name + " to accept sessions");
        return server;
    }

    private boolean accepts(Server server) {
        try (Connection c = connect(server, SUPERUSER, PASSWORD)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    static Connection connect(Server server, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", p);
    }

    /** Stops one server at once (immediate shutdown), e.g. a standby a test is done with. */
    void stop(Server server) {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", server.data().toString(), "stop", "-m", "immediate", "-w"), Map.of());
        } catch (RuntimeException alreadyStopped) {
            // The process may have ended on its own; LocalProcess.close below makes sure.
        }
        server.process().close();
        servers.remove(server);
    }

    /** A data directory the server's OS user owns. */
    private Path ownedDir(String name) {
        try {
            Path data = dir.resolve(name);
            Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            chown(dir);
            chown(data);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void chown(Path path) throws IOException {
        if (root) {
            UserPrincipal postgres = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(path, postgres);
        }
    }

    private List<String> asPostgres() {
        return root ? List.of("runuser", "-u", "postgres", "--") : List.of();
    }

    private void run(List<String> command, Map<String, String> env) {
        List<String> full = new ArrayList<>(asPostgres());
        if (!env.isEmpty()) {
            full.add("env");
            env.forEach((k, v) -> full.add(k + "=" + v));
        }
        full.addAll(command);
        try {
            Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish within 60 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void write(Path file, String text) {
        try {
            Files.writeString(file, text);
            chown(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Server server : new ArrayList<>(servers)) {
            stop(server);
        }
    }
}
