package io.baran.worker.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Request;
import io.baran.worker.action.CdnExtendTtl;
import io.baran.worker.action.CdnExtendTtlConformance;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code cdn.extend-ttl} through an Azure Front Door Standard/Premium endpoint, whose route's rule set holds the
 * cache overrides, served by the ARM fake. An OverrideAlways rule caches for one duration, so its behaviour's
 * default and max TTL are that duration (and min 0). Each test's endpoint is in a Front Door profile of its own.
 */
class FrontDoorExtendTtlIT extends CdnExtendTtlConformance {

    private static final BehaviourTtls GLOBAL = new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 300, 300, null);
    private static final BehaviourTtls API_RULE =
            new BehaviourTtls(FakeArmFrontDoor.RULE_SET + "/ApiNoCache", 0, 0, 0, null);
    private static final BehaviourTtls STATIC_RULE =
            new BehaviourTtls(FakeArmFrontDoor.RULE_SET + "/StaticAssets", 0, 31536000, 31536000, null);

    @RegisterExtension
    static final ArmFixture fixture = new ArmFixture();

    private static final FakeArm arm = fixture.arm();
    private static Providers providers;
    private static int made;

    @BeforeAll
    static void connect() {
        providers = fixture.connect("azure-afd", Map.of("resource-group", "cdn-rg", "cdn-profile", "edge0"));
    }

    @Override
    protected CacheTtls before() {
        return new CacheTtls(List.of(GLOBAL, API_RULE, STATIC_RULE));
    }

    @Override
    protected CacheTtls after() {
        return new CacheTtls(
                List.of(new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 86400, 86400, null), API_RULE, STATIC_RULE));
    }

    @Override
    protected BehaviourTtls byHand(long defaultTtl, long max) {
        return new BehaviourTtls(BehaviourTtls.DEFAULT, 0, defaultTtl, defaultTtl, null);
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "azure-afd";
    }

    @Override
    protected String unreachableProviderName() {
        return AzureProviders.UNREACHABLE;
    }

    @Override
    protected ControlPlane controlPlane() {
        return AzureCdn.CONTROL_PLANE;
    }

    @Override
    protected boolean canServeStale() {
        return false;
    }

    @Override
    protected String newDistribution(CacheTtls behaviours) {
        String id = "cdn-rg/edge" + ++made + "/shop";
        arm.frontDoor.create(id, behaviours);
        return id;
    }

    @Override
    protected CacheTtls readTtls(String distribution) {
        return FrontDoorRules.ttls(FrontDoorRules.named(arm.frontDoor.rules(distribution)));
    }

    @Override
    protected void setTtls(String distribution, BehaviourTtls ttls) {
        arm.frontDoor.setDuration(distribution, ttls.path(), ttls.defaultTtl());
    }

    @Test
    void onlyTheRuleThatRisesIsUpdatedWithItsActionsAndTheOperationIsFollowed() {
        String id = newDistribution(before());
        List<JsonNode> original = arm.frontDoor.rules(id);
        int before = arm.requests().size();
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);

        new CdnExtendTtl(providers).apply(command, plan);

        List<Request> calls = arm.requests().subList(before, arm.requests().size());
        List<Request> patches = calls.stream()
                .filter(r -> r.getMethod().getName().equals("PATCH"))
                .toList();
        assertEquals(1, patches.size(), "one rule rises");
        String profile = id.split("/")[1];
        assertEquals(
                "/subscriptions/" + FakeArm.SUBSCRIPTION + "/resourceGroups/cdn-rg/providers/Microsoft.Cdn/profiles/"
                        + profile + "/ruleSets/Caching/rules/Global?api-version=2024-02-01",
                patches.get(0).getUrl());
        JsonNode body = FakeArm.body(patches.get(0));
        assertEquals(List.of("properties"), names(body));
        assertEquals(List.of("actions"), names(body.path("properties")));
        JsonNode cache = body.path("properties")
                .path("actions")
                .path(0)
                .path("parameters")
                .path("cacheConfiguration");
        assertEquals("1.00:00:00", cache.path("cacheDuration").asText());
        assertEquals(
                "UseQueryString",
                cache.path("queryStringCachingBehavior").asText(),
                "the rest of the override is kept");
        assertEquals(
                2,
                calls.stream()
                        .filter(r -> r.getUrl().contains("/operationResults/"))
                        .count(),
                "polled while InProgress, then once more to see Succeeded");
        List<JsonNode> extended = arm.frontDoor.rules(id);
        assertEquals(original.subList(1, 3), extended.subList(1, 3), "the other rules are untouched");
        assertEquals(
                original.get(0).path("properties").path("conditions"),
                extended.get(0).path("properties").path("conditions"));

        new CdnExtendTtl(providers).undo(command, plan);
        assertEquals(original, arm.frontDoor.rules(id), "undo restores the rules exactly");
    }

    @Test
    void aRuleThatHonoursTheOriginIsRefused() {
        String id = newDistribution(
                new CacheTtls(List.of(new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 0, 0, "origin"), API_RULE)));

        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class, () -> new CdnExtendTtl(providers).plan(command(providerName(), id, "24h")));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("* (cache policy " + FrontDoorRules.HONOR_ORIGIN + ")"),
                failure.getOriginalMessage());
        assertTrue(
                failure.getOriginalMessage().contains("cannot: Azure CDN and Front Door have no cache policies"),
                failure.getOriginalMessage());
    }

    @Test
    void aRouteThatCachesWithNoOverrideRuleIsRefusedAndNothingChanges() {
        String id = newDistribution(new CacheTtls(List.of()));
        int before = arm.requests().size();

        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class, () -> new CdnExtendTtl(providers).plan(command(providerName(), id, "24h")));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains(FrontDoorRules.NO_RULE_FOR_EVERY_REQUEST),
                failure.getOriginalMessage());
        assertTrue(arm.requests().subList(before, arm.requests().size()).stream()
                .allMatch(r -> r.getMethod().getName().equals("GET")));
    }

    @Test
    void anEndpointNamedAloneIsInTheProvidersProfile() {
        arm.frontDoor.create("cdn-rg/edge0/shop", before());

        StepPlan plan = new CdnExtendTtl(providers).plan(command(providerName(), "shop", "24h"));

        assertTrue(before().sameAs(CacheTtls.fromPlan(plan.observed(), "shop")));
    }

    @Test
    void aFailedSecondRuleUpdatePutsTheFirstBack() {
        String id = newDistribution(new CacheTtls(List.of(
                GLOBAL, API_RULE, new BehaviourTtls(FakeArmFrontDoor.RULE_SET + "/StaticAssets", 0, 600, 600, null))));
        List<JsonNode> original = arm.frontDoor.rules(id);
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);
        // Not a throttled answer (that one is waited out and sent again within the step): a failure that ends the step.
        arm.failNext("PATCH", "/rules/StaticAssets", 500, "InternalServerError", null);

        ApplicationFailure failure =
                assertThrows(ApplicationFailure.class, () -> new CdnExtendTtl(providers).apply(command, plan));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType());
        assertEquals(original, arm.frontDoor.rules(id), "the Global rule raised first was put back");
        assertTrue(new CdnExtendTtl(providers).apply(command, plan).changed(), "the retry applies it");
    }

    /**
     * What a failed put back leaves (the second rule's update failed, and so did putting the first back): the first
     * rule raised, the second at its planned start. The retry raises only the second; the undo puts back only the first.
     */
    @Test
    void aChangeLeftHalfAppliedByAFailedPutBackIsFinishedByTheRetryAndPutBackByTheUndo() {
        BehaviourTtls assets = new BehaviourTtls(FakeArmFrontDoor.RULE_SET + "/StaticAssets", 0, 600, 600, null);
        String id = newDistribution(new CacheTtls(List.of(GLOBAL, API_RULE, assets)));
        List<JsonNode> original = arm.frontDoor.rules(id);
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);
        BehaviourTtls globalRaised = new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 86400, 86400, null);
        setTtls(id, globalRaised);

        StepOutcome undone = new CdnExtendTtl(providers).undo(command, plan);

        assertTrue(undone.changed(), undone.summary());
        assertEquals(original, arm.frontDoor.rules(id), "the raised rule was put back, the other left alone");

        setTtls(id, globalRaised);
        StepOutcome retried = new CdnExtendTtl(providers).apply(command, plan);

        assertTrue(retried.changed(), retried.summary());
        assertTrue(retried.summary().contains("(the rest was so already"), retried.summary());
        CacheTtls raised = readTtls(id);
        assertTrue(
                new CacheTtls(List.of(
                                globalRaised,
                                API_RULE,
                                new BehaviourTtls(FakeArmFrontDoor.RULE_SET + "/StaticAssets", 0, 86400, 86400, null)))
                        .sameAs(raised),
                raised.describe());
    }

    @Test
    void aClassicEndpointBesideFrontDoorStillWorks() {
        String id = "cdn-rg/classic/ep1";
        arm.cdn.create(id, new CacheTtls(List.of(GLOBAL)));

        StepPlan plan = new CdnExtendTtl(providers).plan(command(providerName(), id, "24h"));

        assertEquals(
                "distribution " + id + " TTLs * default 300 -> 86400, max 300 -> 86400" + AzureCdn.CONTROL_PLANE.note(),
                plan.summary());
    }

    private static List<String> names(JsonNode node) {
        List<String> list = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(list::add);
        return list;
    }
}
