package io.baran.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @Test
    void aFreshServerTakesTheOwnersAndTheApplicationsPasswordsOverTcpAndIsGoneAfterClose() throws Exception {
        Path socketDir;
        int port;
        try (PostgresServer server = PostgresServer.start(WorkDirs.create("postgres-test"))) {
            socketDir = server.socketDir();
            port = server.port();
            assertTrue(server.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:"));
            assertEquals(
                    "baran|baran",
                    psql(
                            port,
                            PostgresServer.USER,
                            PostgresServer.PASSWORD,
                            "select current_user || '|' || current_database()"));
            assertEquals("", psql(port, PostgresServer.USER, "wrong", "select 1"), "a wrong password was accepted");
            assertEquals(
                    "baran_app|false",
                    psql(
                            port,
                            PostgresServer.APP_USER,
                            PostgresServer.APP_PASSWORD,
                            "select current_user || '|' || rolsuper from pg_roles where rolname = current_user"));
        }
        assertFalse(LocalProcess.portOpen(port), "PostgreSQL still listens after close");
        assertFalse(Files.exists(socketDir), "the cluster's folder is left behind");
    }

    @Test
    void withDurableCommitsARestartAsAfterACrashKeepsEveryCommitOnTheSamePort() throws Exception {
        try (PostgresServer server = PostgresServer.start(WorkDirs.create("postgres-restart-test"), true)) {
            int port = server.port();
            assertEquals("on", psql(port, PostgresServer.USER, PostgresServer.PASSWORD, "show synchronous_commit"));
            psql(
                    port,
                    PostgresServer.USER,
                    PostgresServer.PASSWORD,
                    "create table kept (n int); insert into kept select generate_series(1, 500)");

            server.restart();

            assertEquals(port, server.port());
            assertEquals("500", psql(port, PostgresServer.USER, PostgresServer.PASSWORD, "select count(*) from kept"));
        }
    }

    /** The query's single value, or "" when psql fails. */
    private static String psql(int port, String user, String password, String query) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                PostgresServer.binaries().resolve("psql").toString(),
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-U",
                user,
                "-d",
                PostgresServer.DATABASE,
                "-qtAc",
                query));
        pb.environment().put("PGPASSWORD", password);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.exitValue() == 0 ? out : "";
    }
}
