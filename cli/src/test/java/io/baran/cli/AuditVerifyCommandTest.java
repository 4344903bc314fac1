package io.baran.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.audit.AuditChain;
import io.baran.audit.AuditLogReader;
import io.baran.audit.ChainRow;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code baran audit verify} against a real PostgreSQL holding the orchestrator's audit_log table (its migration, as
 * the orchestrator applies it), rows written as the orchestrator writes them, and then changed behind its back.
 */
class AuditVerifyCommandTest {

    private static final Path ROOT = Path.of(System.getProperty("baran.root", ".."));
    private static final Path MIGRATION =
            ROOT.resolve("orchestrator-service/src/main/resources/db/migration/V3__audit_log.sql");

    private static PostgresServer postgres;

    private record Result(int status, String out, String err) {}

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start(WorkDirs.create("postgres-cli"));
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void freshTable() throws Exception {
        try (Connection c = owner();
                Statement s = c.createStatement()) {
            s.execute("drop table if exists audit_log; drop function if exists audit_log_is_append_only()");
            s.execute(Files.readString(MIGRATION));
        }
    }

    private static Connection owner() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
    }

    private static Result verify(Map<String, String> env, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "audit";
        args[1] = "verify";
        System.arraycopy(options, 0, args, 2, options.length);
        BaranRun r = BaranRun.of(env, args);
        return new Result(r.status(), r.out(), r.err());
    }

    private static Result verify() {
        return verify(Map.of("BARAN_AUDIT_PASSWORD", PostgresServer.PASSWORD), "--jdbc-url", postgres.jdbcUrl());
    }

    /** Appends rows as AuditTrail does: each the next id, hashed over its columns and the hash before. */
    private static String append(int rows) throws SQLException {
        String prev = AuditChain.GENESIS;
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (Connection c = owner()) {
            for (int id = 1; id <= rows; id++) {
                ChainRow row = new ChainRow(
                                id,
                                at.plusMillis(id),
                                "ada",
                                "[\"admin\"]",
                                "failover.start",
                                "shop",
                                id % 2 == 0 ? "outage drill\nsecond line" : null,
                                "req-" + id,
                                id == 3,
                                "requested",
                                "{\"mode\":\"failover\"}",
                                prev,
                                null)
                        .hashed();
                AuditLogReader.insert(c, row);
                prev = row.hash();
            }
        }
        return prev;
    }

    /** What someone with the owner's password could do: switch the guard off, change the past, switch it on again. */
    private static void tamper(String sql) throws SQLException {
        try (Connection c = owner();
                Statement s = c.createStatement()) {
            s.execute("alter table audit_log disable trigger audit_log_append_only");
            s.execute(sql);
            s.execute("alter table audit_log enable trigger audit_log_append_only");
        }
    }

    @Test
    void anUntouchedTrailIsIntactAndItsHeadIsPrinted() throws Exception {
        String head = append(5);
        Result r = verify();
        assertEquals(Baran.OK, r.status(), r.err());
        assertEquals("audit chain intact: 5 rows\nhead: row 5 " + head + "\n", r.out());
    }

    @Test
    void anEmptyTrailIsIntact() {
        Result r = verify();
        assertEquals(Baran.OK, r.status(), r.err());
        assertEquals("audit chain intact: 0 rows\n", r.out());
    }

    @Test
    void aRowChangedByTheOwnerIsNamedWithWhy() throws Exception {
        append(5);
        tamper("update audit_log set actor = 'mallory' where id = 3");
        Result r = verify();
        assertEquals(Baran.INVALID, r.status(), r.err());
        assertTrue(r.out().startsWith("audit chain broken at row 3: its content does not match its hash"), r.out());
    }

    @Test
    void aRowDeletedByTheOwnerShowsAsAGapBeforeTheNextRow() throws Exception {
        append(5);
        tamper("delete from audit_log where id = 2");
        Result r = verify();
        assertEquals(Baran.INVALID, r.status(), r.err());
        assertTrue(
                r.out().startsWith("audit chain broken at row 3: row 2 is missing (row 3 follows row 1)\n"), r.out());
    }

    @Test
    void thePasswordMayComeFromPgpasswordAndTheUserFromAnOption() throws Exception {
        append(2);
        try (Connection c = owner();
                Statement s = c.createStatement()) {
            s.execute("grant select on audit_log to " + PostgresServer.APP_USER);
        }
        Result r = verify(
                Map.of("PGPASSWORD", PostgresServer.APP_PASSWORD),
                "--jdbc-url",
                postgres.jdbcUrl(),
                "--user",
                PostgresServer.APP_USER);
        assertEquals(Baran.OK, r.status(), r.err());
        assertTrue(r.out().startsWith("audit chain intact: 2 rows\n"), r.out());
    }

    @Test
    void aWrongPasswordIsATrailThatCannotBeReadNotABrokenOne() {
        Result r = verify(Map.of("BARAN_AUDIT_PASSWORD", "wrong"), "--jdbc-url", postgres.jdbcUrl());
        assertEquals(AuditVerifyCommand.UNREADABLE, r.status());
        assertTrue(r.err().contains("cannot read the audit trail at " + postgres.jdbcUrl() + " as baran"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aPasswordInTheUrlIsNeverShown() {
        Result r = verify(Map.of(), "--jdbc-url", postgres.jdbcUrl() + "?user=baran&password=Secret-in-the-url-1");
        assertEquals(AuditVerifyCommand.UNREADABLE, r.status(), r.err());
        assertTrue(r.err().contains("cannot read the audit trail at " + postgres.jdbcUrl() + "..."), r.err());
        assertFalse(r.err().contains("Secret-in-the-url-1"), r.err());
        Result usage = verify(Map.of(), "--jdbc-url", "jdbc:mysql://u:Secret-in-the-url-2@db/x?password=Secret-3");
        assertEquals(Baran.USAGE, usage.status());
        assertFalse(usage.err().contains("Secret-in-the-url"), usage.err());
        assertFalse(usage.err().contains("Secret-3"), usage.err());
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Result r = verify(Map.of(), "--jdbc-url");
        assertEquals(Baran.USAGE, r.status());
        assertTrue(r.err().contains("--jdbc-url needs a value"), r.err());
        assertEquals(
                Baran.USAGE, verify(Map.of(), "--api", "http://127.0.0.1:8080").status());
        assertEquals(
                Baran.USAGE, verify(Map.of(), "--jdbc-url", "jdbc:mysql://x/y").status());
    }
}
