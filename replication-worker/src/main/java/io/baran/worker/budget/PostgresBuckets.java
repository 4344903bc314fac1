package io.baran.worker.budget;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>A budget answer is needed at once, so every wait for the database is bounded by {@code timeout}: connecting and
 * logging in, each statement (a server-side {@code statement_timeout}, which also ends a wait for a row another session
 * holds locked), the socket (a second longer: a server that stopped answering altogether) and the wait for the
 * connection another bucket's call is using (past it, the call is told to wait a moment and ask again: the call using
 * the connection finds out whether the database answers). A call the database does not answer in time, or answers with an error,
 * is not sent blindly at the full rate: it takes from this replica's share of the bucket, a bucket in this process at
 * {@code 1/replicas} of the rate and burst ({@link #shareOf}), where {@code replicas} is the higher of the configured
 * count and the most sessions of the budget this replica has seen in the database. Together the replicas then stay
 * within the account's quota while the database is away from all of them (a replica that alone cannot reach it takes
 * its share on top of what the others take from the row), and a failover goes on, at that pace, instead of stopping
 * with it. The database is asked again {@link #ASK_AGAIN_AFTER} later (one call then waits up to the bound again).
 */
public final class PostgresBuckets implements BucketStore {

    private static final Logger LOG = Logger.getLogger(PostgresBuckets.class);
    static final String TABLE = "baran_api_budget";
    static final String APPLICATION_NAME = "baran-replication-worker api budget";
    /** The wait a call is told to make when another call of this replica holds the connection: then it asks again. */
    static final Duration CONTENDED = Duration.ofMillis(100);

    /** How long the calls take from this replica's share after the database failed to answer, before asking it again. */
    static final Duration ASK_AGAIN_AFTER = Duration.ofSeconds(10);
    /** How often the replicas sharing the database are counted while it answers. */
    private static final Duration COUNT_EVERY = Duration.ofSeconds(10);

    private static final String REFILLED =
            "least(?, tokens + ? * greatest(0, extract(epoch from clock_timestamp() - refilled_at)))";

    private final String url;
    private final Properties credentials;
    private final Duration timeout;
    private final int replicas;
    private final Duration askAgainAfter;
    private final LocalBuckets share = new LocalBuckets();
    /** The connection, held by the one call using it. */
    private final ReentrantLock inUse = new ReentrantLock();

    private Connection connection;
    private long countedAt;
    /** The most sessions of the budget seen in the database, this replica's included. */
    private volatile int replicasSeen = 1;
    /** {@link System#nanoTime()} until which calls take from the share without asking the database; 0: ask. */
    private volatile long unansweredUntil;

    private volatile boolean unanswered;

    /**
     * @param timeout  how long the database may take to answer (see the class comment)
     * @param replicas how many worker replicas share the buckets, at least: this replica's share is {@code 1/replicas}
     *                 while the database does not answer
     */
    public PostgresBuckets(String url, String user, String password, Duration timeout, int replicas) {
        this(url, user, password, timeout, replicas, ASK_AGAIN_AFTER);
    }

    PostgresBuckets(String url, String user, String password, Duration timeout, int replicas, Duration askAgainAfter) {
        if (timeout.isNegative() || timeout.isZero() || replicas < 1) {
            throw new IllegalArgumentException(
                    "an API budget in PostgreSQL needs a positive timeout and at least one replica");
        }
        this.url = url;
        this.timeout = timeout;
        this.replicas = replicas;
        this.askAgainAfter = askAgainAfter;
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        credentials.setProperty("ApplicationName", APPLICATION_NAME);
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        credentials.setProperty("connectTimeout", String.valueOf(seconds));
        credentials.setProperty("loginTimeout", String.valueOf(seconds));
        // The server ends a statement past the timeout (a row lock held elsewhere included); the socket gives up a
        // second later, for a server that does not answer at all.
        credentials.setProperty("socketTimeout", String.valueOf(seconds + 1));
        credentials.setProperty("options", "-c statement_timeout=" + timeout.toMillis());
    }

    @Override
    public Duration tryTake(String bucket, Limit limit) {
        if (unansweredUntil != 0 && System.nanoTime() - unansweredUntil < 0) {
            return share.tryTake(bucket, shareOf(limit));
        }
        boolean mine;
        try {
            mine = inUse.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the API budget in PostgreSQL", e);
        }
        if (!mine) {
            // Another call holds the connection: the database is slow, not known to be away (that call finds out and
            // says so). Falling back to the share here would add it to what the other replicas take from the row.
            return CONTENDED;
        }
        try {
            Connection c = connection();
            countReplicas(c);
            Duration wait = take(c, bucket, limit);
            if (unanswered) {
                unanswered = false;
                LOG.infof("API budget: %s answers again; calls take from the shared buckets", describe());
            }
            unansweredUntil = 0;
            return wait;
        } catch (SQLException e) {
            closeQuietly();
            return unanswered(bucket, limit, e.getMessage());
        } finally {
            inUse.unlock();
        }
    }

    /** This replica's share of the bucket, for calls made while the database does not answer. */
    Limit shareOf(Limit limit) {
        int n = Math.max(replicas, replicasSeen);
        return new Limit(limit.rate() / n, Math.max(1, limit.burst() / n));
    }

    private Duration unanswered(String bucket, Limit limit, String why) {
        unansweredUntil = System.nanoTime() + askAgainAfter.toNanos();
        if (!unanswered) {
            unanswered = true;
            Limit mine = shareOf(limit);
            LOG.warnf(
                    "API budget: %s did not answer within %s (%s); until it does, each call takes from this replica's "
                            + "share of its bucket (%s of %s, for %d replicas), asking the database again every %s",
                    describe(),
                    timeout,
                    why,
                    mine.describe(),
                    limit.describe(),
                    Math.max(replicas, replicasSeen),
                    askAgainAfter);
        }
        return share.tryTake(bucket, shareOf(limit));
    }

    /** Counts the replicas sharing the buckets: the sessions of the budget in this database, when due. */
    private void countReplicas(Connection c) throws SQLException {
        long now = System.nanoTime();
        if (countedAt != 0 && now - countedAt < COUNT_EVERY.toNanos()) {
            return;
        }
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                + "WHERE application_name = ? AND datname = current_database()")) {
            count.setString(1, APPLICATION_NAME);
            try (ResultSet rs = count.executeQuery()) {
                if (rs.next()) {
                    replicasSeen = Math.max(replicasSeen, rs.getInt(1));
                }
            }
        }
        countedAt = now;
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
    public void close() {
        inUse.lock();
        try {
            closeQuietly();
        } finally {
            inUse.unlock();
        }
    }
}
