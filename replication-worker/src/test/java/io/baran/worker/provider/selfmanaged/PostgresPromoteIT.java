package io.baran.worker.provider.selfmanaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.Ports;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.action.PromoteReplica;
import io.baran.worker.action.PromoteReplicaConformance;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code database.promote-replica} on real PostgreSQL servers in streaming replication: one primary, a
 * fresh standby per test. Baran connects as a role with only the grants its README lists, not as a
 * superuser; the application writes as its own role.
 */
@Timeout(300)
class PostgresPromoteIT extends PromoteReplicaConformance {

    private static final String PROMOTER_PASSWORD = "promoter-role-password";
    private static final String APP_PASSWORD = "app-role-password";

    private static java.nio.file.Path work;
    private static PostgresServer primary;
    private static final Map<String, PostgresServer> standbys = new TreeMap<>();
    private static final List<PostgresServer> startedInTest = new ArrayList<>();
    /** Instances named lost-… whose old primary answers again: their configuration points at it. */
    private static final java.util.Set<String> cameBack = new java.util.HashSet<>();

    private static int made;
    private static Providers providers;

    @BeforeAll
    static void startPrimary() throws SQLException {
        work = WorkDirs.create("postgres");
        primary = PostgresServer.start(work);
        try (Connection c = superuser(primary);
                Statement s = c.createStatement()) {
            // The grants the PostgreSQL adapter's README lists, and nothing more.
            for (String sql : List.of(
                    "CREATE ROLE promoter LOGIN PASSWORD '" + PROMOTER_PASSWORD + "'",
                    "GRANT EXECUTE ON FUNCTION pg_promote(boolean, integer) TO promoter",
                    "GRANT EXECUTE ON FUNCTION pg_reload_conf() TO promoter",
                    "GRANT ALTER SYSTEM ON PARAMETER default_transaction_read_only TO promoter",
                    "GRANT pg_signal_backend TO promoter",
                    "GRANT SELECT ON pg_file_settings TO promoter",
                    "GRANT EXECUTE ON FUNCTION pg_show_all_file_settings() TO promoter",
                    "CREATE ROLE app LOGIN PASSWORD '" + APP_PASSWORD + "'",
                    "CREATE TABLE orders (id serial PRIMARY KEY, note text NOT NULL)",
                    "ALTER TABLE orders OWNER TO app")) {
                s.execute(sql);
            }
        }
        rebuildProviders();
    }

    @AfterEach
    void stopTheTestsStandbys() throws SQLException {
        for (PostgresServer server : startedInTest) {
            server.close();
        }
        startedInTest.clear();
        unfencePrimary();
    }

    @AfterAll
    static void stopAll() {
        if (providers != null) {
            providers.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private static void rebuildProviders() {
        Map<String, String> options = new TreeMap<>(
                Map.of("user", "promoter", "password-env", "BARAN_PG_TEST", "timeout", "5s", "promote-timeout", "30s"));
        standbys.forEach((name, server) -> {
            options.put("instances." + name + ".standby", server.address());
            options.put(
                    "instances." + name + ".primary",
                    name.startsWith("lost-") && !cameBack.contains(name)
                            ? "127.0.0.1:" + Ports.free()
                            : primary.address());
        });
        if (standbys.isEmpty()) {
            options.put("instances.none.standby", "127.0.0.1:" + Ports.free());
        }
        Map<String, String> down = Map.of(
                "user",
                "promoter",
                "password-env",
                "BARAN_PG_TEST",
                "timeout",
                "2s",
                "instances.orders.standby",
                "127.0.0.1:" + Ports.free(),
                "instances.orders.primary",
                "127.0.0.1:" + Ports.free());
        if (providers != null) {
            providers.close();
        }
        providers = Providers.connect(
                List.of(
                        new ProviderSettings("onprem-db", "postgresql", "us-east-1", Optional.empty(), options),
                        new ProviderSettings("onprem-db-down", "postgresql", "us-east-1", Optional.empty(), down)),
                new ProviderContext(
                        Duration.ofSeconds(10), Heartbeat.NONE, Map.of("BARAN_PG_TEST", PROMOTER_PASSWORD)::get));
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "onprem-db";
    }

    @Override
    protected String unreachableProviderName() {
        return "onprem-db-down";
    }

    @Override
    protected boolean canFence() {
        return true;
    }

    @Override
    protected String newReplica() {
        return replica("orders-" + ++made);
    }

    private String replica(String name) {
        PostgresServer standby = primary.startStandby(name, work);
        startedInTest.add(standby);
        standbys.put(name, standby);
        rebuildProviders();
        return name;
    }

    @Override
    protected boolean isReplica(String instance) {
        return sql(standbys.get(instance), "SELECT pg_is_in_recovery()");
    }

    @Override
    protected boolean takesWrites(String instance) {
        return writes(standbys.get(instance));
    }

    @Override
    protected boolean primaryTakesWrites(String instance) {
        return writes(primary);
    }

    @Override
    protected ControlPlane controlPlane(String instance) {
        return new ControlPlane(
                "self-managed/127.0.0.1",
                "postgresql",
                "PostgreSQL standby " + standbys.get(instance).address());
    }

    @Test
    void aTransactionOpenOnTheOldPrimaryCannotCommitAfterTheFence() throws SQLException {
        String instance = newReplica();
        StepCommand command = command(providerName(), instance);
        StepPlan plan = new PromoteReplica(providers).plan(command);
        try (Connection app = connect(primary, "app", APP_PASSWORD)) {
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.executeUpdate("INSERT INTO orders (note) VALUES ('begun before the failover')");
            }

            StepOutcome outcome = new PromoteReplica(providers).apply(command, plan);

            assertTrue(outcome.changed(), outcome.summary());
            assertThrows(SQLException.class, app::commit, "the session was ended by the fence");
        }
        assertEquals(
                0L,
                count(standbys.get(instance), "SELECT count(*) FROM orders WHERE note = 'begun before the failover'"));
    }

    @Test
    void writesCommittedOnThePrimaryBeforeTheFenceReachThePromotedStandby() throws SQLException {
        String instance = newReplica();
        try (Connection app = connect(primary, "app", APP_PASSWORD);
                Statement s = app.createStatement()) {
            s.executeUpdate("INSERT INTO orders (note) SELECT 'row ' || g FROM generate_series(1, 500) g");
        }
        long onPrimary = count(primary, "SELECT count(*) FROM orders");
        StepCommand command = command(providerName(), instance);

        new PromoteReplica(providers).apply(command, new PromoteReplica(providers).plan(command));

        assertEquals(
                onPrimary, count(standbys.get(instance), "SELECT count(*) FROM orders"), "nothing committed was lost");
    }

    /**
     * The test primary commits asynchronously ({@code synchronous_commit = off}): a commit is acknowledged before its
     * WAL is flushed, and only flushed WAL streams to the standby. With a slow WAL writer the last commits are still
     * unflushed when the fence is set; the promotion must wait for them, not only for what was flushed by then.
     */
    @Test
    void asynchronousCommitsAcknowledgedBeforeTheFenceReachThePromotedStandby() throws SQLException {
        String instance = newReplica();
        walWriterDelay("2s");
        try {
            try (Connection app = connect(primary, "app", APP_PASSWORD);
                    Statement s = app.createStatement()) {
                s.execute("SET synchronous_commit = off");
                for (int i = 1; i <= 20; i++) {
                    s.executeUpdate("INSERT INTO orders (note) VALUES ('async " + i + "')");
                }
            }
            long onPrimary = count(primary, "SELECT count(*) FROM orders");
            StepCommand command = command(providerName(), instance);

            new PromoteReplica(providers).apply(command, new PromoteReplica(providers).plan(command));

            assertEquals(
                    onPrimary,
                    count(standbys.get(instance), "SELECT count(*) FROM orders"),
                    "every acknowledged commit reached the promoted standby");
        } finally {
            walWriterDelay(null);
        }
    }

    private static void walWriterDelay(String delay) throws SQLException {
        try (Connection c = superuser(primary);
                Statement s = c.createStatement()) {
            s.execute(
                    delay == null
                            ? "ALTER SYSTEM RESET wal_writer_delay"
                            : "ALTER SYSTEM SET wal_writer_delay = '" + delay + "'");
            s.execute("SELECT pg_reload_conf()");
        }
    }

    @Test
    void anUnreachablePrimaryBlocksThePromotionUnlessFencingIsBestEffort() {
        String instance = replica("lost-" + ++made);
        StepCommand required = command(providerName(), instance);
        StepPlan plan = new PromoteReplica(providers).plan(required);
        assertTrue(
                plan.summary().contains("old primary unreachable: apply will refuse (fence: required)"),
                plan.summary());

        ApplicationFailure refused =
                assertThrows(ApplicationFailure.class, () -> new PromoteReplica(providers).apply(required, plan));
        assertEquals(FailureTypes.PLAN_UNSAFE, refused.getType());
        assertTrue(refused.getOriginalMessage().contains("fence: best-effort"), refused.getOriginalMessage());
        assertTrue(isReplica(instance));

        Map<String, Object> with = new java.util.HashMap<>(required.with());
        with.put("fence", "best-effort");
        StepCommand bestEffort = new StepCommand("exec-1", "promote-db", "database.promote-replica", with);
        StepOutcome outcome =
                new PromoteReplica(providers).apply(bestEffort, new PromoteReplica(providers).plan(bestEffort));
        assertTrue(outcome.summary().contains("NOT fenced: unreachable (fence: best-effort)"), outcome.summary());
        assertFalse(isReplica(instance));
    }

    /**
     * {@code fence: best-effort} with the old primary unreachable: the first attempt promotes without fencing and dies
     * before reporting. The old primary answers again and takes writes the promoted standby never sees. The step's
     * retry, with its recorded plan, fences it without waiting for a replay that cannot happen, and says what stays
     * behind; a further retry changes nothing.
     */
    @Test
    void aRetryAfterThePromotionFencesTheOldPrimaryThatCameBackAndReportsWhatCannotBeReplayed() throws SQLException {
        String instance = replica("lost-" + ++made);
        Map<String, Object> with =
                new java.util.HashMap<>(command(providerName(), instance).with());
        with.put("fence", "best-effort");
        StepCommand bestEffort = new StepCommand("exec-1", "promote-db", "database.promote-replica", with);
        StepPlan plan = new PromoteReplica(providers).plan(bestEffort);
        assertEquals("UNREACHABLE", plan.observed().get("primaryWrites"), plan.summary());
        // The first attempt: promoted, then the worker died before it reported.
        providers.database(providerName()).promote(instance);
        assertFalse(isReplica(instance));

        cameBack.add(instance);
        rebuildProviders();
        try (Connection app = connect(primary, "app", APP_PASSWORD);
                Statement s = app.createStatement()) {
            s.executeUpdate("INSERT INTO orders (note) VALUES ('after the promotion')");
        }
        StepPlan replan = new PromoteReplica(providers).plan(bestEffort);
        assertTrue(replan.summary().contains("what it wrote after the promotion cannot be replayed"), replan.summary());

        StepOutcome retry = new PromoteReplica(providers).apply(bestEffort, plan);

        assertTrue(retry.changed(), retry.summary());
        assertFalse(primaryTakesWrites(instance), "the old primary refuses writes: " + retry.summary());
        assertFalse(isReplica(instance));
        assertTrue(takesWrites(instance));
        assertTrue(retry.summary().contains("took writes again: fenced now (refuses writes)"), retry.summary());
        assertTrue(retry.summary().contains("bytes past"), retry.summary());
        assertTrue(
                retry.summary()
                        .contains("transactions it committed after the promotion are not on the new primary"
                                + " and cannot be replayed there"),
                retry.summary());
        assertEquals(
                0L,
                count(standbys.get(instance), "SELECT count(*) FROM orders WHERE note = 'after the promotion'"),
                "the write made after the promotion is not on the promoted standby");

        StepOutcome again = new PromoteReplica(providers).apply(bestEffort, plan);
        assertFalse(again.changed(), again.summary());
        assertFalse(primaryTakesWrites(instance));
    }

    private static void unfencePrimary() throws SQLException {
        try (Connection c = superuser(primary);
                Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM RESET default_transaction_read_only");
            s.execute("SELECT pg_reload_conf()");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!writes(primary)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the primary still refuses writes 10 s after lifting the fence");
            }
            sleepBriefly();
        }
    }

    /** One INSERT as the application's role, in a session of its own. */
    private static boolean writes(PostgresServer server) {
        try (Connection c = connect(server, "app", APP_PASSWORD);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO orders (note) VALUES ('probe')");
            return true;
        } catch (SQLException e) {
            if ("25006".equals(e.getSQLState())) {
                return false;
            }
            throw new AssertionError("writing to " + server.address() + " failed otherwise: " + e.getMessage(), e);
        }
    }

    private static boolean sql(PostgresServer server, String query) {
        try (Connection c = superuser(server);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getBoolean(1);
        } catch (SQLException e) {
            throw new AssertionError(query + " on " + server.address() + ": " + e.getMessage(), e);
        }
    }

    private static long count(PostgresServer server, String query) throws SQLException {
        try (Connection c = superuser(server);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Connection superuser(PostgresServer server) throws SQLException {
        return connect(server, PostgresServer.USER, PostgresServer.PASSWORD);
    }

    private static Connection connect(PostgresServer server, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + server.address() + "/postgres", p);
    }
}
