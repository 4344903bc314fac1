package io.baran.workflow.temporal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.AbortRequest;
import io.baran.workflow.Actor;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A decision is taken as the person it names only with the orchestrator's seal, for that execution, recently made. */
class DecisionSealsTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final String EXECUTION = "failover-shop-aws_us-east-1@1";
    private static final Actor APPROVER = Actor.person("approver1", List.of("approver", "viewer"));

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i);
        }
        return key;
    }

    private static DecisionSeals seals(String active, Map<String, byte[]> keys) {
        return DecisionSeals.of(new AesGcmPayloadCodec(active, keys));
    }

    private final DecisionSeals seals = seals("k1", Map.of("k1", key(1)));
    private final DecisionRequest approve =
            new DecisionRequest(Verdict.APPROVE, "gate", APPROVER, "looked at the dashboards", "req-1");

    @Test
    void aSealedDecisionIsTakenForItsExecution() {
        DecisionRequest sealed = seals.seal(EXECUTION, approve, NOW);
        assertNotNull(sealed.seal());
        assertTrue(sealed.seal().startsWith("v1.k1." + NOW + "."), sealed.seal());
        assertDoesNotThrow(() -> seals.verify(EXECUTION, sealed, NOW + 60_000));
        FailbackRequest failback = seals.seal(EXECUTION, new FailbackRequest(APPROVER, "primary back", "req-2"), NOW);
        assertDoesNotThrow(() -> seals.verify(EXECUTION, failback, NOW));
    }

    /**
     * An abort is sealed as a decision is: for its execution, its person, groups, reason and request id; and a seal of a
     * failback request with the same fields is no abort's (the Update's name is sealed).
     */
    @Test
    void anAbortIsTakenOnlyWithItsOwnSeal() {
        AbortRequest abort = new AbortRequest(APPROVER, "wrong region", "req-3");
        AbortRequest sealed = seals.seal(EXECUTION, abort, NOW);
        assertDoesNotThrow(() -> seals.verify(EXECUTION, sealed, NOW + 60_000));
        assertTrue(assertThrows(DecisionSeals.SealRefused.class, () -> seals.verify(EXECUTION, abort, NOW))
                .getMessage()
                .contains("no seal"));
        String failbackSeal = seals.seal(EXECUTION, new FailbackRequest(APPROVER, "wrong region", "req-3"), NOW)
                .seal();
        for (AbortRequest altered : List.of(
                abort.withSeal(failbackSeal),
                new AbortRequest(Actor.person("approver2", APPROVER.groups()), "wrong region", "req-3", sealed.seal()),
                new AbortRequest(Actor.person("approver1", List.of("admin")), "wrong region", "req-3", sealed.seal()),
                new AbortRequest(APPROVER, "another reason", "req-3", sealed.seal()),
                new AbortRequest(APPROVER, "wrong region", "req-4", sealed.seal()))) {
            assertThrows(
                    DecisionSeals.SealRefused.class, () -> seals.verify(EXECUTION, altered, NOW), altered.toString());
        }
        assertThrows(DecisionSeals.SealRefused.class, () -> seals.verify("another-execution", sealed, NOW));
        assertThrows(
                DecisionSeals.SealRefused.class,
                () -> seals.verify(EXECUTION, sealed, NOW + DecisionSeals.VALID_FOR.toMillis() + 1));
    }

    @Test
    void aDecisionWithoutASealIsRefused() {
        var refused = assertThrows(DecisionSeals.SealRefused.class, () -> seals.verify(EXECUTION, approve, NOW));
        assertTrue(refused.getMessage().contains("no seal"), refused.getMessage());
        assertThrows(DecisionSeals.SealRefused.class, () -> seals.verify(EXECUTION, (DecisionRequest) null, NOW));
    }

    /** Whoever reaches Temporal may copy a seal from a history: it holds for nothing else than what it sealed. */
    @Test
    void aSealHoldsForNoOtherPersonFieldOrExecution() {
        String seal = seals.seal(EXECUTION, approve, NOW).seal();
        List<DecisionRequest> altered = List.of(
                new DecisionRequest(
                        Verdict.APPROVE,
                        "gate",
                        Actor.person("approver2", APPROVER.groups()),
                        "looked at the dashboards",
                        "req-1",
                        seal),
                new DecisionRequest(
                        Verdict.APPROVE,
                        "gate",
                        Actor.person("approver1", List.of("admin")),
                        "looked at the dashboards",
                        "req-1",
                        seal),
                new DecisionRequest(Verdict.REJECT, "gate", APPROVER, "looked at the dashboards", "req-1", seal),
                new DecisionRequest(Verdict.APPROVE, "other-step", APPROVER, "looked at the dashboards", "req-1", seal),
                new DecisionRequest(Verdict.APPROVE, "gate", APPROVER, "another reason", "req-1", seal),
                new DecisionRequest(Verdict.APPROVE, "gate", APPROVER, "looked at the dashboards", "req-9", seal),
                new DecisionRequest(Verdict.APPROVE, "gate", APPROVER, "looked at the dashboards", "req-1", seal)
                        .atGateOnly());
        for (DecisionRequest decision : altered) {
            var refused = assertThrows(
                    DecisionSeals.SealRefused.class, () -> seals.verify(EXECUTION, decision, NOW), decision::toString);
            assertTrue(refused.getMessage().contains("does not match"), refused.getMessage());
        }
        assertThrows(
                DecisionSeals.SealRefused.class,
                () -> seals.verify("failover-other-aws_us-east-1@1", approve.withSeal(seal), NOW),
                "another execution");
        // A decide seal is no failback seal, even for the same person and request.
        assertThrows(
                DecisionSeals.SealRefused.class,
                () -> seals.verify(
                        EXECUTION, new FailbackRequest(APPROVER, "looked at the dashboards", "req-1", seal), NOW));
    }

    @Test
    void aSealOfAnotherKeyOrTooOldIsRefused() {
        DecisionRequest sealed = seals.seal(EXECUTION, approve, NOW);
        var stale = assertThrows(
                DecisionSeals.SealRefused.class,
                () -> seals.verify(EXECUTION, sealed, NOW + DecisionSeals.VALID_FOR.toMillis() + 1));
        assertTrue(stale.getMessage().contains("ago"), stale.getMessage());

        DecisionSeals otherKey = seals("k1", Map.of("k1", key(2)));
        assertThrows(DecisionSeals.SealRefused.class, () -> otherKey.verify(EXECUTION, sealed, NOW));
        DecisionSeals unknownId = seals("k2", Map.of("k2", key(1)));
        var unknown = assertThrows(DecisionSeals.SealRefused.class, () -> unknownId.verify(EXECUTION, sealed, NOW));
        assertTrue(unknown.getMessage().contains("\"k1\""), unknown.getMessage());
        assertThrows(
                DecisionSeals.SealRefused.class,
                () -> seals.verify(EXECUTION, approve.withSeal("v1.k1.x.y"), NOW),
                "not a seal Baran makes");
    }

    /** Keys rotate as the codec's do: a decision sealed just before the rotation is still taken after it. */
    @Test
    void afterARotationTheOldKeyStillVerifies() {
        DecisionRequest sealed = seals.seal(EXECUTION, approve, NOW);
        Map<String, byte[]> both = new LinkedHashMap<>();
        both.put("k1", key(1));
        both.put("k2", key(2));
        DecisionSeals rotated = seals("k2", both);
        assertDoesNotThrow(() -> rotated.verify(EXECUTION, sealed, NOW));
        assertTrue(rotated.seal(EXECUTION, approve, NOW).seal().startsWith("v1.k2."));
    }
}
