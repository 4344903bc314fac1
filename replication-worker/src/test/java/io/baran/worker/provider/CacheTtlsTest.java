package io.baran.worker.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheTtlsTest {

    private final CacheTtls ttls = new CacheTtls(List.of(
            new BehaviourTtls("*", 0, 300, 3600, null),
            new BehaviourTtls("/api/*", 0, 0, 0, null),
            new BehaviourTtls("/img/*", 10, 100000, 200000, null)));

    @Test
    void raisingNeverLowersAndLeavesWhatCachesNothingAlone() {
        CacheTtls raised = ttls.raisedTo(86400);

        assertEquals(
                "* min 0 default 86400 max 86400; /api/* min 0 default 0 max 0; /img/* min 10 default 100000 max 200000",
                raised.describe());
        assertEquals("* default 300 -> 86400, max 3600 -> 86400", ttls.diff(raised));
    }

    @Test
    void aPlanRoundTripReadsNumbersOfAnyWidth() {
        Map<String, Object> fromJson = Map.of(
                "behaviours",
                List.of(
                        Map.of("path", "*", "min", 0, "default", 300, "max", 3600L),
                        Map.of("path", "/api/*", "min", 0, "default", 0, "max", 0),
                        Map.of("path", "/img/*", "min", 10, "default", 100000, "max", 200000)));

        assertTrue(ttls.sameAs(CacheTtls.fromPlan(fromJson, "observed")));
        assertTrue(ttls.sameAs(CacheTtls.fromPlan(ttls.toMap(), "observed")));
    }

    @Test
    void servingStaleRaisesOnlyWhereTheProviderHasTheSettingAndSurvivesThePlan() {
        CacheTtls withStale = new CacheTtls(List.of(
                new BehaviourTtls("*", 0, 300, 3600, null, 0L),
                new BehaviourTtls("/api/*", 0, 0, 0, null, 0L),
                new BehaviourTtls("/img/*", 0, 300, 3600, null, 604800L)));

        CacheTtls stale = withStale.servingStaleFor(86400);

        assertEquals("* serve stale 0 -> 86400", withStale.diff(stale));
        assertEquals(ttls.describe(), ttls.servingStaleFor(86400).describe(), "no setting, nothing to raise");
        assertTrue(stale.sameAs(CacheTtls.fromPlan(stale.toMap(), "desired")));
        assertFalse(withStale.sameAs(stale));
    }

    @Test
    void aBehaviourOnACachePolicyKeepsItsPolicyThroughThePlanAndRisesWithoutNamingOne() {
        CacheTtls onPolicies = new CacheTtls(List.of(
                new BehaviourTtls("*", 0, 300, 3600, "policy-a"),
                new BehaviourTtls("/api/*", 0, 0, 0, "caching-disabled"),
                new BehaviourTtls("/img/*", 0, 86400, 86400, "policy-b")));

        CacheTtls raised = onPolicies.raisedTo(86400);
        CacheTtls read = CacheTtls.fromPlan(onPolicies.toMap(), "observed");

        assertEquals(null, raised.find("*").cachePolicy(), "the provider picks the policy with the raised TTLs");
        assertEquals("caching-disabled", raised.find("/api/*").cachePolicy(), "a policy caching nothing is left alone");
        assertEquals("policy-b", raised.find("/img/*").cachePolicy(), "already high enough: left on its policy");
        assertEquals("policy-a", read.find("*").cachePolicy());
        assertFalse(
                read.sameAs(new CacheTtls(List.of(
                        new BehaviourTtls("*", 0, 300, 3600, "policy-c"),
                        read.behaviours().get(1),
                        read.behaviours().get(2)))),
                "another policy with the same TTLs is another state");
        assertTrue(
                raised.sameAs(new CacheTtls(List.of(
                        new BehaviourTtls("*", 0, 86400, 86400, "baran-copy"),
                        read.behaviours().get(1),
                        read.behaviours().get(2)))),
                "any policy with the raised TTLs is the desired state");
    }
}
