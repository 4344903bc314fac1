package io.baran.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.baran.audit.AuditAppender;
import io.baran.audit.ChainRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * What a service that writes {@link AuditedCall}s calls at start: {@link #checkConfiguration}, and a warning when it
     * keeps no trail.
     *
     * @throws IllegalStateException naming the setting that is wrong or missing: the service does not start
     */
    public void checkAtStart(String service) {
        if (checkConfiguration() == Store.LOG) {
            org.jboss.logging.Logger.getLogger(CallAuditTrail.class)
                    .warnf(
                            "baran.audit.store=log: the %s's changing calls are logged (%s), not written to the audit"
                                    + " trail",
                            service, ChangeLog.CATEGORY);
        }
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
            List<String> groups,
            String action,
            String target,
            String requestId,
            String reason,
            boolean breakGlass,
            String outcome,
            java.util.Map<String, Object> detail) {
        AuditAppender.Entry entry =
                entry(actor, groups, action, target, requestId, reason, breakGlass, outcome, detail);
        return inTransaction(action, actor, c -> AuditAppender.append(c, entry));
    }

    /** A row of the trail as another call of this kind reads it. */
    public record Recorded(String actor, String action, String target, String outcome, Instant at) {}

    /** Decides, from the rows of a request and the database's time, the outcome row to add to that request. */
    @FunctionalInterface
    public interface Decision {
        /**
         * @return the outcome to append to the request
         * @throws RuntimeException refusing: nothing is appended, and the exception reaches the caller of
         *     {@link #settle}
         */
        String decide(List<Recorded> rows, Instant now);
    }

    /**
     * Adds an outcome row ({@code action} on {@code target}, by {@code actor}) to a request, once {@code decision} has
     * seen the request's rows: read and appended under the chain's lock, in one transaction, so two people settling
     * the same request at once cannot both find it open (a second person's confirmation), and nothing is written
     * between the look and the row (a request left pending).
     */
    public ChainRow settle(
            String requestId, String actor, List<String> groups, String action, String target, Decision decision) {
        return inTransaction("the settling of request " + requestId, actor, c -> {
            AuditAppender.lock(c);
            Instant now;
            try (Statement clock = c.createStatement();
                    ResultSet rs = clock.executeQuery("select clock_timestamp()")) {
                rs.next();
                now = rs.getObject(1, OffsetDateTime.class).toInstant();
            }
            List<Recorded> rows = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "select actor, action, target, outcome, at from audit_log where request_id = ? order by id")) {
                select.setString(1, requestId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Recorded(
                                rs.getString("actor"),
                                rs.getString("action"),
                                rs.getString("target"),
                                rs.getString("outcome"),
                                rs.getObject("at", OffsetDateTime.class).toInstant()));
                    }
                }
            }
            String outcome = decision.decide(List.copyOf(rows), now);
            return AuditAppender.append(c, entry(actor, groups, action, target, requestId, null, false, outcome, null));
        });
    }

    private AuditAppender.Entry entry(
            String actor,
            List<String> groups,
            String action,
            String target,
            String requestId,
            String reason,
            boolean breakGlass,
            String outcome,
            java.util.Map<String, Object> detail) {
        try {
            return new AuditAppender.Entry(
                    actor,
                    json.writeValueAsString(groups),
                    action,
                    target,
                    reason,
                    requestId,
                    breakGlass,
                    outcome,
                    detail == null ? null : json.writeValueAsString(detail));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "an audit row's groups or detail are not JSON: " + e.getOriginalMessage());
        }
    }

    private interface Work {
        ChainRow run(Connection c) throws SQLException;
    }

    private ChainRow inTransaction(String what, String actor, Work work) {
        Properties props = new Properties();
        props.setProperty("user", user);
        password.ifPresent(p -> props.setProperty("password", p));
        String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
        props.setProperty("connectTimeout", seconds);
        props.setProperty("loginTimeout", seconds);
        props.setProperty("socketTimeout", seconds);
        props.setProperty("ApplicationName", "baran audit");
        try (Connection c = connect(props)) {
            c.setAutoCommit(false);
            try {
                ChainRow row = work.run(c);
                c.commit();
                return row;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new CallAuditUnavailableException(
                    "the audit trail did not take " + what + " by " + actor + ": " + rootMessage(e), e);
        }
    }

    /**
     * A connection through PostgreSQL's driver as this service's class loader sees it (not {@link DriverManager}'s
     * registry, which keeps the drivers of the first class loader that asked: a restarted application has another).
     */
    private Connection connect(Properties props) throws SQLException {
        String url = jdbcUrl.orElseThrow();
        Driver driver;
        try {
            driver = (Driver) Class.forName("org.postgresql.Driver", true, CallAuditTrail.class.getClassLoader())
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            return DriverManager.getConnection(url, props);
        }
        Connection c = driver.connect(url, props);
        if (c == null) {
            throw new SQLException(
                    "baran.audit.jdbc-url is not a PostgreSQL URL (jdbc:postgresql://host:port/database)");
        }
        return c;
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
