package io.baran.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.baran.audit.AuditAppender;
import io.baran.audit.ChainRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the detector and the replication-worker write their {@link AuditedCall}s: the orchestrator's audit trail
 * ({@code audit_log} in PostgreSQL, one hash chain for every service), appended over a connection of their own as a
 * role that may only read and add rows there ({@code baran.audit.user}, {@code baran_audit}: the orchestrator's
 * migration {@code V9__audit_writers.sql} grants it). A connection per row: changing calls are few, and a database
 * that restarted in between costs nothing.
 *
 * <p>{@code baran.audit.store=postgresql} (the default) needs {@code baran.audit.jdbc-url}; a service that has none
 * does not start. {@code log} writes no row, only the {@link ChangeLog} line every service logs anyway: for tests and
 * a laptop, never where people's calls must be traced.
 */
@ApplicationScoped
public class CallAuditTrail {

    /** The stores {@code baran.audit.store} takes. */
    public enum Store {
        POSTGRESQL,
        LOG
    }

    private final String store;
    private final Optional<String> jdbcUrl;
    private final String user;
    private final Optional<String> password;
    private final Duration timeout;
    private final ObjectMapper json;

    public CallAuditTrail(
            @ConfigProperty(name = "baran.audit.store", defaultValue = "postgresql") String store,
            @ConfigProperty(name = "baran.audit.jdbc-url") Optional<String> jdbcUrl,
            @ConfigProperty(name = "baran.audit.user", defaultValue = "baran_audit") String user,
            @ConfigProperty(name = "baran.audit.password") Optional<String> password,
            @ConfigProperty(name = "baran.audit.timeout", defaultValue = "5s") Duration timeout,
            ObjectMapper mapper) {
        this.store = store;
        this.jdbcUrl = jdbcUrl.filter(url -> !url.isBlank());
        this.user = user;
        this.password = password;
        this.timeout = timeout;
        // Keys sorted: the same detail is always the same text (the hash covers the text as stored).
        this.json = mapper.copy()
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * The store, checked: what a service calls at start, so a deployment without its audit trail's database stops there
     * rather than at a person's first call.
     *
     * @throws IllegalStateException naming the setting that is wrong or missing
     */
    public Store checkConfiguration() {
        Store chosen;
        try {
            chosen = Store.valueOf(store.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "baran.audit.store is '" + store + "'; it takes postgresql (the audit trail) or log (no trail)");
        }
        if (chosen == Store.POSTGRESQL && jdbcUrl.isEmpty()) {
            throw new IllegalStateException(
                    "baran.audit.jdbc-url (BARAN_AUDIT_JDBC_URL) is not set: every changing call"
                            + " is written to the audit trail, the orchestrator's database (as baran.audit.user, "
                            + user + ", with baran.audit.password); set it, or baran.audit.store=log to keep no trail"
                            + " of this service's calls (tests, a laptop)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalStateException("baran.audit.timeout must be positive, is " + timeout);
        }
        return chosen;
    }

    /** Whether calls are written to the trail (else only logged). */
    public boolean writes() {
        return checkConfiguration() == Store.POSTGRESQL;
    }

    /**
     * Appends one row and commits.
     *
     * @param groups the caller's groups (written as a JSON array)
     * @param detail written as a JSON object, keys sorted; null for none
     * @throws CallAuditUnavailableException the database did not take it (it may be down, or refuse the role)
     */
    public ChainRow append(
            String actor,
            java.util.List<String> groups,
            String action,
            String target,
            String requestId,
            String outcome,
            java.util.Map<String, Object> detail) {
        AuditAppender.Entry entry;
        try {
            entry = new AuditAppender.Entry(
                    actor,
                    json.writeValueAsString(groups),
                    action,
                    target,
                    null,
                    requestId,
                    false,
                    outcome,
                    detail == null ? null : json.writeValueAsString(detail));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "an audit row's groups or detail are not JSON: " + e.getOriginalMessage());
        }
        Properties props = new Properties();
        props.setProperty("user", user);
        password.ifPresent(p -> props.setProperty("password", p));
        String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
        props.setProperty("connectTimeout", seconds);
        props.setProperty("loginTimeout", seconds);
        props.setProperty("socketTimeout", seconds);
        props.setProperty("ApplicationName", "baran audit");
        try (Connection c = DriverManager.getConnection(jdbcUrl.orElseThrow(), props)) {
            c.setAutoCommit(false);
            try {
                ChainRow row = AuditAppender.append(c, entry);
                c.commit();
                return row;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new CallAuditUnavailableException(
                    "the audit trail did not take " + action + " by " + actor + ": " + rootMessage(e), e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed next; the transaction ends with it
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** The trail did not take a row. */
    public static class CallAuditUnavailableException extends RuntimeException {
        CallAuditUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
