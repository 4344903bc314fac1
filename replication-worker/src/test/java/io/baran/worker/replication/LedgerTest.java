package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.WorkDirs;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerTest {

    /** Two worker replicas sharing the ledger directory, one taking the pair over after the other was killed. */
    @Test
    void aReplicaTakingOverReadsWhatTheOtherJournaledAndCheckpointed() throws Exception {
        Path dir = WorkDirs.create("ledger-shared");
        Ledger killed = Ledger.open(dir);
        Ledger taking = Ledger.open(dir);
        killed.copied("a.txt", new Ledger.Entry("v1", 3, "abc", "r1"));
        killed.checkpoint(
                m -> new Ledger.Meta(Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, false, Map.of(), null, null, null));
        killed.sessionStarted(new Ledger.Session("big.bin", "v9", 100, 10, "upload-1|key", null));
        killed.partDone("big.bin", 1, new Ledger.Part("crc-1", "etag-1"));
        // Killed in the middle of its next line.
        Files.writeString(dir.resolve("journal.jsonl"), "{\"op\":\"part\",\"k\":\"big", StandardOpenOption.APPEND);
        assertNull(taking.entry("a.txt"), "read at start, before the other replica copied anything");

        taking.reload();
        assertEquals(new Ledger.Entry("v1", 3, "abc", "r1"), taking.entry("a.txt"));
        assertEquals(Instant.EPOCH, taking.meta().consistentAt());
        assertEquals(
                Map.of(1, new Ledger.Part("crc-1", "etag-1")),
                taking.session("big.bin").parts());
        // What it journals after the torn line is a line of its own, read back by the next replica.
        taking.partDone("big.bin", 2, new Ledger.Part("crc-2", "etag-2"));
        Ledger next = Ledger.open(dir);
        assertEquals(
                Map.of(1, new Ledger.Part("crc-1", "etag-1"), 2, new Ledger.Part("crc-2", "etag-2")),
                next.session("big.bin").parts());
        killed.close();
        taking.close();
        next.close();
    }

    @Test
    void aCheckpointThatCannotBeWrittenChangesNothing() throws Exception {
        Path dir = WorkDirs.create("ledger");
        Ledger ledger = Ledger.open(dir);
        // The snapshot cannot replace the last one: a directory that is not empty holds its name.
        Files.createDirectories(dir.resolve("ledger.json").resolve("in-the-way"));

        assertThrows(
                UncheckedIOException.class,
                () -> ledger.checkpoint(m -> new Ledger.Meta(null, null, null, true, Map.of(), null, null, null)));

        assertFalse(ledger.meta().failedOver(), "a failover the ledger could not record does not hold");
        try (var left = Files.list(dir)) {
            assertFalse(
                    left.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")),
                    "no temporary snapshot left behind");
        }
        ledger.close();
    }

    @Test
    void whatACrashedProcessJournaledIsThereAfterARestart() throws Exception {
        Path dir = WorkDirs.create("ledger");
        Ledger first = Ledger.open(dir);
        first.copied("a.txt", new Ledger.Entry("v1", 3, "abc", "r1"));
        first.copied("b.txt", new Ledger.Entry("v2", 4, null, "r2"));
        first.removed("b.txt");
        first.sessionStarted(new Ledger.Session("big.bin", "v9", 100, 10, "upload-1|key", null));
        first.partDone("big.bin", 1, new Ledger.Part("md5-1", "etag-1"));
        first.partDone("big.bin", 2, new Ledger.Part("md5-2", "etag-2"));
        // No checkpoint, no close: as if the process was killed. Then half a line, as a crash can leave it.
        Files.writeString(dir.resolve("journal.jsonl"), "{\"op\":\"copied\",\"k\":\"c.t", StandardOpenOption.APPEND);

        Ledger second = Ledger.open(dir);
        assertEquals(new Ledger.Entry("v1", 3, "abc", "r1"), second.entry("a.txt"));
        assertNull(second.entry("b.txt"));
        assertNull(second.entry("c.t"));
        Ledger.Session session = second.session("big.bin");
        assertEquals("upload-1|key", session.token());
        assertEquals(
                Map.of(1, new Ledger.Part("md5-1", "etag-1"), 2, new Ledger.Part("md5-2", "etag-2")), session.parts());
    }

    @Test
    void aCheckpointKeepsEverythingAndEmptiesTheJournal() throws Exception {
        Path dir = WorkDirs.create("ledger");
        Ledger ledger = Ledger.open(dir);
        ledger.copied("a.txt", new Ledger.Entry("v1", 3, "abc", "r1"));
        Instant at = Instant.parse("2026-11-21T10:00:00Z");
        Instant back = at.plusSeconds(60);
        ledger.checkpoint(new Ledger.Meta(at, at, at, true, Map.of("x", "both changed"), at, back, at));
        assertEquals(0, Files.size(dir.resolve("journal.jsonl")));
        ledger.close();

        Ledger again = Ledger.open(dir);
        assertEquals("r1", again.entry("a.txt").replicaVersion());
        assertEquals(at, again.meta().consistentAt());
        assertTrue(again.meta().failedOver());
        assertEquals(Map.of("x", "both changed"), again.meta().conflicts());
        assertEquals(at, again.meta().failedOverAt());
        assertEquals(back, again.meta().failedBackAt());
        assertEquals(at, again.meta().lastAttempt());
        assertEquals(again.meta(), again.storedMeta());
    }

    @Test
    void aSnapshotWrittenBeforeTheFailoverTimesReadsWithoutThem() throws Exception {
        Path dir = WorkDirs.create("ledger");
        Files.writeString(
                dir.resolve("ledger.json"),
                "{\"meta\":{\"consistentAt\":\"2026-11-21T10:00:00Z\",\"lastListing\":null,\"lastSuccess\":null,"
                        + "\"failedOver\":true,\"conflicts\":{}},\"entries\":{\"a\":{\"sourceVersion\":\"v1\","
                        + "\"size\":1,\"sha256\":null,\"replicaVersion\":\"r1\"}},\"sessions\":{}}");
        try (Ledger ledger = Ledger.open(dir)) {
            assertTrue(ledger.meta().failedOver());
            assertNull(ledger.meta().failedOverAt());
            assertNull(ledger.meta().failedBackAt());
            assertNull(ledger.meta().lastAttempt());
            assertEquals("r1", ledger.entry("a").replicaVersion());
        }
    }

    @Test
    void aFailbackOfAReplicaFailedOverBeforeItsTimeWasRecordedTakesTheLastListingForIt() {
        Instant listed = Instant.parse("2026-11-21T10:00:00Z");
        Instant started = listed.plusSeconds(600);
        Instant ended = started.plusSeconds(5);
        Ledger.Meta before = new Ledger.Meta(listed, listed, listed, true, Map.of(), null, null, listed);

        Ledger.Meta back = before.afterFailback(true, Map.of("k", "both"), started, ended);
        assertFalse(back.failedOver());
        assertEquals(listed, back.failedOverAt(), "passes stop at failover: it came after the last listing");
        assertEquals(ended, back.failedBackAt());
        assertEquals(Map.of("k", "both"), back.conflicts());

        Ledger.Meta never = new Ledger.Meta(null, null, null, true, Map.of(), null, null, null);
        assertEquals(
                started, never.afterFailback(true, Map.of(), started, ended).failedOverAt());
        Ledger.Meta unfinished = before.afterFailback(false, Map.of(), started, ended);
        assertTrue(unfinished.failedOver());
        assertNull(unfinished.failedBackAt(), "a failback with errors leaves the replica failed over");
    }
}
