package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.action.CdnExtendTtl;
import io.baran.worker.action.CdnExtendTtlConformance;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Element;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.CacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.CachePolicyConfig;
import software.amazon.awssdk.services.cloudfront.model.DefaultCacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.Origin;

/**
 * {@code cdn.extend-ttl} through CloudFront for behaviours whose TTLs come from cache policies: the distributions
 * live in a real moto server, the cache policies (which moto does not implement) in a stateful fake of
 * CloudFront's cache-policy API in front of it. A behaviour rises by switching to Baran's copy of its policy
 * with raised TTLs; undo switches it back to the exact policy it had and deletes the copy.
 */
class CloudFrontCachePolicyExtendTtlIT extends CdnExtendTtlConformance {

    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-cloudfront-policies");

    private static FakeCloudFrontCachePolicies fake;
    private static CloudFrontClient direct;
    private static Providers providers;
    private static final List<String> distributions = new CopyOnWriteArrayList<>();
    private static int made;

    @BeforeAll
    static void connect() {
        fake = FakeCloudFrontCachePolicies.inFrontOf(moto.endpoint());
        direct = moto.client(CloudFrontClient.builder(), Region.AWS_GLOBAL);
        fake.inUse(id -> distributions.stream().anyMatch(d -> policies(d).contains(id)));
        providers = moto.providers(
                "us-east-1",
                new ProviderSettings(
                        "aws-cdn",
                        "aws",
                        "us-east-1",
                        Optional.of(URI.create(fake.endpoint())),
                        // The conformance suite checks what the changes do, not the API budget (Route53ApiBudgetIT
                        // does); the default CloudFront budget (2/s) would only make it wait.
                        Map.of("api-budget.cloudfront.rate", "100", "api-budget.cloudfront.burst", "100")));
    }

    @AfterAll
    static void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    @AfterEach
    void everyRequestHadTheDocumentedShape() {
        assertEquals(List.of(), fake.malformed);
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "aws-cdn";
    }

    @Override
    protected String unreachableProviderName() {
        return MotoFixture.UNREACHABLE;
    }

    @Override
    protected ControlPlane controlPlane() {
        return CloudFrontCdn.CONTROL_PLANE;
    }

    @Override
    protected boolean canServeStale() {
        return false;
    }

    /** Each behaviour on a custom cache policy of its own holding its TTLs. */
    @Override
    protected String newDistribution(CacheTtls behaviours) {
        int n = ++made;
        List<String> ids = new ArrayList<>();
        for (BehaviourTtls b : behaviours.behaviours()) {
            ids.add(fake.create("shop-" + n + "-" + ids.size(), b.min(), b.defaultTtl(), b.max()));
        }
        return distribution(ids);
    }

    /** A distribution whose default behaviour and ordered behaviours /api/*, /static/* use these policies. */
    private static String distribution(List<String> policies) {
        List<String> paths = List.of("/api/*", "/static/*");
        List<CacheBehavior> ordered = new ArrayList<>();
        for (int i = 1; i < policies.size(); i++) {
            ordered.add(CacheBehavior.builder()
                    .pathPattern(paths.get(i - 1))
                    .targetOriginId("origin")
                    .viewerProtocolPolicy("allow-all")
                    .cachePolicyId(policies.get(i))
                    .build());
        }
        String id = direct.createDistribution(r -> r.distributionConfig(c -> c.callerReference(
                                UUID.randomUUID().toString())
                        .comment("shop")
                        .enabled(true)
                        .origins(o -> o.quantity(1)
                                .items(Origin.builder()
                                        .id("origin")
                                        .domainName("origin.example.com")
                                        .customOriginConfig(cc ->
                                                cc.httpPort(80).httpsPort(443).originProtocolPolicy("https-only"))
                                        .build()))
                        .defaultCacheBehavior(DefaultCacheBehavior.builder()
                                .targetOriginId("origin")
                                .viewerProtocolPolicy("redirect-to-https")
                                .cachePolicyId(policies.get(0))
                                .build())
                        .cacheBehaviors(cb -> cb.quantity(ordered.size()).items(ordered))))
                .distribution()
                .id();
        distributions.add(id);
        return id;
    }

    /** The cache policy of each behaviour, default first, read from moto. */
    private static List<String> policies(String distribution) {
        DistributionConfig config =
                direct.getDistributionConfig(b -> b.id(distribution)).distributionConfig();
        List<String> ids = new ArrayList<>();
        ids.add(config.defaultCacheBehavior().cachePolicyId());
        config.cacheBehaviors().items().forEach(b -> ids.add(b.cachePolicyId()));
        return ids;
    }

    @Override
    protected CacheTtls readTtls(String distribution) {
        return CloudFrontCdn.ttls(
                direct.getDistributionConfig(b -> b.id(distribution)).distributionConfig(), id -> {
                    Element config = FakeCloudFrontCachePolicies.config(fake.policy(id));
                    return CachePolicyConfig.builder()
                            .minTTL(FakeCloudFrontCachePolicies.ttl(config, "MinTTL"))
                            .defaultTTL(FakeCloudFrontCachePolicies.ttl(config, "DefaultTTL"))
                            .maxTTL(FakeCloudFrontCachePolicies.ttl(config, "MaxTTL"))
                            .build();
                });
    }

    /** Edits the TTLs of the policy the behaviour uses now, as a person would in the console. */
    @Override
    protected void setTtls(String distribution, BehaviourTtls ttls) {
        List<String> paths = List.of(BehaviourTtls.DEFAULT, "/api/*", "/static/*");
        fake.setTtls(policies(distribution).get(paths.indexOf(ttls.path())), ttls.min(), ttls.defaultTtl(), ttls.max());
    }

    @Test
    void theCopyKeepsTheCacheKeyAndUndoPutsBackTheExactPolicyAndDeletesTheCopy() {
        String id = newDistribution(BEFORE);
        List<String> original = policies(id);
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);

        new CdnExtendTtl(providers).apply(command, plan);
        List<String> extended = policies(id);
        assertNotEquals(original.get(0), extended.get(0), "the default behaviour moved to another policy");
        assertEquals(original.subList(1, 3), extended.subList(1, 3), "the others kept theirs");
        Element from = FakeCloudFrontCachePolicies.config(fake.policy(original.get(0)));
        Element copy = FakeCloudFrontCachePolicies.config(fake.policy(extended.get(0)));
        assertEquals(
                CachePolicyCopies.PREFIX + "86400-86400-" + original.get(0),
                FakeCloudFrontCachePolicies.value(copy, "Name"));
        assertEquals(86400, FakeCloudFrontCachePolicies.ttl(copy, "DefaultTTL"));
        assertEquals(86400, FakeCloudFrontCachePolicies.ttl(copy, "MaxTTL"));
        assertEquals(
                FakeCloudFrontCachePolicies.value(from, "ParametersInCacheKeyAndForwardedToOrigin"),
                FakeCloudFrontCachePolicies.value(copy, "ParametersInCacheKeyAndForwardedToOrigin"),
                "the same cache key");
        assertTrue(FakeCloudFrontCachePolicies.value(copy, "ParametersInCacheKeyAndForwardedToOrigin")
                .contains("Accept-Language"));

        new CdnExtendTtl(providers).undo(command, plan);

        assertEquals(original, policies(id), "every behaviour has its own policy again");
        assertNull(fake.policy(extended.get(0)), "the copy is deleted");
        assertTrue(fake.changes.contains("DeleteCachePolicy 204 " + extended.get(0)), fake.changes.toString());
    }

    @Test
    void distributionsOnTheSameManagedPolicyShareOneCopyDeletedWithTheLastUndo() {
        String a = distribution(List.of(FakeCloudFrontCachePolicies.CACHING_OPTIMIZED));
        String b = distribution(List.of(FakeCloudFrontCachePolicies.CACHING_OPTIMIZED));
        StepCommand onA = command(providerName(), a, "48h");
        StepCommand onB = command(providerName(), b, "48h");
        StepPlan planA = new CdnExtendTtl(providers).plan(onA);
        StepPlan planB = new CdnExtendTtl(providers).plan(onB);
        assertEquals(
                "distribution " + a + " TTLs * default 86400 -> 172800" + CloudFrontCdn.CONTROL_PLANE.note(),
                planA.summary());

        new CdnExtendTtl(providers).apply(onA, planA);
        new CdnExtendTtl(providers).apply(onB, planB);
        String name = CachePolicyCopies.PREFIX + "172800-31536000-" + FakeCloudFrontCachePolicies.CACHING_OPTIMIZED;
        assertEquals(
                List.of("CreateCachePolicy 201 " + name, "CreateCachePolicy 409 " + name),
                fake.changes.stream().filter(c -> c.endsWith(name)).toList(),
                "the second apply found the copy the first made");
        String copy = policies(a).get(0);
        assertEquals(copy, policies(b).get(0));
        assertEquals(
                1, FakeCloudFrontCachePolicies.ttl(FakeCloudFrontCachePolicies.config(fake.policy(copy)), "MinTTL"));

        new CdnExtendTtl(providers).undo(onA, planA);
        assertEquals(List.of(FakeCloudFrontCachePolicies.CACHING_OPTIMIZED), policies(a));
        assertTrue(
                fake.changes.contains("DeleteCachePolicy 409 " + copy), "still used by the other distribution: kept");
        assertTrue(fake.policy(copy) != null);

        new CdnExtendTtl(providers).undo(onB, planB);
        assertEquals(List.of(FakeCloudFrontCachePolicies.CACHING_OPTIMIZED), policies(b));
        assertNull(fake.policy(copy), "the last undo deletes it");
        assertTrue(
                fake.policy(FakeCloudFrontCachePolicies.CACHING_OPTIMIZED) != null,
                "the managed policy is never touched");
    }

    @Test
    void undoRefusesWhenTheBehaviourWasMovedToAnotherPolicyWithTheOriginalTtls() {
        String id = newDistribution(BEFORE);
        List<String> original = policies(id);
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);
        new CdnExtendTtl(providers).apply(command, plan);
        String lookalike = fake.create("lookalike-" + id, 0, 300, 3600);
        DistributionConfig config = direct.getDistributionConfig(b -> b.id(id)).distributionConfig();
        String etag = direct.getDistributionConfig(b -> b.id(id)).eTag();
        direct.updateDistribution(b -> b.id(id)
                .ifMatch(etag)
                .distributionConfig(config.toBuilder()
                        .defaultCacheBehavior(config.defaultCacheBehavior().toBuilder()
                                .cachePolicyId(lookalike)
                                .build())
                        .build()));

        ApplicationFailure failure =
                assertThrows(ApplicationFailure.class, () -> new CdnExtendTtl(providers).undo(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("(cache policy " + lookalike + ")"),
                failure.getOriginalMessage());
        assertEquals(lookalike, policies(id).get(0));
        assertNotEquals(original.get(0), lookalike);
    }

    @Test
    void aCopyChangedByHandIsNotUsed() {
        String id = newDistribution(BEFORE);
        String policy = policies(id).get(0);
        // Someone made a policy of the copy's name, with a minimum TTL the copy would not have.
        fake.create(CachePolicyCopies.PREFIX + "86400-86400-" + policy, 5, 86400, 86400);
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);

        ApplicationFailure failure =
                assertThrows(ApplicationFailure.class, () -> new CdnExtendTtl(providers).apply(command, plan));

        assertEquals(FailureTypes.PLAN_UNSAFE, failure.getType());
        assertTrue(
                failure.getOriginalMessage().contains("exists with settings other than the copy"),
                failure.getOriginalMessage());
        assertEquals(policy, policies(id).get(0), "nothing half-applied");
    }

    @Test
    void aBehaviourOnAMissingPolicyIsRejectedNamingIt() {
        String id = distribution(List.of("00000000-aaaa-bbbb-cccc-000000000000"));

        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class, () -> new CdnExtendTtl(providers).plan(command(providerName(), id, "24h")));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(
                failure.getOriginalMessage()
                        .contains("GetCachePolicy on cache policy 00000000-aaaa-bbbb-cccc-000000000000"),
                failure.getOriginalMessage());
        assertTrue(failure.getOriginalMessage().contains("NoSuchCachePolicy"), failure.getOriginalMessage());
    }

    @Test
    void aSecondApplyMakesNoSecondCopy() {
        String id = newDistribution(BEFORE);
        StepCommand command = command(providerName(), id, "24h");
        StepPlan plan = new CdnExtendTtl(providers).plan(command);
        new CdnExtendTtl(providers).apply(command, plan);
        int policies = fake.all().size();

        assertFalse(new CdnExtendTtl(providers).apply(command, plan).changed());

        assertEquals(policies, fake.all().size());
        assertEquals(3, Set.copyOf(policies(id)).size());
    }
}
