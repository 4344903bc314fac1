package io.baran.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    static final Instant AT = Instant.parse("2026-03-01T10:15:30.123456Z");

    static ChainRow row(long id, String prevHash) {
        return new ChainRow(
                        id,
                        AT.plusSeconds(id),
                        "ada",
                        "[\"admin\",\"sre\"]",
                        "drill.start",
                        "demo-web",
                        null,
                        "req-" + id,
                        false,
                        "requested",
                        "{\"mode\":\"drill\"}",
                        prevHash,
                        null)
                .hashed();
    }

    static List<ChainRow> chain(int n) {
        List<ChainRow> rows = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 1; i <= n; i++) {
            ChainRow row = row(i, prev);
            rows.add(row);
            prev = row.hash();
        }
        return rows;
    }

    @Test
    void theSerialisationNamesEveryColumnWithItsLengthAndTheTimeInMicroseconds() {
        ChainRow row = new ChainRow(
                1,
                AT,
                "ada",
                "[]",
                "runbook.put",
                "shop",
                "new\nline",
                null,
                true,
                "accepted",
                null,
                AuditChain.GENESIS,
                null);
        assertEquals("""
                baran-audit-v1
                id 1:1
                at 27:2026-03-01T10:15:30.123456Z
                actor 3:ada
                groups 2:[]
                action 11:runbook.put
                target 4:shop
                reason 8:new
                line
                request_id -
                break_glass 4:true
                outcome 8:accepted
                detail -
                prev_hash 64:%s
                """.formatted(AuditChain.GENESIS), AuditChain.canonical(row));
    }

    @Test
    void theHashOfAKnownRowNeverChanges() {
        // Computed independently (Python hashlib over the documented format). Every stored hash depends on this: a
        // different value here means the format changed (see AuditChain).
        assertEquals(
                "6789f47750060340781731f958edd6cc6be7301e51da74a61af57c069c669951",
                row(1, AuditChain.GENESIS).hash());
    }

    @Test
    void lengthsCountUtf8BytesSoNonAsciiValuesCannotShiftIntoTheNextField() {
        ChainRow row =
                new ChainRow(1, AT, "Ünal", "[]", "a", "t", null, null, false, "o", null, AuditChain.GENESIS, null);
        assertTrue(AuditChain.canonical(row).contains("actor 5:Ünal\n"));
    }

    @Test
    void movingTextFromOneFieldToTheNextChangesTheHash() {
        ChainRow a = new ChainRow(1, AT, "ad", "[]", "a", "t", "x", null, false, "o", null, AuditChain.GENESIS, null);
        ChainRow b = new ChainRow(1, AT, "a", "[]", "a", "t", "dx", null, false, "o", null, AuditChain.GENESIS, null);
        assertNotEquals(AuditChain.hash(a), AuditChain.hash(b));
    }

    @Test
    void nullAndEmptyTextHashDifferently() {
        ChainRow a = new ChainRow(1, AT, "ad", "[]", "a", "t", null, null, false, "o", null, AuditChain.GENESIS, null);
        ChainRow b = new ChainRow(1, AT, "ad", "[]", "a", "t", "", null, false, "o", null, AuditChain.GENESIS, null);
        assertNotEquals(AuditChain.hash(a), AuditChain.hash(b));
    }

    @Test
    void everyColumnIsCoveredByTheHash() {
        ChainRow base = row(3, "a".repeat(64));
        List<ChainRow> changed = List.of(
                new ChainRow(
                        4,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at().plusNanos(1000),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        "eve",
                        base.groups(),
                        base.action(),
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        "[\"admin\"]",
                        base.action(),
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        "failover.start",
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        "shop",
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        base.target(),
                        "why",
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        base.target(),
                        base.reason(),
                        "req-x",
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        true,
                        base.outcome(),
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        "accepted",
                        base.detail(),
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        "{}",
                        base.prevHash(),
                        null),
                new ChainRow(
                        3,
                        base.at(),
                        base.actor(),
                        base.groups(),
                        base.action(),
                        base.target(),
                        base.reason(),
                        base.requestId(),
                        base.breakGlass(),
                        base.outcome(),
                        base.detail(),
                        "b".repeat(64),
                        null));
        Set<String> hashes = new HashSet<>();
        hashes.add(base.hash());
        changed.forEach(r -> hashes.add(AuditChain.hash(r)));
        assertEquals(changed.size() + 1, hashes.size());
    }

    @Test
    void aTimeFinerThanMicrosecondsIsRefusedBecausePostgresWouldRoundIt() {
        assertThrows(IllegalArgumentException.class, () -> AuditChain.timestamp(AT.plusNanos(1)));
        assertEquals("2026-03-01T10:15:30.000000Z", AuditChain.timestamp(Instant.parse("2026-03-01T10:15:30Z")));
    }

    @Test
    void anUntouchedChainIsIntactAndNamesItsHead() {
        List<ChainRow> rows = chain(5);
        Verification v = ChainVerifier.verify(rows);
        assertTrue(v.intact());
        assertEquals(5, v.rows());
        assertNull(v.brokenAt());
        assertEquals(5L, v.headId());
        assertEquals(rows.get(4).hash(), v.head());
        assertEquals("audit chain intact: 5 rows", v.summary());
    }

    @Test
    void anEmptyTrailIsIntact() {
        Verification v = ChainVerifier.verify(List.of());
        assertTrue(v.intact());
        assertEquals(0, v.rows());
        assertNull(v.head());
    }

    @Test
    void aChangedColumnBreaksTheChainAtThatRow() {
        List<ChainRow> rows = new ArrayList<>(chain(5));
        ChainRow r = rows.get(2);
        rows.set(
                2,
                new ChainRow(
                        r.id(),
                        r.at(),
                        "mallory",
                        r.groups(),
                        r.action(),
                        r.target(),
                        r.reason(),
                        r.requestId(),
                        r.breakGlass(),
                        r.outcome(),
                        r.detail(),
                        r.prevHash(),
                        r.hash()));
        Verification v = ChainVerifier.verify(rows);
        assertFalse(v.intact());
        assertEquals(3L, v.brokenAt());
        assertEquals(Verification.HASH_MISMATCH, v.problem());
        assertEquals(2, v.rows());
        assertEquals(
                "audit chain broken at row 3: its content does not match its hash: the row was changed after it was written",
                v.summary());
    }

    @Test
    void aRowChangedAndRehashedBreaksTheLinkOfTheRowAfterIt() {
        List<ChainRow> rows = new ArrayList<>(chain(5));
        ChainRow r = rows.get(2);
        rows.set(
                2,
                new ChainRow(
                                r.id(),
                                r.at(),
                                "mallory",
                                r.groups(),
                                r.action(),
                                r.target(),
                                r.reason(),
                                r.requestId(),
                                r.breakGlass(),
                                r.outcome(),
                                r.detail(),
                                r.prevHash(),
                                null)
                        .hashed());
        Verification v = ChainVerifier.verify(rows);
        assertEquals(4L, v.brokenAt());
        assertEquals(Verification.PREV_HASH_MISMATCH, v.problem());
    }

    @Test
    void aRemovedRowIsAGapAtTheRowAfterIt() {
        List<ChainRow> rows = new ArrayList<>(chain(5));
        rows.remove(2);
        Verification v = ChainVerifier.verify(rows);
        assertEquals(4L, v.brokenAt());
        assertEquals(Verification.GAP, v.problem());
        assertEquals("audit chain broken at row 4: row 3 is missing (row 4 follows row 2)", v.summary());
    }

    @Test
    void removedFirstRowsAreAGap() {
        List<ChainRow> rows = new ArrayList<>(chain(5));
        rows.subList(0, 2).clear();
        Verification v = ChainVerifier.verify(rows);
        assertEquals(3L, v.brokenAt());
        assertEquals("rows 1 to 2 are missing (the trail starts at row 3)", v.reason());
    }

    @Test
    void aFirstRowThatDoesNotStartFromZerosIsBroken() {
        Verification v = ChainVerifier.verify(List.of(row(1, "f".repeat(64))));
        assertEquals(1L, v.brokenAt());
        assertEquals(Verification.PREV_HASH_MISMATCH, v.problem());
    }
}
