package io.baran.worker.budget;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.jboss.logging.Logger;

/**
 * Token buckets in one PostgreSQL table, shared by every worker replica: one row per bucket, taken from by one
 * atomic {@code UPDATE … WHERE <refilled tokens> >= 1 RETURNING}. The row lock serialises the replicas and the
 * database's clock is the only clock, so replicas with skewed clocks still share one rate.
 *
 * <p>Why not Temporal's task-queue rate limit ({@code setMaxTaskQueueActivitiesPerSecond}): it limits how many
 * activities start per second, not how many API calls they make; a step makes several calls (reads, the change,
 * polls until in sync) and many steps' changes go in one batch, so the limit would have to be guessed per step,
 * and coalescing would be paced by it instead of the calls. The bucket is taken once per API call, whatever the
 * step.
 *
 * <p>One connection, used by one thread at a time: {@link ApiBudget} lets only one thread per bucket and process
 * ask, so the database sees about one query per token (plus one per wait), not one per waiting step.
 */
public final class PostgresBuckets implements BucketStore {

    private static final Logger LOG = Logger.getLogger(PostgresBuckets.class);
    static final String TABLE = "baran_api_budget";
    private static final String REFILLED =
            "least(?, tokens + ? * greatest(0, extract(epoch from clock_timestamp() - refilled_at)))";

    private final String url;
    private final Properties credentials;
    private Connection connection;

    public PostgresBuckets(String url, String user, String password) {
        this.url = url;
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        credentials.setProperty("ApplicationName", "baran-replication-worker api budget");
    }

    @Override
    public synchronized Duration tryTake(String bucket, Limit limit) {
        try {
            return take(connection(), bucket, limit);
        } catch (SQLException e) {
            closeQuietly();
            throw new IllegalStateException(
                    "API budget: the shared buckets in PostgreSQL (" + TABLE + ") could not be read: " + e.getMessage(),
                    e);
        }
    }

    private static Duration take(Connection c, String bucket, Limit limit) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                + " (bucket, tokens, refilled_at) VALUES (?, ?, clock_timestamp()) ON CONFLICT (bucket) DO NOTHING")) {
            insert.setString(1, bucket);
            insert.setDouble(2, limit.burst());
            insert.executeUpdate();
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET tokens = " + REFILLED
                + " - 1, refilled_at = clock_timestamp() WHERE bucket = ? AND " + REFILLED
                + " >= 1 RETURNING tokens")) {
            update.setDouble(1, limit.burst());
            update.setDouble(2, limit.rate());
            update.setString(3, bucket);
            update.setDouble(4, limit.burst());
            update.setDouble(5, limit.rate());
            try (ResultSet taken = update.executeQuery()) {
                if (taken.next()) {
                    return Duration.ZERO;
                }
            }
        }
        try (PreparedStatement select =
                c.prepareStatement("SELECT " + REFILLED + " FROM " + TABLE + " WHERE bucket = ?")) {
            select.setDouble(1, limit.burst());
            select.setDouble(2, limit.rate());
            select.setString(3, bucket);
            try (ResultSet rs = select.executeQuery()) {
                double tokens = rs.next() ? rs.getDouble(1) : 0;
                return Duration.ofNanos((long) Math.ceil(Math.max(0.001, 1 - tokens) / limit.rate() * 1e9));
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, credentials);
            connection.setAutoCommit(true);
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                        + " (bucket text PRIMARY KEY, tokens double precision NOT NULL, "
                        + "refilled_at timestamptz NOT NULL)");
            } catch (SQLException concurrentCreate) {
                // Two replicas creating the table at once: one wins, the other finds it there.
                LOG.debugf("creating %s: %s", TABLE, concurrentCreate.getMessage());
            }
        }
        return connection;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the connection is being dropped because it failed
        }
        connection = null;
    }

    @Override
    public String describe() {
        return "shared in PostgreSQL at " + url.replaceAll("\\?.*", "") + " (table " + TABLE + ")";
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
