package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.replication.PassPlan.Kind;
import io.baran.worker.replication.PassPlan.Step;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pass planner on plain listings and ledger records: no store, no ledger file, no clock. */
class PassPlannerTest {

    private static final Instant LISTED = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant LAST_LISTING = Instant.parse("2026-11-22T09:59:00Z");
    private static final Instant WRITTEN = Instant.parse("2026-11-22T09:59:30Z");
    private static final Ledger.Meta FIRST = new Ledger.Meta(null, null, null, false, Map.of(), null, null, null);
    private static final Ledger.Meta LATER =
            new Ledger.Meta(LAST_LISTING, LAST_LISTING, LAST_LISTING, false, Map.of(), null, null, null);

    private final PassPlanner mirror = new PassPlanner("assets", Mode.MIRROR, 50);

    /** An object with a SHA-256 both sides know, so contents compare without reading. */
    private static Blob blob(String key, String version, long size, String sha) {
        return new Blob(key, size, WRITTEN, version, sha.repeat(64 / sha.length()), null, null);
    }

    /** An object with no checksum the other side knows (as an S3 multipart object to Cloud Storage). */
    private static Blob unsummed(String key, String version, long size) {
        return new Blob(key, size, WRITTEN, version, null, null, null);
    }

    private static Ledger.Entry copied(Blob s, Blob r) {
        return new Ledger.Entry(s.version(), s.size(), s.sha256(), r.version());
    }

    @Test
    void anObjectOnlyAtTheSourceIsCopiedWithTheTimeItWasWritten() {
        Blob a = blob("a.txt", "s1", 5, "a");

        PassPlan plan = mirror.plan(Map.of("a.txt", a), Map.of(), Map.of(), FIRST, LISTED);

        assertEquals(List.of(new Step(Kind.COPY, "a.txt", a, null, WRITTEN)), plan.copies());
        assertEquals(plan.copies(), plan.steps());
        assertTrue(plan.deletions().isEmpty());
        assertTrue(plan.conflicts().isEmpty());
        assertEquals(5, plan.bytes());
        assertFalse(plan.guard().tripped());
    }

    @Test
    void copiesAreOrderedLargestFirst() {
        Map<String, Blob> source = Map.of(
                "small",
                blob("small", "1", 10, "a"),
                "large",
                blob("large", "2", 1000, "b"),
                "middle",
                blob("middle", "3", 100, "c"));

        PassPlan plan = mirror.plan(source, Map.of(), Map.of(), FIRST, LISTED);

        assertEquals(
                List.of("large", "middle", "small"),
                plan.copies().stream().map(Step::key).toList());
        assertEquals(1110, plan.bytes());
    }

    @Test
    void whatTheLedgerSaysWasCopiedIsLeftAloneAndAChangeAtTheSourceIsCopied() {
        Blob s = blob("keep", "s1", 5, "a");
        Blob r = blob("keep", "r1", 5, "a");
        Blob changed = blob("change", "s2", 7, "c");
        Blob old = blob("change", "r1", 5, "b");
        Map<String, Ledger.Entry> ledger =
                Map.of("keep", copied(s, r), "change", new Ledger.Entry("s1", 5, old.sha256(), "r1"));

        PassPlan plan = mirror.plan(
                Map.of("keep", s, "change", changed), Map.of("keep", r, "change", old), ledger, LATER, LISTED);

        assertEquals(List.of(new Step(Kind.COPY, "change", changed, old, WRITTEN)), plan.copies());
        assertTrue(plan.inStep().isEmpty(), "a copy the ledger knows needs no new record");
    }

    @Test
    void equalChecksumsWithoutALedgerRecordAreInStepAndRecordedNotCopied() {
        Blob s = blob("a", "s1", 5, "a");
        Blob r = blob("a", "r9", 5, "a");

        PassPlan plan = mirror.plan(Map.of("a", s), Map.of("a", r), Map.of(), FIRST, LISTED);

        assertTrue(plan.copies().isEmpty());
        assertEquals(Map.of("a", new Ledger.Entry("s1", 5, s.sha256(), "r9")), plan.inStep());
    }

    @Test
    void contentsNoChecksumCanCompareAreComparedBeforeCopying() {
        Blob s = unsummed("a", "s1", 5);
        Blob r = unsummed("a", "r1", 5);

        PassPlan plan = mirror.plan(Map.of("a", s), Map.of("a", r), Map.of(), FIRST, LISTED);

        assertEquals(
                List.of(Kind.VERIFY), plan.copies().stream().map(Step::kind).toList());
        assertTrue(plan.describe().contains("1 to compare first"), plan.describe());
    }

    @Test
    void aReplicaObjectChangedSinceBaranWroteItIsAConflictAndNotCopied() {
        Blob s1 = blob("report.csv", "s1", 2, "a");
        Blob r1 = blob("report.csv", "r1", 2, "a");
        Blob s2 = blob("report.csv", "s2", 16, "b");
        Blob edited = blob("report.csv", "r2", 21, "c");

        PassPlan plan = mirror.plan(
                Map.of("report.csv", s2),
                Map.of("report.csv", edited),
                Map.of("report.csv", copied(s1, r1)),
                LATER,
                LISTED);

        assertTrue(plan.copies().isEmpty(), plan.render(10));
        assertEquals(Set.of("report.csv"), plan.conflicts().keySet());
        assertTrue(
                plan.conflicts().get("report.csv").description().startsWith("the source holds 16 bytes"),
                plan.conflicts().toString());
        assertEquals(WRITTEN, plan.conflicts().get("report.csv").changedAt(), "the source's change holds the lag");
    }

    @Test
    void aChangedReplicaObjectWhoseContentNoChecksumCanCompareIsComparedAndNeverCopiedBlind() {
        Blob s1 = unsummed("a", "s1", 2);
        Blob r1 = unsummed("a", "r1", 2);

        PassPlan plan = mirror.plan(
                Map.of("a", unsummed("a", "s2", 2)),
                Map.of("a", unsummed("a", "r2", 2)),
                Map.of("a", copied(s1, r1)),
                LATER,
                LISTED);

        assertEquals(
                List.of(Kind.VERIFY_OR_CONFLICT),
                plan.copies().stream().map(Step::kind).toList());
    }

    @Test
    void aConflictTheLastPassLeftStaysOneWithWhatItSaidUntilBothSidesAgree() {
        Blob s = blob("k", "s2", 3, "a");
        Blob r = blob("k", "r2", 4, "b");
        Ledger.Meta flagged = new Ledger.Meta(
                LAST_LISTING, LAST_LISTING, null, false, Map.of("k", "changed at both sides"), null, null, null);

        PassPlan plan = mirror.plan(Map.of("k", s), Map.of("k", r), Map.of(), flagged, LISTED);
        PassPlan agreed = mirror.plan(Map.of("k", s), Map.of("k", blob("k", "r3", 3, "a")), Map.of(), flagged, LISTED);

        assertEquals("changed at both sides", plan.conflicts().get("k").description());
        assertTrue(plan.copies().isEmpty());
        assertTrue(agreed.conflicts().isEmpty());
        assertEquals(Set.of("k"), agreed.inStep().keySet());
    }

    @Test
    void anObjectGoneFromTheSourceIsDeletedInMirrorModeAsOfTheLastListingAndKeptInArchiveMode() {
        Blob r = blob("gone", "r1", 5, "a");
        Map<String, Ledger.Entry> ledger = Map.of("gone", new Ledger.Entry("s1", 5, r.sha256(), "r1"));

        PassPlan plan = mirror.plan(Map.of(), Map.of("gone", r), ledger, LATER, LISTED);
        PassPlan archive =
                new PassPlanner("assets", Mode.ARCHIVE, 50).plan(Map.of(), Map.of("gone", r), ledger, LATER, LISTED);

        assertEquals(List.of(new Step(Kind.DELETE, "gone", null, r, LAST_LISTING)), plan.deletions());
        assertEquals(plan.deletions(), plan.steps());
        assertEquals(0, plan.bytes());
        assertTrue(archive.deletions().isEmpty());
        assertTrue(archive.steps().isEmpty());
    }

    @Test
    void anObjectDeletedAtTheSourceButChangedAtTheReplicaIsAConflictNotADeletion() {
        Blob edited = blob("other.csv", "r2", 10, "b");
        Map<String, Ledger.Entry> ledger = Map.of("other.csv", new Ledger.Entry("s1", 2, "aa", "r1"));

        PassPlan plan = mirror.plan(Map.of(), Map.of("other.csv", edited), ledger, LATER, LISTED);

        assertTrue(plan.deletions().isEmpty());
        assertTrue(
                plan.conflicts().get("other.csv").description().startsWith("deleted at the source"),
                plan.conflicts().toString());
        assertEquals(LAST_LISTING, plan.conflicts().get("other.csv").changedAt());
    }

    @Test
    void theLedgerForgetsObjectsNeitherSideHoldsAnyMore() {
        Blob a = blob("a", "s1", 1, "a");
        Map<String, Ledger.Entry> ledger =
                Map.of("a", copied(a, a), "gone-everywhere", new Ledger.Entry("s0", 1, "bb", "r0"));

        PassPlan plan = mirror.plan(Map.of("a", a), Map.of("a", a), ledger, LATER, LISTED);

        assertEquals(Set.of("gone-everywhere"), plan.forgotten());
        assertTrue(plan.steps().isEmpty());
    }

    @Test
    void theGuardHoldsBackEveryDeletionWhenMoreThanTheAllowedShareOfTheReplicaWouldGo() {
        Map<String, Blob> source = new HashMap<>();
        Map<String, Blob> replica = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            Blob b = blob("o/" + i, "v" + i, 1, "a");
            replica.put(b.key(), b);
            if (i < 5) {
                source.put(b.key(), b);
            }
        }

        PassPlan plan = mirror.plan(source, replica, Map.of(), LATER, LISTED);

        assertEquals(7, plan.deletions().size());
        assertEquals(new PassPlan.Guard(7, 12, 50, true), plan.guard());
        assertTrue(plan.steps().isEmpty(), "none deleted: " + plan.render(3));
        assertEquals(plan.deletions(), plan.withheld(), "kept as backlog");
        assertTrue(
                plan.guardRefusal()
                        .startsWith(
                                "pair assets: the source no longer has 7 of the replica's 12 objects (more than 50%); "
                                        + "none deleted"),
                plan.guardRefusal());
        assertTrue(plan.describe().contains("delete 0 (7 held back)"), plan.describe());
        assertTrue(plan.describe().endsWith("mass-deletion guard tripped (7 of 12, at most 50%)"), plan.describe());
        assertTrue(plan.render(3).endsWith("... and 4 more"), plan.render(3));

        PassPlan unguarded = new PassPlanner("assets", Mode.MIRROR, 100).plan(source, replica, Map.of(), LATER, LISTED);
        assertFalse(unguarded.guard().tripped(), "100% turns the guard off");
        assertEquals(7, unguarded.steps().size());
        assertNull(unguarded.guardRefusal());
    }

    @Test
    void theGuardLetsAShareWithinTheLimitGoAndSparesSmallReplicas() {
        Map<String, Blob> replica = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            Blob b = blob("o/" + i, "v" + i, 1, "a");
            replica.put(b.key(), b);
        }
        Map<String, Blob> half = new HashMap<>(replica);
        for (int i = 0; i < 6; i++) {
            half.remove("o/" + i);
        }
        Map<String, Blob> small = new HashMap<>();
        for (int i = 0; i < PassPlanner.GUARDED_SIZE - 1; i++) {
            small.put("o/" + i, replica.get("o/" + i));
        }

        PassPlan exactlyHalf = mirror.plan(half, replica, Map.of(), LATER, LISTED);
        PassPlan emptiedSmall = mirror.plan(Map.of(), small, Map.of(), LATER, LISTED);

        assertFalse(exactlyHalf.guard().tripped(), "6 of 12 is not more than 50%");
        assertEquals(6, exactlyHalf.steps().size());
        assertTrue(exactlyHalf.withheld().isEmpty());
        assertFalse(
                emptiedSmall.guard().tripped(),
                "a replica of fewer than " + PassPlanner.GUARDED_SIZE + " objects is not guarded");
        assertEquals(PassPlanner.GUARDED_SIZE - 1, emptiedSmall.steps().size());
    }

    @Test
    void theGuardAllowsExactlyItsShareSoZeroRefusesEveryDeletionAndAHundredNone() {
        assertFalse(PassPlanner.guard(6, 12, 50).tripped(), "exactly 50% is within 50%");
        assertTrue(PassPlanner.guard(7, 12, 50).tripped());
        assertFalse(PassPlanner.guard(0, 12, 0).tripped(), "a pass that deletes nothing passes, even at 0%");
        assertTrue(PassPlanner.guard(1, 12, 0).tripped());
        assertFalse(PassPlanner.guard(12, 12, 100).tripped(), "100% lets every deletion go");
        assertFalse(
                PassPlanner.guard(9, 9, 0).tripped(), "fewer than " + PassPlanner.GUARDED_SIZE + " objects: unguarded");
    }

    @Test
    void aPlanPrintsEachKeyWithWhatWillHappenToIt() {
        Blob s1 = blob("c", "s1", 1, "a");
        Blob r1 = blob("c", "r1", 1, "a");
        Map<String, Ledger.Entry> ledger = Map.of("c", copied(s1, r1), "d", new Ledger.Entry("s", 1, "aa", "rd"));

        PassPlan plan = mirror.plan(
                Map.of("a", blob("a", "s1", 3, "a"), "c", blob("c", "s2", 2, "b")),
                Map.of("c", blob("c", "r2", 4, "c"), "d", blob("d", "rd", 1, "d")),
                ledger,
                LATER,
                LISTED);

        assertEquals("""
                pair assets: copy 1 objects (3 bytes), delete 1, 1 conflicts, 0 found in step, 0 forgotten; mass-deletion guard passed (1 of 2, at most 50%)
                  + a (3 bytes)
                  - d
                  ! c: the source holds 2 bytes, sha256 bbbbbbbbbbbb; the replica holds 4 bytes, sha256 cccccccccccc, written since Baran copied it""", plan.render(10));
    }

    // Late writes: the replica failed over at 09:00 and was failed back at 09:30; the window is an hour.
    private static final Instant FAILED_OVER = Instant.parse("2026-11-22T09:00:00Z");
    private static final Instant FAILED_BACK = Instant.parse("2026-11-22T09:30:00Z");
    private static final Ledger.Meta AFTER_FAILBACK =
            new Ledger.Meta(LAST_LISTING, LAST_LISTING, LAST_LISTING, false, Map.of(), FAILED_OVER, FAILED_BACK, null);
    private final PassPlanner settling = new PassPlanner("assets", Mode.MIRROR, 50, java.time.Duration.ofHours(1));

    private static Blob writtenAt(String key, String version, String sha, Instant at) {
        return new Blob(key, 4, at, version, sha.repeat(64 / sha.length()), null, null);
    }

    @Test
    void aKeyWrittenAtTheReplicaAfterFailbackIsCopiedBackNotDeleted() {
        Blob late = writtenAt("late.txt", "r9", "d", FAILED_BACK.plusSeconds(90));

        PassPlan plan = settling.plan(Map.of(), Map.of("late.txt", late), Map.of(), AFTER_FAILBACK, LISTED);

        assertEquals(List.of(new Step(Kind.COPY_BACK, "late.txt", null, late, LISTED)), plan.copiesBack());
        assertTrue(plan.deletions().isEmpty());
        assertEquals(plan.copiesBack(), plan.steps());
        assertEquals(4, plan.bytes());
        assertTrue(
                plan.render(10).contains("< late.txt (4 bytes, written at the replica after failback)"),
                plan.render(10));
        // The same listing in archive mode: copied back too (kept at the replica only, the source would never have it).
        PassPlan archive = new PassPlanner("assets", Mode.ARCHIVE, 50, java.time.Duration.ofHours(1))
                .plan(Map.of(), Map.of("late.txt", late), Map.of(), AFTER_FAILBACK, LISTED);
        assertEquals(plan.copiesBack(), archive.copiesBack());
    }

    @Test
    void outsideTheWindowOrWithoutAFailbackAKeyOnlyAtTheReplicaIsDeletedAsBefore() {
        Blob before = writtenAt("stray.txt", "r1", "d", FAILED_OVER.minusSeconds(3600));
        Blob after = writtenAt("after.txt", "r2", "e", FAILED_BACK.plusSeconds(3601));
        Map<String, Blob> replica = Map.of("stray.txt", before, "after.txt", after);

        PassPlan plan = settling.plan(Map.of(), replica, Map.of(), AFTER_FAILBACK, LISTED);
        assertTrue(plan.copiesBack().isEmpty());
        assertEquals(
                Set.of("stray.txt", "after.txt"),
                plan.deletions().stream().map(Step::key).collect(java.util.stream.Collectors.toSet()));

        Blob late = writtenAt("late.txt", "r9", "d", FAILED_BACK.plusSeconds(90));
        // No failback recorded (a ledger from before), a window of zero, or failed over again: no copy back.
        assertTrue(settling.plan(Map.of(), Map.of("late.txt", late), Map.of(), LATER, LISTED)
                .copiesBack()
                .isEmpty());
        assertTrue(new PassPlanner("assets", Mode.MIRROR, 50, java.time.Duration.ZERO)
                .plan(Map.of(), Map.of("late.txt", late), Map.of(), AFTER_FAILBACK, LISTED)
                .copiesBack()
                .isEmpty());
        Ledger.Meta overAgain = new Ledger.Meta(
                LAST_LISTING,
                LAST_LISTING,
                LAST_LISTING,
                false,
                Map.of(),
                FAILED_BACK.plusSeconds(60),
                FAILED_BACK,
                null);
        assertTrue(settling.plan(Map.of(), Map.of("late.txt", late), Map.of(), overAgain, LISTED)
                .copiesBack()
                .isEmpty());
    }

    @Test
    void aLateWriteToAKeyTheSourceHasNotChangedSinceBaranCopiedItIsCopiedBackAndOneTheSourceChangedIsAConflict() {
        Blob s = writtenAt("k", "s1", "a", FAILED_OVER.minusSeconds(600));
        Blob copiedThen = writtenAt("k", "r1", "a", FAILED_OVER.minusSeconds(590));
        Blob late = writtenAt("k", "r2", "b", FAILED_BACK.plusSeconds(30));
        Map<String, Ledger.Entry> ledger = Map.of("k", copied(s, copiedThen));

        PassPlan plan = settling.plan(Map.of("k", s), Map.of("k", late), ledger, AFTER_FAILBACK, LISTED);
        assertEquals(List.of("k"), plan.copiesBack().stream().map(Step::key).toList());
        assertTrue(plan.copies().isEmpty());
        assertTrue(plan.conflicts().isEmpty());

        Blob sourceChanged = writtenAt("k", "s2", "c", FAILED_BACK.plusSeconds(40));
        PassPlan both = settling.plan(Map.of("k", sourceChanged), Map.of("k", late), ledger, AFTER_FAILBACK, LISTED);
        assertTrue(both.copiesBack().isEmpty());
        assertTrue(both.copies().isEmpty());
        assertEquals(Set.of("k"), both.conflicts().keySet());
    }

    @Test
    void aKeyAtBothSidesTheLedgerDoesNotKnowWrittenAtTheReplicaAfterFailoverIsAConflictNotOverwritten() {
        Blob s = writtenAt("new", "s1", "a", FAILED_BACK.plusSeconds(20));
        Blob late = writtenAt("new", "r1", "b", FAILED_BACK.plusSeconds(10));

        PassPlan plan = settling.plan(Map.of("new", s), Map.of("new", late), Map.of(), AFTER_FAILBACK, LISTED);
        assertTrue(plan.copies().isEmpty());
        assertEquals(Set.of("new"), plan.conflicts().keySet());
        // Without the window the source's object is copied over the replica's (a replica seeded before the first pass).
        assertEquals(
                List.of("new"),
                mirror.plan(Map.of("new", s), Map.of("new", late), Map.of(), AFTER_FAILBACK, LISTED).copies().stream()
                        .map(Step::key)
                        .toList());
    }

    @Test
    void aLateWriteWhoseStoreGivesNoTimeIsCopiedBackWhileTheWindowLasts() {
        Blob untimed = new Blob("late.txt", 4, null, "r9", null, null, null);

        assertEquals(
                1,
                settling.plan(Map.of(), Map.of("late.txt", untimed), Map.of(), AFTER_FAILBACK, LISTED)
                        .copiesBack()
                        .size());
        assertEquals(
                List.of("late.txt"),
                settling
                        .plan(
                                Map.of(),
                                Map.of("late.txt", untimed),
                                Map.of(),
                                AFTER_FAILBACK,
                                FAILED_BACK.plusSeconds(3601))
                        .deletions()
                        .stream()
                        .map(Step::key)
                        .toList());
    }
}
