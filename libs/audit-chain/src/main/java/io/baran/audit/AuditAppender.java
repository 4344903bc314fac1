package io.baran.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Appends a row to PostgreSQL's {@code audit_log}, chained to the last one, over any JDBC connection (only
 * {@code java.sql}): the orchestrator's trail through its pool, the detector and the worker on connections of their
 * own. Every service appends the same way, so the one chain holds all of them.
 *
 * <p>Appends from any number of threads and services are serialised by a transaction-scoped advisory lock, taken
 * before the chain's head is read; this needs no privilege beyond SELECT and INSERT on {@code audit_log} (LOCK TABLE
 * and SELECT FOR UPDATE would need UPDATE). The caller runs it in a transaction and commits: the lock is held until
 * then.
 */
public final class AuditAppender {

    /**
     * The advisory lock of the chain: a constant outside the int range, so no {@code pg_advisory_xact_lock(hashtext(..))}
     * (the orchestrator's per-runbook locks) can ever take it. The bytes spell "baranaud".
     */
    public static final long CHAIN_LOCK = 0x6261_7261_6e61_7564L;

    /**
     * What a row says; the chain adds its id, time and hashes.
     *
     * @param groups the caller's groups as a JSON array
     * @param detail a JSON object, or null
     */
    public record Entry(
            String actor,
            String groups,
            String action,
            String target,
            String reason,
            String requestId,
            boolean breakGlass,
            String outcome,
            String detail) {}

    private AuditAppender() {}

    /**
     * Takes the chain's lock for the connection's transaction (until it commits or rolls back): whoever reads the trail
     * under it sees every row committed before, and no row is appended until it ends. Taken again by the same
     * transaction, it is already held.
     */
    public static void lock(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
            lock.setLong(1, CHAIN_LOCK);
            lock.executeQuery().close();
        }
    }

    /** Appends the entry in the connection's transaction (not committed here) and returns the row as stored. */
    public static ChainRow append(Connection c, Entry entry) throws SQLException {
        // The lock first, in a statement of its own: the head read next then sees every row committed before.
        lock(c);
        long lastId = 0;
        String prevHash = AuditChain.GENESIS;
        Instant at;
        try (Statement head = c.createStatement();
                ResultSet rs = head.executeQuery("select clock_timestamp() as now, l.id, l.hash from (select 1) one "
                        + "left join (select id, hash from audit_log order by id desc limit 1) l on true")) {
            rs.next();
            at = rs.getObject("now", OffsetDateTime.class).toInstant();
            if (rs.getObject("id") != null) {
                lastId = rs.getLong("id");
                prevHash = rs.getString("hash");
            }
        }
        ChainRow row = new ChainRow(
                        lastId + 1,
                        at,
                        entry.actor(),
                        entry.groups(),
                        entry.action(),
                        entry.target(),
                        entry.reason(),
                        entry.requestId(),
                        entry.breakGlass(),
                        entry.outcome(),
                        entry.detail(),
                        prevHash,
                        null)
                .hashed();
        AuditLogReader.insert(c, row);
        return row;
    }
}
