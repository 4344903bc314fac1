package io.baran.orchestrator.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.baran.audit.AuditAppender;
import io.baran.audit.AuditLogReader;
import io.baran.audit.ChainRow;
import io.baran.audit.Verification;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The audit trail: who asked Baran to do what, in PostgreSQL's {@code audit_log}, each row hash-chained to the one
 * before (libs/audit-chain). Rows are only ever added; the application's database role may do nothing else.
 *
 * <p>{@link #record} writes and commits in a transaction of its own before it returns, so a caller records what it is
 * about to do, then does it (signals the workflow): nothing is done that is not recorded. Appends are serialised with
 * every other writer of the chain (other orchestrators, the detector, the worker) by {@link AuditAppender}.
 */
@ApplicationScoped
public class AuditTrail {

    /** The advisory lock that serialises appends ({@link AuditAppender}, shared with the detector and the worker). */
    static final long CHAIN_LOCK = AuditAppender.CHAIN_LOCK;

    private static final String COLUMNS = AuditLogReader.COLUMNS;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

    @Inject
    DataSource dataSource;

    private final ObjectMapper json;

    @Inject
    public AuditTrail(ObjectMapper mapper) {
        // Keys sorted: the same detail is always the same text (the hash covers the text as stored).
        this.json = mapper.copy()
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * Appends the entry to the chain and commits, whatever transaction the caller is in.
     *
     * @return the stored row, with its id, time and hash
     * @throws IllegalArgumentException        when the detail cannot be written as JSON
     * @throws AuditTrailUnavailableException when the database does not take it: the caller must not go on
     */
    public AuditRecord record(AuditEntry entry) {
        String groups = toJson(entry.groups());
        String detail = entry.detail() == null ? null : toJson(entry.detail());
        try {
            return QuarkusTransaction.requiringNew().call(() -> append(entry, groups, detail));
        } catch (RuntimeException e) {
            throw new AuditTrailUnavailableException(
                    "could not record " + entry.action() + " on " + entry.target() + " by " + entry.actor()
                            + ", so it is not done",
                    e);
        }
    }

    private AuditRecord append(AuditEntry entry, String groups, String detail) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return toRecord(AuditAppender.append(
                    c,
                    new AuditAppender.Entry(
                            entry.actor(),
                            groups,
                            entry.action(),
                            entry.target(),
                            entry.reason(),
                            entry.requestId(),
                            entry.breakGlass(),
                            entry.outcome(),
                            detail)));
        }
    }

    /**
     * The rows the query selects, oldest first.
     *
     * @throws AuditTrailUnavailableException when the database cannot be read
     */
    public List<AuditRecord> list(AuditQuery q) {
        // Only constant fragments are joined; every value the caller gave is a bind parameter.
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from audit_log where id > ?");
        List<Object> params = new ArrayList<>();
        params.add(q.after() == null ? 0L : q.after());
        if (q.actor() != null) {
            sql.append(" and actor = ?");
            params.add(q.actor());
        }
        if (q.action() != null) {
            sql.append(" and action = ?");
            params.add(q.action());
        }
        if (q.target() != null) {
            sql.append(" and target = ?");
            params.add(q.target());
        }
        if (q.since() != null) {
            sql.append(" and at >= ?");
            params.add(OffsetDateTime.ofInstant(q.since(), ZoneOffset.UTC));
        }
        if (q.until() != null) {
            sql.append(" and at < ?");
            params.add(OffsetDateTime.ofInstant(q.until(), ZoneOffset.UTC));
        }
        sql.append(" order by id limit ?");
        params.add(q.limit());
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                select.setObject(i + 1, params.get(i));
            }
            List<AuditRecord> out = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    out.add(toRecord(AuditLogReader.row(rs)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new AuditTrailUnavailableException("could not read the audit trail", e);
        }
    }

    /**
     * One verification through the API at a time: each reads the whole trail on a connection of the pool for as long as
     * that takes, and a few at once would leave no connection for the rows every action writes first.
     */
    private final java.util.concurrent.Semaphore verifications = new java.util.concurrent.Semaphore(1);

    /** {@link #verify()}, unless another runs: then empty, at once. */
    public java.util.Optional<Verification> verifyUnlessRunning() {
        if (!verifications.tryAcquire()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(verify());
        } finally {
            verifications.release();
        }
    }

    /**
     * Recomputes the whole chain in id order, as one consistent snapshot (rows appended meanwhile are not in it),
     * with the same code as {@code baran audit verify}.
     */
    public Verification verify() {
        try {
            return QuarkusTransaction.requiringNew().timeout(3600).call(() -> {
                try (Connection c = dataSource.getConnection()) {
                    return AuditLogReader.verify(c);
                }
            });
        } catch (RuntimeException e) {
            throw new AuditTrailUnavailableException("could not read the audit trail", e);
        }
    }

    private AuditRecord toRecord(ChainRow row) {
        try {
            List<String> groups = json.readValue(row.groups(), STRINGS);
            Map<String, Object> detail = row.detail() == null ? null : json.readValue(row.detail(), OBJECT);
            return new AuditRecord(
                    row.id(),
                    row.at(),
                    row.actor(),
                    groups,
                    row.action(),
                    row.target(),
                    row.reason(),
                    row.requestId(),
                    row.breakGlass(),
                    row.outcome(),
                    detail,
                    row.prevHash(),
                    row.hash());
        } catch (JsonProcessingException e) {
            // The table's checks keep both JSON; a row that is not can only have been changed by hand.
            throw new IllegalStateException(
                    "audit row " + row.id() + " holds JSON that does not read: " + e.getOriginalMessage(), e);
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the audit entry's detail is not JSON-serialisable: " + e.getOriginalMessage(), e);
        }
    }

    /** The message of the error's first cause: the database's own words. */
    static String rootMessage(Throwable e) {
        if (e == null) {
            return "no cause given";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
