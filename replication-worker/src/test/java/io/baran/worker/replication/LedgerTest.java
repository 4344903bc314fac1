package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.WorkDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerTest {

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
        ledger.checkpoint(new Ledger.Meta(at, at, at, true, Map.of("x", "both changed")));
        assertEquals(0, Files.size(dir.resolve("journal.jsonl")));
        ledger.close();

        Ledger again = Ledger.open(dir);
        assertEquals("r1", again.entry("a.txt").replicaVersion());
        assertEquals(at, again.meta().consistentAt());
        assertTrue(again.meta().failedOver());
        assertEquals(Map.of("x", "both changed"), again.meta().conflicts());
    }
}
