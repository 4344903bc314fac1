package io.baran.worker.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.Polling;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared buckets on a real PostgreSQL that stops answering: a call waits for the database no longer than the
 * budget's timeout, and then takes from this replica's share of the bucket (half of it here: two replicas), never from
 * more.
 */
@Timeout(180)
class PostgresBucketsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** A bucket of 4 that refills too slowly to matter within a test: every token taken shows. */
    private static final Limit LIMIT = new Limit(0.001, 4);
    /** Far more than the timeout: a call not back by then is stuck on the database. */
    private static final long BOUND_SECONDS = 30;

    private static PostgresServer postgres;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        postgres = PostgresServer.start(WorkDirs.create("postgres-buckets"));
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aBucketRowLockedByAnotherSessionHoldsACallOnlyUntilTheTimeoutAndTheCallTakesFromThisReplicasShare()
            throws Exception {
        String bucket = "aws:row-locked:route53";
        try (PostgresBuckets replica = replica()) {
            assertEquals(Duration.ZERO, replica.tryTake(bucket, LIMIT));
            assertEquals(3.0, tokens(bucket));
            try (Connection other = superuser()) {
                other.setAutoCommit(false);
                try (PreparedStatement lock = other.prepareStatement(
                        "SELECT tokens FROM " + PostgresBuckets.TABLE + " WHERE bucket = ? FOR UPDATE")) {
                    lock.setString(1, bucket);
                    lock.executeQuery().close();
                }

                // Each call asks the database (again at once: askAgainAfter 0), waits out the statement timeout, then
                // takes from this replica's share: 2 of the burst of 4.
                assertEquals(Duration.ZERO, bounded(() -> replica.tryTake(bucket, LIMIT)));
                assertEquals(Duration.ZERO, bounded(() -> replica.tryTake(bucket, LIMIT)));
                Duration third = bounded(() -> replica.tryTake(bucket, LIMIT));
                assertTrue(third.compareTo(Duration.ZERO) > 0, "this replica's share is spent: " + third);
                other.rollback();
            }
            assertEquals(3.0, tokens(bucket), "the calls made meanwhile took nothing from the shared row");

            assertEquals(Duration.ZERO, replica.tryTake(bucket, LIMIT), "answering again, the database is asked");
            assertEquals(2.0, tokens(bucket), 0.5, "one token taken from the shared row");
        }
    }

    @Test
    void aDatabaseThatStopsAnsweringHoldsABudgetCallOnlyUntilTheTimeout() throws Exception {
        String bucket = "aws:frozen:route53";
        try (PostgresBuckets replica = replica()) {
            ApiBudget budget = new ApiBudget(replica);
            budget.take(bucket, LIMIT, deadline(), Heartbeat.NONE, "a call while the database answers");
            List<String> frozen = new ArrayList<>(budgetSessions());
            assertTrue(!frozen.isEmpty(), "the budget has no session open");
            frozen.add(postmaster());
            signal("STOP", frozen);
            try {
                // The first call waits on its open session (the socket timeout), the second for a new one (the login
                // timeout): both then take from the share.
                bounded(() -> {
                    budget.take(bucket, LIMIT, deadline(), Heartbeat.NONE, "a call on the session open");
                    return null;
                });
                bounded(() -> {
                    budget.take(bucket, LIMIT, deadline(), Heartbeat.NONE, "a call needing a new session");
                    return null;
                });
                Duration third = bounded(() -> replica.tryTake(bucket, LIMIT));
                assertTrue(third.compareTo(Duration.ZERO) > 0, "this replica's share (2 of 4) is spent: " + third);
            } finally {
                signal("CONT", frozen);
            }
            assertEquals(3.0, tokens(bucket), "the calls made meanwhile took nothing from the shared row");
            assertEquals(Duration.ZERO, bounded(() -> replica.tryTake(bucket, LIMIT)));
            assertEquals(2.0, tokens(bucket), 0.5, "one token taken from the shared row");
        }
    }

    @Test
    void theShareIsOfTheReplicasSeenInTheDatabaseWhenMoreThanConfigured() {
        // Sessions of the other tests' replicas may still be ending.
        Polling.until(
                PostgresBucketsIT::budgetSessions,
                List::isEmpty,
                Duration.ofSeconds(30),
                Duration.ofMillis(100),
                left -> "sessions of earlier budgets still open: " + left);
        try (PostgresBuckets first = new PostgresBuckets(
                        postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD, TIMEOUT, 1);
                PostgresBuckets second = new PostgresBuckets(
                        postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD, TIMEOUT, 1)) {
            first.tryTake("aws:counted:route53", LIMIT);
            second.tryTake("aws:counted:route53", LIMIT);

            assertEquals(new Limit(0.0005, 2), second.shareOf(LIMIT), "two sessions of the budget: half each");
        }
    }

    /** A replica of two, asking the database again at once after it failed to answer. */
    private static PostgresBuckets replica() {
        return new PostgresBuckets(
                postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD, TIMEOUT, 2, Duration.ZERO);
    }

    private <T> T bounded(Callable<T> call) throws Exception {
        try {
            return threads.submit(call).get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "the budget call was still waiting for the database " + BOUND_SECONDS + " s later (timeout "
                            + TIMEOUT + ")",
                    e);
        }
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    }

    private static double tokens(String bucket) throws SQLException {
        try (Connection c = superuser();
                PreparedStatement s =
                        c.prepareStatement("SELECT tokens FROM " + PostgresBuckets.TABLE + " WHERE bucket = ?")) {
            s.setString(1, bucket);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "no row for " + bucket);
                return rs.getDouble(1);
            }
        }
    }

    /** The server processes serving the budget's sessions. */
    private static List<String> budgetSessions() {
        List<String> pids = new ArrayList<>();
        try (Connection c = superuser();
                PreparedStatement s =
                        c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, PostgresBuckets.APPLICATION_NAME);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    pids.add(String.valueOf(rs.getInt(1)));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("listing the budget's sessions: " + e.getMessage(), e);
        }
        return pids;
    }

    /** The server's main process, which accepts new sessions: the first line of its postmaster.pid. */
    private static String postmaster() throws IOException {
        return Files.readAllLines(postgres.socketDir().resolve("data/postmaster.pid"))
                .get(0)
                .trim();
    }

    /** Stops (STOP) or resumes (CONT) the test's own server processes, by id. */
    private static void signal(String signal, List<String> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        command.addAll(pids);
        Process kill = new ProcessBuilder(command).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill -" + signal + " did not end");
        assertEquals(0, kill.exitValue(), "kill -" + signal + " " + pids);
    }

    private static Connection superuser() throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", PostgresServer.USER);
        p.setProperty("password", PostgresServer.PASSWORD);
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "30");
        return DriverManager.getConnection(postgres.jdbcUrl(), p);
    }
}
