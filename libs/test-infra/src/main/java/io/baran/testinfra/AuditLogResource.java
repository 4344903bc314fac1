package io.baran.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The audit trail of a deployment for the detector's or the worker's {@code @QuarkusTest}: a real PostgreSQL whose
 * {@code audit_log} is made by the orchestrator's own migrations (the table, then the grants of
 * {@code V9__audit_writers.sql} to {@link PostgresServer#AUDIT_USER}), and the service pointed at it as that role
 * ({@code baran.audit.*}). Tests read and change the database as its owner through {@link #owner()}.
 */
public class AuditLogResource implements QuarkusTestResourceLifecycleManager {

    private static final String[] MIGRATIONS = {
        "V3__audit_log.sql", "V9__audit_writers.sql", "V10__audit_log_by_request.sql"
    };

    private static volatile PostgresServer server;

    @Override
    public Map<String, String> start() {
        server = PostgresServer.start(WorkDirs.create("postgres-audit"));
        try (Connection c = owner();
                Statement sql = c.createStatement()) {
            Path migrations = migrations();
            for (String name : MIGRATIONS) {
                sql.execute(
                        Files.readString(migrations.resolve(name)).replace("${auditRole}", PostgresServer.AUDIT_USER));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make the audit trail's table: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "baran.audit.store",
                "postgresql",
                "baran.audit.jdbc-url",
                server.jdbcUrl(),
                "baran.audit.user",
                PostgresServer.AUDIT_USER,
                "baran.audit.password",
                PostgresServer.AUDIT_PASSWORD);
    }

    /** A connection to the trail's database as its owner (who may read, revoke and grant). */
    public static Connection owner() throws SQLException {
        PostgresServer running = server;
        if (running == null) {
            throw new IllegalStateException("the audit trail's database is not running");
        }
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", PostgresServer.USER);
        props.setProperty("password", PostgresServer.PASSWORD);
        try {
            // The driver as this class loader sees it: DriverManager keeps the first test application's.
            java.sql.Driver driver = (java.sql.Driver)
                    Class.forName("org.postgresql.Driver", true, AuditLogResource.class.getClassLoader())
                            .getDeclaredConstructor()
                            .newInstance();
            return driver.connect(running.jdbcUrl(), props);
        } catch (ReflectiveOperationException e) {
            return DriverManager.getConnection(running.jdbcUrl(), props);
        }
    }

    /**
     * A row of the trail, the fields tests assert.
     *
     * @param groups the caller's groups, as stored (a JSON array)
     * @param detail as stored (a JSON object), or null
     */
    public record Row(
            String actor,
            String groups,
            String action,
            String target,
            String outcome,
            String detail,
            String reason,
            boolean breakGlass) {}

    /** The rows of the request id ({@code X-Request-Id} the test sent), oldest first. */
    public static List<Row> rows(String requestId) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = owner();
                PreparedStatement select = c.prepareStatement(
                        "select actor, groups, action, target, outcome, detail, reason, break_glass from audit_log"
                                + " where request_id = ?"
                                + " order by id")) {
            select.setString(1, requestId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(
                            rs.getString("actor"),
                            rs.getString("groups"),
                            rs.getString("action"),
                            rs.getString("target"),
                            rs.getString("outcome"),
                            rs.getString("detail"),
                            rs.getString("reason"),
                            rs.getBoolean("break_glass")));
                }
            }
        }
        return rows;
    }

    /** Runs a statement as the database's owner (revokes and grants a test needs). */
    public static void ownerRuns(String sql) throws SQLException {
        try (Connection c = owner();
                Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The orchestrator's migrations, from the checkout the tests run in. */
    private static Path migrations() {
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
            Path candidate = dir.resolve("orchestrator-service/src/main/resources/db/migration");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the orchestrator's migrations are not found above "
                + Path.of("").toAbsolutePath());
    }

    @Override
    public void stop() {
        PostgresServer running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }
}
