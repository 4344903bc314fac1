package io.baran.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Reads PostgreSQL's {@code audit_log} over any JDBC connection (only {@code java.sql}: the caller brings the
 * driver) and verifies it: the orchestrator through its pool, {@code baran audit verify} on a connection of its own.
 */
public final class AuditLogReader {

    /** The table's columns, in the order {@link #row} reads them. */
    public static final String COLUMNS =
            "id, at, actor, groups, action, target, reason, request_id, break_glass, outcome, detail, prev_hash, hash";

    private static final int BATCH = 500;

    private AuditLogReader() {}

    /**
     * Inserts {@code row} (already {@linkplain ChainRow#hashed hashed}) as it is: the one way rows are written, by the
     * orchestrator's trail and by tests that build a chain by hand.
     */
    public static void insert(Connection c, ChainRow row) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "insert into audit_log (" + COLUMNS + ") " + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, row.id());
            insert.setObject(2, OffsetDateTime.ofInstant(row.at(), ZoneOffset.UTC));
            insert.setString(3, row.actor());
            insert.setString(4, row.groups());
            insert.setString(5, row.action());
            insert.setString(6, row.target());
            insert.setString(7, row.reason());
            insert.setString(8, row.requestId());
            insert.setBoolean(9, row.breakGlass());
            insert.setString(10, row.outcome());
            insert.setString(11, row.detail());
            insert.setString(12, row.prevHash());
            insert.setString(13, row.hash());
            insert.executeUpdate();
        }
    }

    /** The row the result set stands on, as stored. */
    public static ChainRow row(ResultSet rs) throws SQLException {
        return new ChainRow(
                rs.getLong("id"),
                rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("actor"),
                rs.getString("groups"),
                rs.getString("action"),
                rs.getString("target"),
                rs.getString("reason"),
                rs.getString("request_id"),
                rs.getBoolean("break_glass"),
                rs.getString("outcome"),
                rs.getString("detail"),
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }

    /**
     * Verifies the whole trail in id order, as one statement: one consistent snapshot, whatever is appended
     * meanwhile. Rows are fetched {@value #BATCH} at a time, which PostgreSQL's driver does only outside auto-commit:
     * a connection in auto-commit mode is switched out of it for the read and back afterwards.
     */
    public static Verification verify(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        try (PreparedStatement select = c.prepareStatement("select " + COLUMNS + " from audit_log order by id")) {
            select.setFetchSize(BATCH);
            ChainVerifier verifier = new ChainVerifier();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next() && verifier.accept(row(rs))) {
                    // each row is checked as it is read
                }
            }
            return verifier.result();
        } finally {
            if (autoCommit) {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
