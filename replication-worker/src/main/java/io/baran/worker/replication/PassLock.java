package io.baran.worker.replication;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.jboss.logging.Logger;

/**
 * Makes one worker replica at a time run a pair's passes. {@link #local()} lets every pass run (one replica);
 * {@link #postgresql} takes a PostgreSQL session-level advisory lock per pair on a connection of its own, held for
 * the pass: another replica asking meanwhile is refused and skips its turn, and a replica that dies mid-pass loses
 * its session, so the lock frees and the next replica to try takes the pair over.
 */
public interface PassLock {

    /** A lock held until closed. */
    interface Held extends AutoCloseable {
        @Override
        void close();

        /**
         * Fails ({@link Lost}) once the lock is no longer held: its session ended (the database restarted or failed
         * over, the connection broke), so another worker replica may hold it now and write what this one would
         * overwrite. {@code fresh}: asks the database now; otherwise an answer up to {@link #VERIFIED_FOR} old serves.
         */
        default void verify(boolean fresh) {}
    }

    /** How long an answer of {@link Held#verify} serves a check that need not be fresh. */
    java.time.Duration VERIFIED_FOR = java.time.Duration.ofSeconds(1);

    /** The lock this process held was lost (its session ended): nothing more may be written under it. */
    final class Lost extends IllegalStateException {
        Lost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The pair's lock if no other replica holds it; empty when one does (or PostgreSQL cannot be reached). */
    Optional<Held> tryLock(String pair);

    /**
     * The pair's lock if no other session holds it; empty when one does.
     *
     * @throws Unreachable when the lock's database cannot be asked (it is not known whether another replica holds it)
     */
    default Optional<Held> attempt(String pair) {
        return tryLock(pair);
    }

    /**
     * The pair's lock for a batch of notified copies ({@code ChangeNotifications}): as {@link #attempt}, and marked
     * as a copy's while held ({@link #copyUnderWay}), so a pass that finds the lock taken by one waits for it instead
     * of skipping its turn.
     *
     * @throws Unreachable when the lock's database cannot be asked
     */
    default Optional<Held> attemptCopy(String pair) {
        return attempt(pair);
    }

    /**
     * Whether a batch of notified copies ({@link #attemptCopy}), of any replica, holds or is taking the pair's lock
     * now; false when the lock's database does not answer (the caller then acts as if a pass held it).
     */
    default boolean copyUnderWay(String pair) {
        return false;
    }

    /** The lock's database did not answer. */
    final class Unreachable extends IllegalStateException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What the lock is, for the log. */
    String describe();

    /** Every pass runs: right for one worker replica. */
    static PassLock local() {
        return new PassLock() {
            @Override
            public Optional<Held> tryLock(String pair) {
                return Optional.of(() -> {});
            }

            @Override
            public String describe() {
                return "none (this replica runs every pass)";
            }
        };
    }

    /** Advisory locks in the PostgreSQL database at the URL, shared by every replica. */
    static PassLock postgresql(String url, String user, String password) {
        return new Advisory(url, user, password);
    }

    /** The advisory lock key of a pair: the same in every replica, and apart from other users of advisory locks. */
    static String lockName(String pair) {
        return "baran.replication.pair:" + pair;
    }

    /** The advisory lock key a batch of notified copies holds beside the pair's. */
    static String copyLockName(String pair) {
        return "baran.replication.notified-copy:" + pair;
    }

    final class Advisory implements PassLock {

        /**
         * A granted advisory lock on the key given twice as parameters: a 64-bit advisory key is listed in
         * {@code pg_locks} as its high half in {@code classid} and its low half in {@code objid}, with {@code objsubid} 1.
         */
        private static final String HELD_KEY = "locktype = 'advisory' AND granted AND objsubid = 1"
                + " AND classid::bigint = (hashtextextended(?, 0) >> 32) & 4294967295"
                + " AND objid::bigint = hashtextextended(?, 0) & 4294967295";

        private static final Logger LOG = Logger.getLogger(Advisory.class);
        private final String url;
        private final Properties credentials = new Properties();

        Advisory(String url, String user, String password) {
            this.url = url;
            if (user != null) {
                credentials.setProperty("user", user);
            }
            if (password != null) {
                credentials.setProperty("password", password);
            }
            credentials.setProperty(
                    "ApplicationName",
                    "baran-replication-worker pass lock pid "
                            + ProcessHandle.current().pid());
            // A replica whose PostgreSQL stopped answering gives up, rather than holding a pass thread forever.
            credentials.setProperty("connectTimeout", "10");
            credentials.setProperty("socketTimeout", "30");
        }

        @Override
        public Optional<Held> tryLock(String pair) {
            try {
                return attempt(pair);
            } catch (Unreachable e) {
                LOG.warnf("replication pair %s: %s, so no pass now", pair, e.getMessage());
                return Optional.empty();
            }
        }

        @Override
        public Optional<Held> attempt(String pair) {
            return take(List.of(lockName(pair)));
        }

        /**
         * The copy's key first, then the pair's: a pass that finds the pair's lock taken while the copy's key is held
         * waits (at worst for a copy that has not got the pair's lock yet, and then a pass runs twice in a row: never
         * a pass skipped for a copy).
         */
        @Override
        public Optional<Held> attemptCopy(String pair) {
            return take(List.of(copyLockName(pair), lockName(pair)));
        }

        /**
         * Read from {@code pg_locks}, taking nothing (a probe that took the key would itself look like a copy to a pass
         * probing at the same moment).
         */
        @Override
        public boolean copyUnderWay(String pair) {
            try (Connection c = DriverManager.getConnection(url, credentials);
                    PreparedStatement s =
                            c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE " + HELD_KEY + ")")) {
                s.setString(1, copyLockName(pair));
                s.setString(2, copyLockName(pair));
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            } catch (SQLException e) {
                return false;
            }
        }

        /** Every key in order in one session, held until closed; empty (nothing held) if one is taken. */
        private Optional<Held> take(List<String> keys) {
            Connection c = null;
            try {
                c = DriverManager.getConnection(url, credentials);
                c.setAutoCommit(true);
                for (String key : keys) {
                    try (PreparedStatement s =
                            c.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
                        s.setString(1, key);
                        try (ResultSet rs = s.executeQuery()) {
                            if (!(rs.next() && rs.getBoolean(1))) {
                                return Optional.empty(); // closing the session frees the keys taken before
                            }
                        }
                    }
                }
                Session held = new Session(c, keys.get(keys.size() - 1));
                c = null;
                return Optional.of(held);
            } catch (SQLException e) {
                throw new Unreachable(
                        "the pass lock in PostgreSQL (" + url.replaceAll("\\?.*", "") + ") could not be asked: "
                                + e.getMessage(),
                        e);
            } finally {
                closeQuietly(c);
            }
        }

        /**
         * The keys held by one session. Closing the session frees them, whether the pass ended or the replica died; a
         * session that ended by itself (a restart of the database, a broken connection) freed them too, which
         * {@link #verify} finds by asking the session for the lock it holds.
         */
        private final class Session implements Held {

            private final Connection connection;
            private final String key;
            private long verifiedAt = System.nanoTime();
            private String lost;
            /** The last check that could not confirm the lock (slow, not gone), and when: it serves as long as a success. */
            private Lost unconfirmed;

            private long unconfirmedAt;

            Session(Connection connection, String key) {
                this.connection = connection;
                this.key = key;
            }

            @Override
            public synchronized void verify(boolean fresh) {
                if (lost == null && !fresh && System.nanoTime() - verifiedAt < VERIFIED_FOR.toNanos()) {
                    return;
                }
                if (lost == null && unconfirmed != null && System.nanoTime() - unconfirmedAt < VERIFIED_FOR.toNanos()) {
                    throw unconfirmed; // not asked again at once: each check may take seconds
                }
                if (lost == null) {
                    try (PreparedStatement s = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks"
                            + " WHERE pid = pg_backend_pid() AND " + HELD_KEY + ")")) {
                        s.setQueryTimeout(5);
                        s.setString(1, key);
                        s.setString(2, key);
                        try (ResultSet rs = s.executeQuery()) {
                            if (rs.next() && rs.getBoolean(1)) {
                                verifiedAt = System.nanoTime();
                                unconfirmed = null;
                                return;
                            }
                            lost = "its session no longer holds it";
                        }
                    } catch (SQLException e) {
                        if (!ended(e)) {
                            // Slow, not gone (the 5 s query timeout): not confirmed now, asked again after a second.
                            unconfirmed = new Lost(
                                    key + " in PostgreSQL (" + url.replaceAll("\\?.*", "") + ") could not be confirmed"
                                            + " held (" + e.getMessage() + "); nothing more is written under it now",
                                    e);
                            unconfirmedAt = System.nanoTime();
                            throw unconfirmed;
                        }
                        lost = "its session ended (" + e.getMessage() + ")";
                    }
                }
                throw new Lost(
                        key + " in PostgreSQL (" + url.replaceAll("\\?.*", "") + ") was lost: " + lost
                                + "; another worker replica may hold it now, so this one writes nothing more under it",
                        null);
            }

            /**
             * Whether the failure says the session is gone (so are its locks): a connection exception (SQLSTATE class 08),
             * the server shutting the session down (57P01 to 57P03), or a connection no longer valid.
             */
            private boolean ended(SQLException e) {
                String state = e.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                    return true;
                }
                try {
                    return !connection.isValid(2);
                } catch (SQLException invalid) {
                    return true;
                }
            }

            @Override
            public void close() {
                closeQuietly(connection);
            }
        }

        private static void closeQuietly(Connection c) {
            if (c == null) {
                return;
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // the session ends with the connection either way
            }
        }

        @Override
        public String describe() {
            return "a PostgreSQL advisory lock per pair at " + url.replaceAll("\\?.*", "");
        }
    }
}
