package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.WorkDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two replication-worker applications (the packaged Quarkus jar, as processes) with replication enabled on one pair,
 * sharing their ledger directory and coordinating through PostgreSQL ({@code baran.replication.lock=postgresql}):
 * while both are alive one holds the pair's advisory lock and runs its passes, the other is refused and runs none;
 * the active one is killed with SIGKILL in the middle of a large multipart copy, and the other takes the pair over,
 * resumes that upload from the shared ledger (the parts sent are not sent again) and finishes the pass. Every object
 * is then at the replica exactly once with its content, no temporary object or unfinished upload is left, and a
 * watcher listing the replica all along never saw an object that was not whole.
 */
@Timeout(480)
class ReplicasShareAPairIT {

    private static final Path APP = PackagedWorkers.APP;
    private static final int PART = 8 << 20;
    private static final int BIG_PARTS = 16;
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final String PASSWORD_ENV = "BARAN_TEST_PASS_LOCK_PASSWORD";
    private static final String RUNS = "this worker replica runs its passes";
    private static final String REFUSED = "another worker replica runs its passes";

    @Test
    void oneReplicaRunsThePairAndTheOtherFinishesThePassWhenItIsKilled() throws Exception {
        assertTrue(Files.isRegularFile(APP), APP + " is missing: run the tests through ./mvnw verify, after packaging");
        Path root = WorkDirs.create("ha-source");
        Path dir = Files.createDirectories(root.resolve("assets"));
        long bigSize = (long) BIG_PARTS * PART + 555;
        PackagedWorkers.Source source = PackagedWorkers.writeSource(dir, bigSize, 2000, 7);
        Map<String, String> expected = source.sha256();
        Map<String, Long> sizes = source.sizes();
        String bucket = Emulators.bucket("ha");
        Emulators.s3Client().createBucket(b -> b.bucket(bucket));
        Path dataDir = WorkDirs.create("ha-shared-data");
        PackagedWorkers.ReplicaWatcher watcher = new PackagedWorkers.ReplicaWatcher(bucket);
        try (PostgresServer postgres = PostgresServer.start(WorkDirs.create("ha-postgres"))) {
            watcher.start();
            int port1 = Ports.free();
            int port2 = Ports.free();
            LocalProcess a = startWorker("ha-worker-1", port1, root, bucket, dataDir, postgres);
            LocalProcess b = startWorker("ha-worker-2", port2, root, bucket, dataDir, postgres);
            LocalProcess survivor;
            long sentBeforeKill;
            long bytesSentBeforeKill;
            try {
                a.await(
                        () -> PackagedWorkers.partsJournaled(dataDir) >= 2
                                && logSays(a, RUNS, REFUSED)
                                && logSays(b, RUNS, REFUSED),
                        WAIT,
                        "both workers to try the pair's lock, and two parts of the large object to be sent");
                List<Long> holders = lockHolders(postgres);
                assertEquals(1, holders.size(), "one advisory lock held for the pair: " + holders);
                LocalProcess active = holders.get(0) == a.pid() ? a : b;
                survivor = active == a ? b : a;
                // Frozen at once (SIGSTOP), so the checks below cannot outlast its upload: it keeps its database
                // session, and so the lock, until it is killed.
                freeze(active.pid());
                assertEquals(active.pid(), (long) holders.get(0), "the lock is held by one of the two workers");
                assertTrue(log(active).contains(RUNS), "the lock holder runs the passes");
                assertTrue(
                        log(survivor).contains(REFUSED) && !log(survivor).contains(RUNS),
                        "the other worker is refused the lock and runs no pass while the holder lives");
                for (int i = 0; i < 5; i++) {
                    assertEquals(List.of(active.pid()), lockHolders(postgres), "still one holder, the same");
                    Thread.sleep(200);
                }

                // Read just before the kill: once the holder is dead the survivor may take the lock at once.
                String survivorBeforeKill = log(survivor);
                ProcessHandle worker = ProcessHandle.of(active.pid()).orElseThrow();
                assertTrue(worker.destroyForcibly(), "SIGKILL sent");
                worker.onExit().get(30, TimeUnit.SECONDS);
                active.close();
                List<Integer> partsSent = PackagedWorkers.partNumbersJournaled(dataDir);
                sentBeforeKill = partsSent.size();
                // Parts go up concurrently: the short last one may be among those sent while a full one was not.
                bytesSentBeforeKill = partsSent.stream()
                        .mapToLong(n -> n <= BIG_PARTS ? PART : bigSize - (long) BIG_PARTS * PART)
                        .sum();
                assertTrue(
                        sentBeforeKill < BIG_PARTS + 1,
                        "killed before the large object was complete (" + sentBeforeKill + " parts sent)");
                assertFalse(watcher.keys().contains("big/archive.tar"), "the half-sent object is not visible");
                assertFalse(survivorBeforeKill.contains(RUNS), "the survivor ran no pass while the holder lived");

                int survivorPort = survivor == a ? port1 : port2;
                survivor.await(
                        () -> "in-sync".equals(PackagedWorkers.state(survivorPort, "ha")),
                        WAIT,
                        "the surviving worker to take the pair over and finish the pass in sync");
                assertTrue(log(survivor).contains(RUNS), "the survivor took the pair's lock");
                JsonNode replica = PackagedWorkers.pair(survivorPort, "ha")
                        .path("replicas")
                        .get(0);
                assertTrue(
                        replica.path("copiedBytes").asLong() <= bigSize + 31 * 2100 - bytesSentBeforeKill,
                        "the parts the killed worker sent are not sent again (the ledger is shared): "
                                + replica.path("copiedBytes").asLong() + " bytes sent by the survivor");
            } finally {
                a.close();
                b.close();
            }
        } finally {
            watcher.stop();
        }

        PackagedWorkers.assertReplicaHoldsExactly(bucket, expected, sizes, watcher);
    }

    private static void freeze(long pid) throws IOException, InterruptedException {
        Process stop = new ProcessBuilder("kill", "-STOP", String.valueOf(pid)).start();
        assertTrue(stop.waitFor(10, TimeUnit.SECONDS) && stop.exitValue() == 0, "SIGSTOP sent to " + pid);
    }

    /** The process ids of the workers holding a pass lock, from their sessions' application names. */
    private static List<Long> lockHolders(PostgresServer postgres) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                        + " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted")) {
            List<Long> pids = new ArrayList<>();
            while (rs.next()) {
                String name = rs.getString(1);
                pids.add(Long.parseLong(name.substring(name.lastIndexOf(' ') + 1)));
            }
            return pids;
        }
    }

    private static String log(LocalProcess p) {
        try {
            return Files.readString(p.log());
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean logSays(LocalProcess p, String one, String other) {
        String log = log(p);
        return log.contains(one) || log.contains(other);
    }

    private static LocalProcess startWorker(
            String name, int port, Path root, String bucket, Path dataDir, PostgresServer pg) {
        List<String> command = PackagedWorkers.command(
                port,
                root,
                "ha",
                bucket,
                dataDir,
                List.of(
                        "-Dbaran.replication.pairs.ha.interval=1s",
                        "-Dbaran.replication.lock=postgresql",
                        "-Dbaran.api-budget.jdbc-url=" + pg.jdbcUrl(),
                        "-Dbaran.api-budget.user=" + PostgresServer.USER,
                        "-Dbaran.api-budget.password-env=" + PASSWORD_ENV,
                        "-Dbaran.replication.concurrency=1",
                        "-Dbaran.replication.buffers=2"));
        return LocalProcess.start(name, command, WorkDirs.create(name), Map.of(PASSWORD_ENV, PostgresServer.PASSWORD));
    }
}
