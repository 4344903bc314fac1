package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.WorkDirs;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.store.FileBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Change notifications on a pair two worker replicas share ({@code baran.replication.lock=postgresql}, one ledger
 * directory, a real PostgreSQL): both watch the source, a notified change is copied under the pair's pass lock by
 * whichever takes it first, waits while another replica holds the lock, and is in the shared ledger, so the other
 * replica's next pass copies nothing again.
 */
@Timeout(120)
class CoordinatedNotificationsIT {

    private static final String PAIR = "drop";
    private static final String PASSWORD_ENV = "BARAN_TEST_PASS_LOCK_PASSWORD";
    private static final Duration SOON = Duration.ofSeconds(30);
    private static PostgresServer postgres;
    private static Path root;
    private static Providers providers;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start(WorkDirs.create("coordinated-notifications-postgres"));
        root = WorkDirs.create("coordinated-notifications");
        Files.createDirectories(root.resolve("source"));
        Files.createDirectories(root.resolve("replica"));
        providers = Providers.connect(
                List.of(new ProviderSettings(
                        "onprem", "filesystem", "eu-west-1", Optional.empty(), Map.of("root", root.toString()))),
                new ProviderContext(Duration.ofSeconds(1), Heartbeat.NONE, name -> null));
    }

    @AfterAll
    static void stop() {
        if (providers != null) {
            providers.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static ReplicationService replica(Path dataDir) {
        Map<String, String> properties = new HashMap<>();
        properties.put("baran.replication.data-dir", dataDir.toString());
        properties.put("baran.replication.lock", "postgresql");
        properties.put("baran.replication.pairs.\"" + PAIR + "\".source", "onprem:file://source");
        properties.put("baran.replication.pairs.\"" + PAIR + "\".replicas", "onprem:file://replica");
        properties.put("baran.replication.pairs.\"" + PAIR + "\".notifications", "watch");
        properties.put("baran.replication.pairs.\"" + PAIR + "\".interval", "1h"); // the first pass, then on request
        properties.put("baran.api-budget.jdbc-url", postgres.jdbcUrl());
        properties.put("baran.api-budget.user", PostgresServer.USER);
        properties.put("baran.api-budget.password-env", PASSWORD_ENV);
        ReplicationService service = ReplicationServices.configured(properties, providers);
        service.start(name -> PASSWORD_ENV.equals(name) ? PostgresServer.PASSWORD : null, Clock.systemUTC());
        return service;
    }

    private static FileBlobStore store(String bucket) {
        return new FileBlobStore("onprem", root, bucket);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + SOON + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aNotifiedChangeIsCopiedUnderThePairsLockAndTheOtherReplicasPassKnowsIt() throws Exception {
        TestData.put(store("source"), "before.txt", "there before");
        Path dataDir = WorkDirs.create("coordinated-notifications-ledgers");
        ReplicationService a = replica(dataDir);
        ReplicationService b = replica(dataDir);
        try {
            Replicator atA = a.replica(PAIR, null);
            Replicator atB = b.replica(PAIR, null);
            await(() -> "in-sync".equals(a.status(atA).state()), "the first pass, on one of the two");
            assertEquals("there before", TestData.text(store("replica"), "before.txt"));

            Files.writeString(root.resolve("source/n1.txt"), "notified");
            await(() -> "notified".equals(TestData.text(store("replica"), "n1.txt")), "the notified copy");

            try (PassLock.Held pass = PassLock.postgresql(
                            postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)
                    .tryLock(PAIR)
                    .orElseThrow(() -> new AssertionError("the pair's lock is free"))) {
                Files.writeString(root.resolve("source/n2.txt"), "while another replica passes");
                Thread.sleep(2_000);
                assertNull(store("replica").stat("n2.txt"), "no copy while another replica holds the pair's lock");
            }
            await(
                    () -> "while another replica passes".equals(TestData.text(store("replica"), "n2.txt")),
                    "the copy once the lock is let go");

            // Whichever replica copied them wrote the shared ledger: the other's pass reads it, and copies nothing.
            List<PassReport> atBPass = b.sync(PAIR).get(60, TimeUnit.SECONDS);
            List<PassReport> atAPass = a.sync(PAIR).get(60, TimeUnit.SECONDS);
            assertEquals(1, atBPass.size(), "b ran a pass");
            assertEquals(1, atAPass.size(), "a ran a pass");
            assertEquals(0, atBPass.get(0).copiedObjects(), atBPass.get(0).describe());
            assertEquals(0, atAPass.get(0).copiedObjects(), atAPass.get(0).describe());
            assertTrue(atBPass.get(0).successful() && atAPass.get(0).successful());
            assertEquals("in-sync", b.status(atB).state());
        } finally {
            a.stop();
            b.stop();
        }
    }
}
