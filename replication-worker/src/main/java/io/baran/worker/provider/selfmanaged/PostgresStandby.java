package io.baran.worker.provider.selfmanaged;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DatabaseProvider;
import io.baran.worker.provider.ReplicaState;
import io.baran.workflow.FailureTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * PostgreSQL streaming replication: promotes a standby with {@code pg_promote()}, after fencing the
 * primary it streams from.
 *
 * <p>Fencing makes the old primary refuse writes without stopping it (Baran reaches servers through SQL
 * only, never a shell): {@code ALTER SYSTEM SET default_transaction_read_only = on}, a configuration
 * reload, then the end of every other client session there, so no transaction that began read-write can
 * still commit. The setting lives in {@code postgresql.auto.conf}, so an old primary that restarts stays
 * fenced. Then the standby is given time to replay everything the primary wrote before the fence (asynchronous
 * commits included), so the promotion loses nothing, and only then promoted. A client that deliberately sets {@code default_transaction_read_only}
 * off in its own session could still write: fencing stops applications, not an administrator.
 *
 * <p>An old primary that could not be reached when the standby was promoted ({@code fence: best-effort}) and answers
 * again later is fenced by the step's next attempt without that wait ({@link #fenceAfterPromotion}): the promoted
 * standby replays nothing more, and what the old primary took meanwhile is reported, not waited for.
 */
public final class PostgresStandby implements DatabaseProvider {

    private static final Logger LOG = Logger.getLogger(PostgresStandby.class);
    private static final Pattern SETTING_VALUE = Pattern.compile("[A-Za-z0-9]+");
    private static final Duration POLL = Duration.ofMillis(100);

    /** A standby and the primary it streams from (absent when not configured: then it cannot be fenced). */
    record Pair(HostPort standby, Optional<HostPort> primary) {}

    private final String name;
    private final Map<String, Pair> instances;
    private final String user;
    private final String password;
    private final String database;
    private final String sslMode;
    private final Duration timeout;
    private final Duration promoteTimeout;
    private final Optional<String> site;
    private final Heartbeat heartbeat;

    PostgresStandby(
            String name,
            Map<String, Pair> instances,
            String user,
            String password,
            String database,
            String sslMode,
            Duration timeout,
            Duration promoteTimeout,
            Optional<String> site,
            Heartbeat heartbeat) {
        this.name = name;
        this.instances = new TreeMap<>(instances);
        this.user = user;
        this.password = password;
        this.database = database;
        this.sslMode = sslMode;
        this.timeout = timeout;
        this.promoteTimeout = promoteTimeout;
        this.site = site;
        this.heartbeat = heartbeat;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane(String instance) {
        Pair pair = instances.get(instance);
        String host = pair == null ? name : pair.standby().host();
        return new ControlPlane(
                site.orElse("self-managed/" + host),
                "postgresql",
                "PostgreSQL standby "
                        + (pair == null ? instance : pair.standby().text()));
    }

    @Override
    public ReplicaState observe(String instance) {
        Pair pair = pair(instance);
        boolean inRecovery = query(
                pair.standby(),
                "observe " + instance,
                c -> single(c, "SELECT pg_is_in_recovery()").getBoolean(1));
        ReplicaState.Role role = inRecovery ? ReplicaState.Role.REPLICA : ReplicaState.Role.PRIMARY;
        if (pair.primary().isEmpty()) {
            return new ReplicaState(role, pair.standby().text(), null, ReplicaState.PrimaryWrites.UNKNOWN, null);
        }
        HostPort primary = pair.primary().get();
        try (Connection c = connect(primary)) {
            ResultSet r = single(
                    c,
                    "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only'), "
                            + "(SELECT setting FROM pg_file_settings WHERE name = 'default_transaction_read_only' "
                            + "AND sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno DESC LIMIT 1)");
            boolean refuses = r.getBoolean(1) || "on".equals(r.getString(2));
            return new ReplicaState(
                    role,
                    pair.standby().text(),
                    primary.text(),
                    refuses ? ReplicaState.PrimaryWrites.REFUSES : ReplicaState.PrimaryWrites.ACCEPTS,
                    r.getString(3));
        } catch (SQLException e) {
            if (PostgresFailures.unreachable(e)) {
                LOG.infof(
                        "provider %s: old primary %s of %s is unreachable: %s",
                        name, primary.text(), instance, e.getMessage());
                return new ReplicaState(
                        role, pair.standby().text(), primary.text(), ReplicaState.PrimaryWrites.UNREACHABLE, null);
            }
            throw PostgresFailures.map(e, where(primary, "observe the primary of " + instance), user);
        }
    }

    @Override
    public void fence(String instance) {
        Pair pair = pair(instance);
        awaitReplay(pair.standby(), fenceOnly(pair, instance), instance);
    }

    /**
     * Fences the old primary of a standby promoted already, without waiting for a replay that cannot happen: the
     * promoted standby left recovery, and what the old primary wrote since (or had not streamed before) stays there.
     * Says how much that is: the old primary's WAL past where the standby stopped replaying it.
     */
    @Override
    public String fenceAfterPromotion(String instance) {
        Pair pair = pair(instance);
        String flushed = fenceOnly(pair, instance);
        String left = query(pair.standby(), "compare " + instance + " with its old primary's WAL", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT pg_last_wal_replay_lsn()::text, "
                    + "pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn())::bigint")) {
                p.setString(1, flushed);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    String replayed = r.getString(1);
                    long past = r.getLong(2);
                    if (replayed == null) {
                        return "its WAL reaches " + flushed + "; how much of it "
                                + pair.standby().text() + " lacks cannot be told (it shows no replay position)";
                    }
                    return past <= 0
                            ? "its WAL (up to " + flushed + ") goes no further than "
                                    + pair.standby().text() + " replayed (" + replayed + ")"
                            : "its WAL runs " + past + " bytes past " + replayed + ", where "
                                    + pair.standby().text() + " stopped replaying it (up to " + flushed + ")";
                }
            }
        });
        LOG.warnf(
                "provider %s: fenced %s, old primary of %s, after the promotion: %s",
                name, pair.primary().orElseThrow().text(), instance, left);
        return left
                + ": transactions it committed after the promotion are not on the new primary and cannot be replayed"
                + " there; recover them from it by hand before rebuilding it as a replica";
    }

    /** Makes the primary refuse writes and ends its sessions; returns the WAL position it had flushed then. */
    private String fenceOnly(Pair pair, String instance) {
        HostPort primary =
                pair.primary().orElseThrow(() -> new IllegalStateException(instance + " has no primary configured"));
        String where = "fence the primary of " + instance;
        return query(primary, where, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER SYSTEM SET default_transaction_read_only = on");
                s.execute("SELECT pg_reload_conf()");
            }
            awaitSetting(primary, "on", where);
            // Sessions opened before the reload may be inside a read-write transaction: end them. Without
            // pg_read_all_stats a role sees no backend_type in other roles' rows; replication roles then stand
            // for the walsenders, which must live on so the standby can catch up.
            int ended = count(
                    c,
                    "SELECT count(pg_terminate_backend(a.pid)) FROM pg_stat_activity a "
                            + "JOIN pg_roles r ON r.oid = a.usesysid "
                            + "WHERE a.pid <> pg_backend_pid() "
                            + "AND (a.backend_type = 'client backend' OR (a.backend_type IS NULL AND NOT r.rolreplication)) "
                            + "AND (NOT r.rolsuper OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user))");
            LOG.infof(
                    "provider %s: fenced %s (primary of %s): default_transaction_read_only = on, %d session(s) ended",
                    name, primary.text(), instance, ended);
            return awaitFlush(c, primary, instance);
        });
    }

    @Override
    public void unfence(String instance, ReplicaState observed) {
        Pair pair = pair(instance);
        HostPort primary =
                pair.primary().orElseThrow(() -> new IllegalStateException(instance + " has no primary configured"));
        String previous = observed.fenceSetting();
        if (previous != null && !SETTING_VALUE.matcher(previous).matches()) {
            throw Failures.of(
                    FailureTypes.INVALID_INPUT, "the plan's fenceSetting \"" + previous + "\" is not a setting value");
        }
        String where = "unfence the primary of " + instance;
        query(primary, where, c -> {
            try (Statement s = c.createStatement()) {
                s.execute(
                        previous == null
                                ? "ALTER SYSTEM RESET default_transaction_read_only"
                                : "ALTER SYSTEM SET default_transaction_read_only = '" + previous + "'");
                s.execute("SELECT pg_reload_conf()");
            }
            if (observed.primaryWrites() == ReplicaState.PrimaryWrites.ACCEPTS) {
                awaitSetting(primary, "off", where);
            }
            return null;
        });
        LOG.infof(
                "provider %s: unfenced %s (primary of %s): default_transaction_read_only %s",
                name, primary.text(), instance, previous == null ? "reset" : "= " + previous);
    }

    @Override
    public void promote(String instance) {
        Pair pair = pair(instance);
        String where = "promote " + instance;
        query(pair.standby(), where, c -> {
            if (single(c, "SELECT pg_is_in_recovery()").getBoolean(1)) {
                try (PreparedStatement p = c.prepareStatement("SELECT pg_promote(true, ?)")) {
                    p.setInt(1, (int) Math.max(1, promoteTimeout.toSeconds()));
                    try (ResultSet r = p.executeQuery()) {
                        r.next();
                        if (!r.getBoolean(1)) {
                            throw Failures.of(
                                    FailureTypes.PROVIDER_UNAVAILABLE,
                                    where(pair.standby(), where) + ": the standby did not finish promoting within "
                                            + promoteTimeout.toSeconds() + " s");
                        }
                    }
                }
                LOG.infof(
                        "provider %s: promoted %s (%s)",
                        name, instance, pair.standby().text());
            }
            if (single(c, "SELECT pg_is_in_recovery()").getBoolean(1)) {
                throw Failures.of(
                        FailureTypes.PROVIDER_UNAVAILABLE,
                        where(pair.standby(), where) + ": still in recovery after pg_promote");
            }
            return null;
        });
    }

    /** A reload is asynchronous: wait until a new session sees the setting, so the fence holds before anything else. */
    private void awaitSetting(HostPort server, String expected, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = query(
                    server,
                    what,
                    c -> single(c, "SHOW default_transaction_read_only").getString(1));
            if (expected.equals(seen)) {
                return;
            }
            sleep(POLL);
        }
        throw Failures.of(
                FailureTypes.PROVIDER_UNAVAILABLE,
                where(server, what) + ": default_transaction_read_only is still " + seen + " " + timeout.toSeconds()
                        + " s after the reload, not " + expected);
    }

    /**
     * The WAL position the standby must replay before the promotion loses nothing. Only flushed WAL streams to a
     * standby, and a commit made with {@code synchronous_commit = off} is acknowledged before its WAL is flushed: the
     * WAL writer flushes it within three times {@code wal_writer_delay}. So once the fence holds, wait until the
     * primary has flushed everything inserted before it, or for that bound (an insert position can sit past the last
     * record, after a page header, where no flush reaches), and answer the flush position then.
     */
    private String awaitFlush(Connection c, HostPort primary, String instance) throws SQLException {
        long walWriterDelayMs = single(c, "SELECT setting::bigint FROM pg_settings WHERE name = 'wal_writer_delay'")
                .getLong(1);
        String inserted = single(c, "SELECT pg_current_wal_insert_lsn()::text").getString(1);
        long deadline = System.nanoTime()
                + Duration.ofMillis(3 * walWriterDelayMs + POLL.toMillis()).toNanos();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT pg_current_wal_flush_lsn()::text, pg_current_wal_flush_lsn() >= ?::pg_lsn")) {
            p.setString(1, inserted);
            while (true) {
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    if (r.getBoolean(2) || System.nanoTime() > deadline) {
                        return r.getString(1);
                    }
                    heartbeat.beat(instance + ": waiting for " + primary.text() + " to flush its WAL up to " + inserted
                            + " (flushed up to " + r.getString(1) + ")");
                }
                sleep(POLL);
            }
        }
    }

    /** Waits until the standby has replayed the primary's WAL up to {@code lsn}: the promotion then loses nothing. */
    private void awaitReplay(HostPort standby, String lsn, String instance) {
        long deadline = System.nanoTime() + promoteTimeout.toNanos();
        String what = "wait for " + instance + " to replay up to " + lsn;
        while (true) {
            String replayed = query(standby, what, c -> {
                try (PreparedStatement p = c.prepareStatement("SELECT pg_last_wal_replay_lsn()::text, "
                        + "coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false)")) {
                    p.setString(1, lsn);
                    try (ResultSet r = p.executeQuery()) {
                        r.next();
                        return r.getBoolean(2) ? null : r.getString(1);
                    }
                }
            });
            if (replayed == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw Failures.of(
                        FailureTypes.PROVIDER_UNAVAILABLE,
                        where(standby, what) + ": it replayed only up to " + replayed + " within "
                                + promoteTimeout.toSeconds() + " s; the old primary stays fenced");
            }
            heartbeat.beat(instance + " replayed up to " + replayed + ", waiting for " + lsn);
            sleep(POLL);
        }
    }

    private Pair pair(String instance) {
        Pair pair = instances.get(instance);
        if (pair == null) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    "provider " + name + " (PostgreSQL) has no instance " + instance + " configured (configured: "
                            + String.join(", ", instances.keySet()) + ")");
        }
        return pair;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T query(HostPort server, String what, Work<T> work) {
        try (Connection c = connect(server)) {
            return work.run(c);
        } catch (SQLException e) {
            throw PostgresFailures.map(e, where(server, what), user);
        }
    }

    private Connection connect(HostPort server) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        int seconds = (int) Math.max(1, timeout.toSeconds());
        p.setProperty("connectTimeout", String.valueOf(seconds));
        p.setProperty("loginTimeout", String.valueOf(seconds));
        // pg_promote waits up to promoteTimeout on the server: the socket must wait longer.
        p.setProperty("socketTimeout", String.valueOf(seconds + promoteTimeout.toSeconds()));
        p.setProperty("ApplicationName", "baran-replication-worker");
        p.setProperty("sslmode", sslMode);
        String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
        Connection c = new org.postgresql.Driver()
                .connect("jdbc:postgresql://" + host + ":" + server.port() + "/" + database, p);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver did not accept the URL for " + server.text(), "08001");
        }
        c.setAutoCommit(true);
        return c;
    }

    private static ResultSet single(Connection c, String sql) throws SQLException {
        ResultSet r = c.createStatement().executeQuery(sql);
        if (!r.next()) {
            throw new SQLException("no row from: " + sql, "02000");
        }
        return r;
    }

    private static int count(Connection c, String sql) throws SQLException {
        return single(c, sql).getInt(1);
    }

    private String where(HostPort server, String what) {
        return "provider " + name + " (PostgreSQL " + server.text() + "): " + what;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
        }
    }
}
