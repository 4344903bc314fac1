package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.events.ReplicationStatus;
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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two worker replicas sharing one pair ({@code baran.replication.lock=postgresql}, one ledger directory, a real
 * PostgreSQL for the pass lock), as two {@link ReplicationService}s in this process over file stores: a failover,
 * failback or conflict resolution on one replica waits for the pair's pass lock while the other runs a pass (its
 * writes are out of this replica's fence), changes nothing when the lock stays taken, and acts on the shared ledger as
 * read again, so the other replica's progress is kept and its next pass sees the failover.
 */
@Timeout(120)
class CoordinatedFailoverIT {

    private static final String PAIR = "assets";
    private static final String PASSWORD_ENV = "BARAN_TEST_PASS_LOCK_PASSWORD";
    private static PostgresServer postgres;
    private static Path root;
    private static Providers providers;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start(WorkDirs.create("coordinated-failover-postgres"));
        root = WorkDirs.create("coordinated-failover");
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
        return replica(dataDir, "postgresql", postgres.jdbcUrl());
    }

    private static ReplicationService replica(Path dataDir, String lock, String lockDatabase) {
        Map<String, String> properties = new HashMap<>();
        properties.put("baran.replication.enabled", "false"); // passes only when the test asks
        properties.put("baran.replication.data-dir", dataDir.toString());
        properties.put("baran.replication.lock", lock);
        properties.put("baran.replication.failover-wait", "600ms");
        properties.put("baran.replication.pairs.\"" + PAIR + "\".source", "onprem:file://source");
        properties.put("baran.replication.pairs.\"" + PAIR + "\".replicas", "onprem:file://replica");
        properties.put("baran.api-budget.jdbc-url", lockDatabase);
        properties.put("baran.api-budget.user", PostgresServer.USER);
        properties.put("baran.api-budget.password-env", PASSWORD_ENV);
        ReplicationService service = ReplicationServices.configured(properties, providers);
        service.start(name -> PASSWORD_ENV.equals(name) ? PostgresServer.PASSWORD : null, Clock.systemUTC());
        return service;
    }

    /** Another replica in the middle of the pair's pass: it holds the pair's lock until closed. */
    private static PassLock.Held passElsewhere() {
        return passElsewhere(PAIR);
    }

    private static PassLock.Held passElsewhere(String pair) {
        return PassLock.postgresql(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)
                .tryLock(pair)
                .orElseThrow(() -> new AssertionError("the pair's lock is free"));
    }

    /**
     * The pair's lock, as another replica in the middle of its pass would hold it, taken once the replicas of the test
     * have let it go (their first scheduled passes at start may still hold it: both try, one after the other).
     */
    private static PassLock.Held passElsewhereOnceFree(String pair) throws InterruptedException {
        PassLock lock = PassLock.postgresql(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Optional<PassLock.Held> held = lock.tryLock(pair);
            if (held.isPresent()) {
                return held.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("the pair's lock stayed taken for 30 s");
            }
            Thread.sleep(50);
        }
    }

    private static FileBlobStore store(String bucket) {
        return new FileBlobStore("onprem", root, bucket);
    }

    @Test
    void failoverAndFailbackWaitForThePassLockAndActOnTheSharedLedger() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-failover-ledgers");
        ReplicationService a = replica(dataDir);
        ReplicationService b = replica(dataDir);
        try {
            Replicator atA = a.replica(PAIR, null);
            Replicator atB = b.replica(PAIR, null);
            TestData.put(store("source"), "css/site.css", "body{}");
            assertEquals(1, a.sync(PAIR).get(60, TimeUnit.SECONDS).size(), "replica a ran the pass");
            Instant before = atA.status().consistentAt();
            assertNotNull(before, "a's pass made the replica consistent");
            assertNull(atB.status().consistentAt(), "b has not read the shared ledger since a's pass");

            Replicator.Failover refused;
            try (PassLock.Held pass = passElsewhere()) {
                refused = b.failover(atB);
            }

            assertEquals(
                    new Replicator.Failover(false, 0, Replicator.Failover.Refused.PASS_ELSEWHERE),
                    refused,
                    "b waited for the lock, then gave up");
            assertFalse(b.failedOver(atB), "nothing changed while another replica ran the pass");
            assertFalse(a.failedOver(atA));
            Thread.sleep(20);
            TestData.put(store("source"), "js/app.js", "console.log(1)");
            a.sync(PAIR).get(60, TimeUnit.SECONDS);
            Instant consistentAtA = atA.status().consistentAt();
            assertTrue(consistentAtA.isAfter(before), "a's second pass moved the shared ledger on, past b's copy");

            Replicator.Failover done = b.failover(atB);

            assertTrue(done.done(), done.toString());
            assertTrue(a.failedOver(atA), "a reads the failover from the shared ledger");
            assertEquals(
                    consistentAtA,
                    a.meta(atA).consistentAt(),
                    "b failed over from the ledger as a's pass left it, not from its own stale copy");
            TestData.put(store("replica"), "data/written-during-outage.txt", "kept");
            TestData.put(store("source"), "css/late.css", "late");
            PassReport skipped = a.sync(PAIR).get(60, TimeUnit.SECONDS).get(0);
            assertNotNull(skipped.skipped(), "a's next pass skips the failed-over replica: " + skipped.describe());
            assertNull(TestData.text(store("replica"), "css/late.css"), "nothing copied to the failed-over replica");

            try (PassLock.Held pass = passElsewhere()) {
                ReplicationService.PassElsewhere busy = assertThrows(
                        ReplicationService.PassElsewhere.class,
                        () -> a.failbackIfFailedOver(atA, Duration.ofMillis(600), () -> {}));
                assertTrue(busy.getMessage().contains("the pair's pass lock was held elsewhere"), busy.getMessage());
                assertThrows(
                        ReplicationService.PassElsewhere.class,
                        () -> a.resolve(
                                atA,
                                "data/written-during-outage.txt",
                                false,
                                atA.sides("data/written-during-outage.txt")));
            }
            assertTrue(a.failedOver(atA), "the refused failback changed nothing");

            FailbackReport report = a.failbackIfFailedOver(atA, Duration.ofMillis(600), () -> {})
                    .orElseThrow();

            assertEquals(List.of("data/written-during-outage.txt"), report.copiedBack(), report.toString());
            assertEquals("kept", TestData.text(store("source"), "data/written-during-outage.txt"));
            assertFalse(b.failedOver(atB), "b reads the failback from the shared ledger");
            assertEquals(
                    java.util.Optional.empty(),
                    b.failbackIfFailedOver(atB, Duration.ofMillis(600), () -> {}),
                    "a failback of a replica failed back already does nothing");
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void aReplicaThatRunsNoPassesReportsTheStateTheSharedLedgerHolds() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-status-ledgers");
        ReplicationService a = replica(dataDir);
        ReplicationService b = replica(dataDir);
        try {
            Replicator atA = a.replica(PAIR, null);
            Replicator atB = b.replica(PAIR, null);
            TestData.put(store("source"), "status/one.txt", "1");
            a.sync(PAIR).get(60, TimeUnit.SECONDS);

            ReplicationStatus ran = a.status(atA);
            ReplicationStatus seen = b.status(atB);
            assertNotNull(ran.consistentAt());
            assertNull(atB.status().consistentAt(), "b's own copy of the ledger is as old as b's last pass: none");
            assertEquals(ran.consistentAt(), seen.consistentAt(), "b reads the lag from the shared ledger");
            assertEquals(ran.state(), seen.state());
            assertEquals(ran.conflictCount(), seen.conflictCount());

            // A's next pass finds the key changed at both sides: b reports the conflict and the new consistentAt.
            TestData.put(store("replica"), "status/one.txt", "changed at the replica");
            TestData.put(store("source"), "status/one.txt", "changed at the source");
            a.sync(PAIR).get(60, TimeUnit.SECONDS);
            ReplicationStatus after = b.status(atB);
            assertTrue(
                    after.conflicts().contains("status/one.txt"),
                    after.conflicts().toString());
            assertEquals("behind", after.state());
            assertEquals(a.status(atA).consistentAt(), after.consistentAt());
            ReplicationStatus listed = b.statuses().get(0);
            assertEquals(after.consistentAt(), listed.consistentAt(), "every status b serves is read the same way");
            assertEquals(after.conflicts(), listed.conflicts());

            // A pass that cannot list the source changes nothing else, and says so to the replica that did not run it.
            Path away = root.resolve("source-away");
            Files.move(root.resolve("source"), away);
            try {
                a.sync(PAIR).get(60, TimeUnit.SECONDS);
                assertEquals("failing", b.status(atB).state());
                assertEquals(after.consistentAt(), b.status(atB).consistentAt(), "the lag grows from where it was");
            } finally {
                Files.move(away, root.resolve("source"));
            }
            // b runs the next pass. a ran its passes on request only (no schedule): it does not follow the pair, so its
            // own last pass (the one that could not list) says nothing any more; it reads the shared ledger too.
            b.resolve(atB, "status/one.txt", true, atB.sides("status/one.txt"));
            b.sync(PAIR).get(60, TimeUnit.SECONDS);
            assertEquals("in-sync", b.status(atB).state(), b.status(atB).toString());
            assertEquals("in-sync", a.status(atA).state(), a.status(atA).toString());

            // And a sees b's failover, which its own copy of the ledger does not.
            assertTrue(b.failover(atB).done());
            assertFalse(atA.meta().failedOver(), "a's own copy of the ledger");
            assertEquals("failed-over", a.status(atA).state());
            b.failbackIfFailedOver(atB, Duration.ofSeconds(10), () -> {});
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * Change notifications on a pair several replicas share: both replicas watch the source directory, and a notified
     * change is copied only under the pair's pass lock. While another replica keeps the lock past {@link
     * ChangeNotifications.Exclusive#WAIT}, nothing is copied and the change is left unrecorded (the next pass copies
     * it); a lock let go within the wait is taken and the change copied; with the lock free, a change is copied
     * without a pass, and recorded in the shared ledger, so the pass after it copies only what was handed back; once
     * one replica has failed the pair over, neither copies a notified change into the standby.
     */
    @Test
    void notifiedChangesAreCopiedOnlyUnderThePairsPassLock() throws Exception {
        String pair = "notified";
        Files.createDirectories(root.resolve("notified-source"));
        Files.createDirectories(root.resolve("notified-replica"));
        Path dataDir = WorkDirs.create("coordinated-notified-ledgers");
        ReplicationService a = watching(pair, dataDir);
        ReplicationService b = watching(pair, dataDir);
        try {
            Replicator atA = a.replica(pair, null);
            ChangeNotificationsIT.awaitTrue(
                    () -> a.status(atA).consistentAt() != null, "the first scheduled pass, by either replica");
            FileBlobStore replica = store("notified-replica");

            try (PassLock.Held pass = passElsewhereOnceFree(pair)) {
                TestData.put(store("notified-source"), "held/kept-out.txt", "written while another replica passes");
                long until = System.nanoTime()
                        + ChangeNotifications.Exclusive.WAIT.plusSeconds(2).toNanos();
                while (System.nanoTime() < until) {
                    assertNull(
                            TestData.text(replica, "held/kept-out.txt"),
                            "nothing is copied while another replica holds the pair's pass lock");
                    Thread.sleep(100);
                }
            }

            try (PassLock.Held pass = passElsewhereOnceFree(pair)) {
                TestData.put(store("notified-source"), "waited/for-the-lock.txt", "copied once the lock is free");
                Thread.sleep(1000);
                assertNull(TestData.text(replica, "waited/for-the-lock.txt"), "not while the lock is held elsewhere");
            }
            ChangeNotificationsIT.awaitTrue(
                    () -> "copied once the lock is free".equals(TestData.text(replica, "waited/for-the-lock.txt")),
                    "the change whose batch waited for the lock, copied once it was let go");

            TestData.put(store("notified-source"), "free/at-once.txt", "the lock is free");
            ChangeNotificationsIT.awaitTrue(
                    () -> "the lock is free".equals(TestData.text(replica, "free/at-once.txt")),
                    "a change copied on its notification, no pass");
            assertNull(TestData.text(replica, "held/kept-out.txt"), "the change handed back waits for the pass");
            // What the notified copies recorded is in the shared ledger on disk (read, not opened: the replicas own
            // it),
            // for whichever replica passes next.
            List<Path> ledgerDirs;
            try (var dirs = Files.list(dataDir.resolve(pair))) {
                ledgerDirs = dirs.filter(Files::isDirectory).toList();
            }
            assertEquals(1, ledgerDirs.size(), "one replica of the pair: " + ledgerDirs);
            StringBuilder recorded = new StringBuilder();
            for (String file : List.of("ledger.json", "journal.jsonl")) {
                Path f = ledgerDirs.get(0).resolve(file);
                if (Files.exists(f)) {
                    recorded.append(Files.readString(f));
                }
            }
            assertTrue(recorded.indexOf("waited/for-the-lock.txt") >= 0, recorded.toString());
            assertTrue(recorded.indexOf("free/at-once.txt") >= 0, recorded.toString());
            assertTrue(recorded.indexOf("held/kept-out.txt") < 0, "handed back, not recorded: " + recorded);

            List<PassReport> reports = a.sync(pair).get(60, TimeUnit.SECONDS);
            if (reports.isEmpty()) {
                reports = b.sync(pair).get(60, TimeUnit.SECONDS);
            }
            assertEquals(1, reports.size(), "one replica ran the pass");
            assertEquals(
                    1,
                    reports.get(0).copiedObjects(),
                    "the pass copies only the change handed back; the notified copies are in the shared ledger: "
                            + reports.get(0).describe());
            assertEquals("written while another replica passes", TestData.text(replica, "held/kept-out.txt"));

            // Failed over by one replica: the other, whose own copy of the ledger does not say so, reads it again
            // before it copies, and copies nothing into the standby.
            Replicator atB = b.replica(pair, null);
            assertTrue(b.failover(atB).done());
            TestData.put(store("notified-source"), "after/failover.txt", "never copied to a serving standby");
            Thread.sleep(ChangeNotifications.GATHER_MILLIS * 2 + 2000);
            assertNull(TestData.text(replica, "after/failover.txt"), "nothing copied into the failed-over replica");
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * A batch of notified copies holds the pair's lock for moments: a pass that finds it so waits for it rather than
     * skip its turn (deletions and the lag are the passes' alone); a pass elsewhere it does not wait for.
     */
    @Test
    void aPassWaitsForABatchOfNotifiedCopiesButNotForAPassElsewhere() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-pass-after-copy");
        ReplicationService b = replica(dataDir);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            PassLock other = PassLock.postgresql(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
            try (PassLock.Held pass = passElsewhere()) {
                assertFalse(other.copyUnderWay(PAIR), "a pass holds the lock, not a copy");
                assertEquals(List.of(), b.sync(PAIR).get(30, TimeUnit.SECONDS), "no pass while one runs elsewhere");
            }

            PassLock.Held copy = other.attemptCopy(PAIR).orElseThrow();
            Future<List<PassReport>> pass;
            try {
                assertTrue(other.copyUnderWay(PAIR));
                pass = threads.submit(() -> b.sync(PAIR).get(60, TimeUnit.SECONDS));
                Thread.sleep(1500);
                assertFalse(pass.isDone(), "the pass waits while the copy holds the lock");
            } finally {
                copy.close();
            }
            assertEquals(1, pass.get(60, TimeUnit.SECONDS).size(), "then it runs");
            assertFalse(other.copyUnderWay(PAIR));
        } finally {
            threads.shutdownNow();
            b.stop();
        }
    }

    /** A replica that runs the pair's passes (every hour, the first at start) and watches its source directory. */
    private static ReplicationService watching(String pair, Path dataDir) {
        Map<String, String> properties = new HashMap<>();
        properties.put("baran.replication.data-dir", dataDir.toString());
        properties.put("baran.replication.lock", "postgresql");
        properties.put("baran.replication.pairs.\"" + pair + "\".source", "onprem:file://notified-source");
        properties.put("baran.replication.pairs.\"" + pair + "\".replicas", "onprem:file://notified-replica");
        properties.put("baran.replication.pairs.\"" + pair + "\".interval", "1h");
        properties.put("baran.replication.pairs.\"" + pair + "\".notifications", "watch");
        properties.put("baran.api-budget.jdbc-url", postgres.jdbcUrl());
        properties.put("baran.api-budget.user", PostgresServer.USER);
        properties.put("baran.api-budget.password-env", PASSWORD_ENV);
        ReplicationService service = ReplicationServices.configured(properties, providers);
        service.start(name -> PASSWORD_ENV.equals(name) ? PostgresServer.PASSWORD : null, Clock.systemUTC());
        return service;
    }

    /**
     * The pair's pass lock is lost while this replica passes (its session ended: the lock's database restarted or failed
     * over), and another replica takes it and fails the replica over: the pass copies nothing more into the replica now
     * serving as primary and does not write its ledger back over the failover.
     */
    @Test
    void aPassWhoseLockIsLostWritesNothingMoreWhileAnotherReplicaFailsOver() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-lock-lost");
        ReplicationService a = replica(dataDir);
        ReplicationService b = replica(dataDir);
        try {
            Replicator atA = a.replica(PAIR, null);
            Replicator atB = b.replica(PAIR, null);
            TestData.put(store("source"), "lost/first.txt", "first");
            assertEquals(1, a.sync(PAIR).get(60, TimeUnit.SECONDS).size(), "replica a ran the pass");
            TestData.put(store("source"), "lost/second.txt", "second");

            PassLock.Lost lost = assertThrows(
                    PassLock.Lost.class,
                    () -> a.whilePassing(PAIR, taken -> assertTrue(taken, "the lock was free"), () -> {
                        atA.reloadLedger(); // as a pass begins
                        assertEquals(1, endSessionsHolding(PassLock.lockName(PAIR)), "a's session held the lock");
                        assertTrue(b.failover(atB).done(), "b takes the lock the ended session freed");
                        return atA.pass();
                    }));

            assertTrue(lost.getMessage().contains("was lost"), lost.getMessage());
            assertTrue(b.failedOver(atB), "the flag b set stays in the shared ledger");
            assertNull(store("replica").stat("lost/second.txt"), "nothing copied into the replica serving as primary");
            assertNotNull(store("replica").stat("lost/first.txt"));
        } finally {
            a.stop();
            b.stop();
        }
    }

    /** Notified copies of a replica whose lock's session ended, once its last answer is over a second old: none. */
    @Test
    void notifiedCopiesOfAReplicaThatLostItsLockCopyNothing() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-lock-lost-notified");
        ReplicationService a = replica(dataDir);
        try {
            Replicator atA = a.replica(PAIR, null);
            TestData.put(store("source"), "lost/notified.txt", "notified");

            assertThrows(
                    PassLock.Lost.class,
                    () -> afterTheLockIsLost(a, atA, () -> atA.copyNow(java.util.Set.of("lost/notified.txt"))));

            assertNull(store("replica").stat("lost/notified.txt"), "nothing copied without the lock");
        } finally {
            a.stop();
        }
    }

    /** A failback whose lock's session ended copies nothing back to the source and leaves the replica failed over. */
    @Test
    void aFailbackWhoseLockIsLostCopiesNothingBack() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-lock-lost-failback");
        ReplicationService a = replica(dataDir);
        try {
            Replicator atA = a.replica(PAIR, null);
            TestData.put(store("source"), "lost/kept.txt", "kept");
            assertEquals(1, a.sync(PAIR).get(60, TimeUnit.SECONDS).size(), "replica a ran the pass");
            assertTrue(a.failover(atA).done());
            TestData.put(store("replica"), "lost/written-while-failed-over.txt", "new");

            assertThrows(PassLock.Lost.class, () -> afterTheLockIsLost(a, atA, () -> atA.failback()));

            assertNull(store("source").stat("lost/written-while-failed-over.txt"), "nothing copied back");
            assertTrue(a.failedOver(atA), "still failed over in the shared ledger");
        } finally {
            a.stop();
        }
    }

    @Test
    void aLedgerWrittenUnderALockThatWasLostWritesNothingMore() throws Exception {
        String pair = "ledger-lock-lost";
        Path dir = WorkDirs.create(pair);
        PassLock lock = PassLock.postgresql(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
        try (PassLock.Held held = lock.attempt(pair).orElseThrow()) {
            Ledger ledger = Ledger.open(dir);
            ledger.writtenUnder(held);
            ledger.copied("kept.txt", new Ledger.Entry("s1", 1, null, "r1"));
            ledger.checkpoint(m -> m);
            byte[] written = Files.readAllBytes(dir.resolve("ledger.json"));

            assertEquals(1, endSessionsHolding(PassLock.lockName(pair)));

            assertThrows(PassLock.Lost.class, () -> ledger.checkpoint(m -> m.withConflicts(Map.of("k", "both"))));
            assertArrayEquals(written, Files.readAllBytes(dir.resolve("ledger.json")), "no snapshot written");
            assertThrows(
                    PassLock.Lost.class,
                    () -> ledger.copied("later.txt", new Ledger.Entry("s2", 1, null, "r2")),
                    "lost for good: no journal line either");
            Ledger reread = Ledger.open(dir);
            assertTrue(reread.entries().containsKey("kept.txt"));
            assertFalse(reread.entries().containsKey("later.txt"));
            reread.close();
            ledger.close();
        }
    }

    /**
     * Runs {@code work} as {@code a}'s pass of the pair once its lock's session has ended (as a restart of the database
     * would end it) and its last answer that the lock is held is over a second old.
     */
    private static <T> T afterTheLockIsLost(ReplicationService a, Replicator atA, ReplicationService.PassWork<T> work)
            throws InterruptedException {
        return a.whilePassing(PAIR, taken -> assertTrue(taken, "the lock was free"), () -> {
                    atA.reloadLedger();
                    assertEquals(1, endSessionsHolding(PassLock.lockName(PAIR)), "a's session held the lock");
                    Thread.sleep(PassLock.VERIFIED_FOR.toMillis() + 100); // past the last answer's second
                    return work.run();
                })
                .orElseThrow();
    }

    /** Ends the PostgreSQL sessions holding the advisory lock {@code key}, as a restart of the database would; how many. */
    private static int endSessionsHolding(String key) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                        postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
                java.sql.PreparedStatement s =
                        c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                                + " WHERE locktype = 'advisory' AND granted AND objsubid = 1"
                                + " AND classid::bigint = (hashtextextended(?, 0) >> 32) & 4294967295"
                                + " AND objid::bigint = hashtextextended(?, 0) & 4294967295")) {
            s.setString(1, key);
            s.setString(2, key);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError("the test's PostgreSQL did not answer", e);
        }
    }

    /**
     * While this process holds the pair's pass lock for its own pass, a failover here does not wait for the lock (it
     * is its own): the pass is stopped by this replica's fence, and the flag is in the shared ledger before the lock is
     * let go, so the other replica reads it as soon as it can take the lock.
     */
    @Test
    void aFailoverDuringThisReplicasOwnPassUsesItsFenceAndIsInTheLedgerBeforeTheLockIsLetGo() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-failover-own-pass");
        ReplicationService a = replica(dataDir);
        ReplicationService b = replica(dataDir);
        try {
            Replicator atA = a.replica(PAIR, null);
            Replicator atB = b.replica(PAIR, null);
            TestData.put(store("source"), "img/logo.png", "logo");
            assertEquals(1, b.sync(PAIR).get(60, TimeUnit.SECONDS).size(), "replica b ran the last pass");
            Instant consistentAtB = atB.status().consistentAt();
            assertNull(atA.status().consistentAt(), "a has not read the shared ledger since b's pass");

            java.util.Optional<Replicator.Failover> during =
                    a.whilePassing(PAIR, taken -> assertTrue(taken, "the lock was free"), () -> {
                        Replicator.Failover f = a.failover(atA);
                        assertTrue(b.failedOver(atB), "the flag is in the shared ledger while a still holds the lock");
                        return f;
                    });

            assertTrue(during.orElseThrow().done(), during.toString());
            assertTrue(b.failedOver(atB));
            assertEquals(
                    consistentAtB,
                    b.meta(atB).consistentAt(),
                    "a failed over from the ledger as b's pass left it, not from its own copy from before");
            assertTrue(
                    b.failbackIfFailedOver(atB, Duration.ofSeconds(5), () -> {}).isPresent(),
                    "b takes the lock a let go, and fails back");
            assertFalse(a.failedOver(atA));
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * A failover of another thread that found the lock held here for the pass, still waiting for a write under way at
     * the replica when the pass ends, keeps the lock held until its flag is in the ledger: the other replica cannot take
     * the lock in between and run a pass that copies into the standby.
     */
    @Test
    void theLockOfAPassThatEndsDuringAFenceFailoverIsLetGoOnlyOnceTheFlagIsSet() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-failover-release");
        ReplicationService a = replica(dataDir);
        ReplicationService b = replica(dataDir);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch passEnds = new CountDownLatch(1);
        try {
            Replicator atA = a.replica(PAIR, null);
            Replicator atB = b.replica(PAIR, null);
            Future<Replicator.Failover> failover = threads.submit(() -> {
                assertTrue(passEnds.await(60, TimeUnit.SECONDS));
                return a.failover(atA, Duration.ofSeconds(60), Duration.ofSeconds(60), () -> {});
            });
            java.util.concurrent.atomic.AtomicReference<Thread> passThread =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Future<?> pass = threads.submit(() -> a.whilePassing(PAIR, taken -> assertTrue(taken), () -> {
                passThread.set(Thread.currentThread());
                // A write of this pass being made visible at the replica, held there.
                threads.submit(() -> atA.fenced().visible("css/held.css", () -> {
                    writing.countDown();
                    try {
                        return release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }));
                assertTrue(writing.await(60, TimeUnit.SECONDS), "the write is under way");
                passEnds.countDown();
                // The failover enters the fence path and waits for the write; then the pass ends.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!fenceWaiting(atA) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                return "the pass ends";
            }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!fenceWaiting(atA) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(fenceWaiting(atA), "the failover waits in the fence for the write under way");
            // The pass has ended and asks to let the lock go (it waits for the failover), or has let it go.
            while (passThread.get().getState() != Thread.State.BLOCKED
                    && !pass.isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertEquals(
                    new Replicator.Failover(false, 0, Replicator.Failover.Refused.PASS_ELSEWHERE),
                    b.failover(atB),
                    "the lock is still a's while its failover waits");

            release.countDown();
            assertTrue(failover.get(60, TimeUnit.SECONDS).done());
            pass.get(60, TimeUnit.SECONDS);
            assertTrue(b.failedOver(atB), "the flag was in the ledger before b could take the lock");
        } finally {
            release.countDown();
            passEnds.countDown();
            threads.shutdownNow();
            a.stop();
            b.stop();
        }
    }

    /** A failover waits in the fence: the fence's write lock is asked for while a write holds its read lock. */
    private static boolean fenceWaiting(Replicator r) {
        return r.fenced().failoverWaiting();
    }

    /**
     * A lock database that does not answer is told apart from a lock held elsewhere, and changes nothing; a worker that
     * runs no passes and shares no lock refuses to change the pair, whose passes run elsewhere.
     */
    @Test
    void anUnreachableLockDatabaseOrAWorkerWithoutPassesChangesNothing() throws Exception {
        Path dataDir = WorkDirs.create("coordinated-failover-unreachable");
        int closed = io.baran.testinfra.Ports.free();
        ReplicationService unreachable =
                replica(dataDir, "postgresql", "jdbc:postgresql://127.0.0.1:" + closed + "/baran");
        ReplicationService withoutPasses = replica(dataDir, "local", postgres.jdbcUrl());
        try {
            Replicator r = unreachable.replica(PAIR, null);

            PassLock.Unreachable refused = assertThrows(PassLock.Unreachable.class, () -> unreachable.failover(r));

            assertTrue(refused.getMessage().contains("could not be asked"), refused.getMessage());
            assertFalse(unreachable.failedOver(r));
            ReplicationService.NoPasses none = assertThrows(
                    ReplicationService.NoPasses.class, () -> withoutPasses.failover(withoutPasses.replica(PAIR, null)));
            assertTrue(none.getMessage().contains("runs no passes"), none.getMessage());
            assertThrows(
                    ReplicationService.NoPasses.class,
                    () -> withoutPasses.failbackIfFailedOver(
                            withoutPasses.replica(PAIR, null), Duration.ofMillis(600), () -> {}));
            assertFalse(unreachable.failedOver(r), "nothing changed");
        } finally {
            unreachable.stop();
            withoutPasses.stop();
        }
    }
}
