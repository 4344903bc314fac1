package io.baran.worker.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import io.baran.worker.action.CdnExtendTtl;
import io.baran.worker.action.CdnExtendTtlConformance;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code cdn.extend-ttl} through a classic Azure CDN endpoint's delivery rules, served by the ARM fake. An
 * Override rule caches for one duration, so its behaviour's default and max TTL are that duration (and min 0).
 */
class AzureCdnExtendTtlIT extends CdnExtendTtlConformance {

    private static final BehaviourTtls GLOBAL = new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 300, 300, null);
    private static final BehaviourTtls API_RULE = new BehaviourTtls("ApiNoCache", 0, 0, 0, null);
    private static final BehaviourTtls STATIC_RULE = new BehaviourTtls("StaticAssets", 0, 31536000, 31536000, null);

    @RegisterExtension
    static final ArmFixture fixture = new ArmFixture();

    private static final FakeArm arm = fixture.arm();
    private static Providers providers;
    private static int made;

    @BeforeAll
    static void connect() {
        providers = fixture.connect("azure-cdn", Map.of("resource-group", "cdn-rg", "cdn-profile", "shop"));
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
        return "azure-cdn";
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
        String id = "cdn-rg/shop/ep" + ++made;
        arm.cdn.create(id, behaviours);
        return id;
    }

    @Override
    protected CacheTtls readTtls(String distribution) {
        return AzureCdn.ttls(arm.cdn.policy(distribution));
    }

    @Override
    protected void setTtls(String distribution, BehaviourTtls ttls) {
        arm.cdn.setDuration(distribution, ttls.path(), ttls.defaultTtl());
    }

    @Test
    void onlyTheDurationsChangeAndUndoPutsBackThePolicyExactly() {
        String id = newDistribution(before());
        ObjectNode original = arm.cdn.policy(id);
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);

        new CdnExtendTtl(providers).apply(command, plan);
        ObjectNode extended = original.deepCopy();
        ((ObjectNode) extended.path("rules").path(0).path("actions").path(0).path("parameters"))
                .put("cacheDuration", "1.00:00:00");
        assertEquals(extended, arm.cdn.policy(id), "only the Global rule's duration changed");

        new CdnExtendTtl(providers).undo(command, plan);
        assertEquals(original, arm.cdn.policy(id), "restored exactly");
    }

    @Test
    void theUpdateIsAPatchOfTheDeliveryPolicyFollowedUntilAzureSaysSucceeded() {
        String id = newDistribution(before());
        StepCommand command = command(providerName(), id, "24h");
        int before = arm.requests().size();

        new CdnExtendTtl(providers).apply(command, new CdnExtendTtl(providers).plan(command));

        List<Request> calls = arm.requests().subList(before, arm.requests().size());
        Request patch = calls.stream()
                .filter(r -> r.getMethod().getName().equals("PATCH"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "/subscriptions/" + FakeArm.SUBSCRIPTION
                        + "/resourceGroups/cdn-rg/providers/Microsoft.Cdn/profiles/shop/" + "endpoints/"
                        + id.substring(id.lastIndexOf('/') + 1) + "?api-version=2024-02-01",
                patch.getUrl());
        JsonNode body = FakeArm.body(patch);
        assertEquals(List.of("properties"), iterable(body.fieldNames()));
        assertEquals(List.of("deliveryPolicy"), iterable(body.path("properties").fieldNames()));
        long polls = calls.stream()
                .filter(r -> r.getUrl().contains("/operationResults/"))
                .count();
        assertEquals(2, polls, "polled while InProgress, then once more to see Succeeded");
        // The fake applies the change only when the operation ends: the step saw it done.
        assertTrue(after().sameAs(readTtls(id)));
    }

    @Test
    void aRuleThatLetsTheOriginDecideIsRefused() {
        String id = newDistribution(
                new CacheTtls(List.of(new BehaviourTtls(BehaviourTtls.DEFAULT, 0, 300, 300, "origin"), API_RULE)));

        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class, () -> new CdnExtendTtl(providers).plan(command(providerName(), id, "24h")));

        assertEquals(FailureTypes.CAPABILITY_MISSING, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("* (cache policy " + AzureCdn.ORIGIN_DECIDES + ")"),
                failure.getOriginalMessage());
    }

    @Test
    void anEndpointNamedByItsProfileOrAloneIsTheSameEndpoint() {
        String id = newDistribution(before());
        String endpoint = id.substring(id.lastIndexOf('/') + 1);

        for (String name : List.of("shop/" + endpoint, endpoint)) {
            StepPlan plan = new CdnExtendTtl(providers).plan(command(providerName(), name, "24h"));
            assertTrue(before().sameAs(CacheTtls.fromPlan(plan.observed(), name)), name);
        }
    }

    @Test
    void aThrottledUpdateIsWaitedOutAndSentAgainWithinTheStep() {
        String id = newDistribution(before());
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);
        arm.failNext("PATCH", "/endpoints/", 429, "TooManyRequests", "3");

        assertTrue(
                new CdnExtendTtl(providers).apply(command, plan).changed(),
                "the throttled update is sent again and applies");
        assertTrue(
                arm.requests().stream()
                                .filter(r -> r.getMethod().value().equals("PATCH"))
                                .count()
                        >= 2,
                "the update was sent twice: once throttled, once applied");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
