package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.CdnProvider;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderSettings;
import io.baran.workflow.FailureTypes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.CacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.CacheBehaviors;
import software.amazon.awssdk.services.cloudfront.model.CachePolicyConfig;
import software.amazon.awssdk.services.cloudfront.model.DefaultCacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionConfigResponse;
import software.amazon.awssdk.services.cloudfront.model.PreconditionFailedException;

/**
 * CDN TTLs through Amazon CloudFront: the TTLs of a distribution's default and ordered cache behaviours,
 * either their legacy TTL settings (min, default, max) or those of the cache policy a behaviour names. A
 * behaviour with legacy settings has them rewritten; one on a cache policy is switched to a copy of its
 * policy with the raised TTLs ({@link CachePolicyCopies}), and back to the exact policy it had on undo,
 * which then deletes the copy. Every update carries the ETag of the configuration it was made from
 * ({@code If-Match}), so a configuration changed by someone else in between is never overwritten: the
 * update is refused (412), and the configuration read and checked again.
 */
public final class CloudFrontCdn implements CdnProvider, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CloudFrontCdn.class);
    /** CloudFront's API is global, served from us-east-1. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("aws/us-east-1", "cloudfront", "CloudFront");
    /** How many times a configuration changed under us (412) is read again before the step fails, retryably. */
    private static final int MAX_CONFLICTS = 3;

    private final String name;
    private final CloudFrontClient client;
    private final AwsCalls calls;
    private final CachePolicyCopies policies;

    public CloudFrontCdn(String name, CloudFrontClient client, io.baran.worker.budget.BudgetedCalls budget) {
        this.name = name;
        this.client = client;
        this.calls = new AwsCalls(name, "CloudFront", budget);
        this.policies = new CachePolicyCopies(name, client, calls);
    }

    public static CloudFrontCdn connect(ProviderSettings settings, io.baran.worker.budget.BudgetedCalls budget) {
        return new CloudFrontCdn(
                settings.name(),
                AwsClients.build(CloudFrontClient.builder(), settings, Region.AWS_GLOBAL, true),
                budget);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane() {
        return CONTROL_PLANE;
    }

    @Override
    public CacheTtls observe(String distribution) {
        return ttls(read(distribution).distributionConfig(), policies::config);
    }

    @Override
    public void replace(String distribution, CacheTtls expected, CacheTtls desired) {
        for (int conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
            GetDistributionConfigResponse read = read(distribution);
            CacheTtls current = ttls(read.distributionConfig(), policies::config);
            if (current.sameAs(desired)) {
                return;
            }
            if (!current.sameAs(expected)) {
                throw Failures.of(
                        FailureTypes.PLAN_UNSAFE,
                        "distribution " + distribution + " of provider " + name
                                + " now has TTLs " + current.describe() + ", not " + expected.describe()
                                + " as planned: it was changed by someone else since");
            }
            boolean[] copied = {false};
            DistributionConfig updated = withTtls(read.distributionConfig(), current, desired, (policy, ttls) -> {
                copied[0] = true;
                return policies.copyWith(policy, ttls, distribution);
            });
            try {
                String etag = calls.call("UpdateDistribution", "distribution " + distribution, () -> {
                    try {
                        return client.updateDistribution(b ->
                                        b.id(distribution).ifMatch(read.eTag()).distributionConfig(updated))
                                .eTag();
                    } catch (PreconditionFailedException changedMeanwhile) {
                        throw new ConfigChanged();
                    }
                });
                LOG.infof(
                        "provider %s: distribution %s TTLs %s -> %s (ETag %s -> %s)",
                        name, distribution, current.describe(), desired.describe(), read.eTag(), etag);
                if (!copied[0]) {
                    // An undo, putting back the policies the plan named: the copies it took off are no longer needed
                    // here.
                    policies.deleteUnused(replacedPolicies(read.distributionConfig(), updated), distribution);
                }
                return;
            } catch (ConfigChanged e) {
                LOG.infof(
                        "provider %s: distribution %s changed between read and update (ETag %s); reading it again",
                        name, distribution, read.eTag());
            }
        }
        throw Failures.of(
                FailureTypes.PROVIDER_UNAVAILABLE,
                "provider " + name + " (CloudFront): distribution " + distribution + " changed " + MAX_CONFLICTS
                        + " times between reading and updating its configuration; try again later");
    }

    private GetDistributionConfigResponse read(String distribution) {
        return calls.call(
                "GetDistributionConfig",
                "distribution " + distribution,
                () -> client.getDistributionConfig(b -> b.id(distribution)));
    }

    /** The TTLs of a distribution whose behaviours all have legacy TTL settings; a cache policy found fails. */
    static CacheTtls ttls(DistributionConfig config) {
        return ttls(config, id -> {
            throw new IllegalArgumentException("behaviour with cache policy " + id + ": read its TTLs with the policy");
        });
    }

    /**
     * Every behaviour's TTLs: its legacy settings, or those of the cache policy it names (read with {@code policies}),
     * reported with the policy's id.
     */
    static CacheTtls ttls(DistributionConfig config, Function<String, CachePolicyConfig> policies) {
        List<BehaviourTtls> behaviours = new ArrayList<>();
        DefaultCacheBehavior d = config.defaultCacheBehavior();
        behaviours.add(
                behaviour(BehaviourTtls.DEFAULT, d.cachePolicyId(), d.minTTL(), d.defaultTTL(), d.maxTTL(), policies));
        for (CacheBehavior b : ordered(config)) {
            behaviours.add(
                    behaviour(b.pathPattern(), b.cachePolicyId(), b.minTTL(), b.defaultTTL(), b.maxTTL(), policies));
        }
        return new CacheTtls(behaviours);
    }

    private static BehaviourTtls behaviour(
            String path,
            String policyId,
            Long min,
            Long defaultTtl,
            Long max,
            Function<String, CachePolicyConfig> policies) {
        String policy = policy(policyId);
        if (policy == null) {
            return new BehaviourTtls(path, n(min), n(defaultTtl), n(max), null);
        }
        CachePolicyConfig config = policies.apply(policy);
        return new BehaviourTtls(path, n(config.minTTL()), n(config.defaultTTL()), n(config.maxTTL()), policy);
    }

    /** Switches a behaviour on a cache policy to one with the given TTLs; answers the policy's id. */
    interface PolicySwitch {
        String policyWith(String currentPolicy, BehaviourTtls ttls);
    }

    /** The same configuration with legacy TTLs rewritten as desired; nothing else touched. */
    static DistributionConfig withTtls(DistributionConfig config, CacheTtls desired) {
        return withTtls(config, ttls(config), desired, (policy, ttls) -> {
            throw new IllegalArgumentException(
                    "behaviour " + ttls.path() + " takes its TTLs from cache policy " + policy);
        });
    }

    /**
     * The same configuration with the TTLs of the behaviours that differ set as desired; nothing else touched. A
     * behaviour with legacy TTLs gets the desired TTLs; one on a cache policy is switched to the policy the desired
     * state names (an undo puts the original back), or to the one {@code switcher} answers for the raised TTLs.
     */
    static DistributionConfig withTtls(
            DistributionConfig config, CacheTtls current, CacheTtls desired, PolicySwitch switcher) {
        DefaultCacheBehavior d = config.defaultCacheBehavior();
        BehaviourTtls wantDefault = desired.find(BehaviourTtls.DEFAULT);
        String defaultPolicy = policy(d.cachePolicyId());
        if (wantDefault != null && defaultPolicy != null) {
            String next = nextPolicy(defaultPolicy, current.find(BehaviourTtls.DEFAULT), wantDefault, switcher);
            if (!next.equals(defaultPolicy)) {
                d = d.toBuilder().cachePolicyId(next).build();
            }
        } else if (wantDefault != null
                && !wantDefault.sameTtls(legacy(BehaviourTtls.DEFAULT, d.minTTL(), d.defaultTTL(), d.maxTTL()))) {
            d = d.toBuilder()
                    .minTTL(wantDefault.min())
                    .defaultTTL(wantDefault.defaultTtl())
                    .maxTTL(wantDefault.max())
                    .build();
        }
        DistributionConfig.Builder builder = config.toBuilder().defaultCacheBehavior(d);
        if (config.cacheBehaviors() != null && config.cacheBehaviors().items() != null) {
            List<CacheBehavior> items = new ArrayList<>();
            for (CacheBehavior b : config.cacheBehaviors().items()) {
                BehaviourTtls want = desired.find(b.pathPattern());
                String policy = policy(b.cachePolicyId());
                if (want == null) {
                    items.add(b);
                } else if (policy != null) {
                    String next = nextPolicy(policy, current.find(b.pathPattern()), want, switcher);
                    items.add(
                            next.equals(policy)
                                    ? b
                                    : b.toBuilder().cachePolicyId(next).build());
                } else if (want.sameTtls(legacy(b.pathPattern(), b.minTTL(), b.defaultTTL(), b.maxTTL()))) {
                    items.add(b);
                } else {
                    items.add(b.toBuilder()
                            .minTTL(want.min())
                            .defaultTTL(want.defaultTtl())
                            .maxTTL(want.max())
                            .build());
                }
            }
            builder.cacheBehaviors(
                    CacheBehaviors.builder().quantity(items.size()).items(items).build());
        }
        return builder.build();
    }

    /**
     * The policy a behaviour on {@code policy} moves to: none when it already has the TTLs wanted, else the one the
     * desired state names, else one with the TTLs wanted.
     */
    private static String nextPolicy(String policy, BehaviourTtls now, BehaviourTtls want, PolicySwitch switcher) {
        if (now != null && want.sameTtls(now)) {
            return policy;
        }
        if (want.cachePolicy() != null) {
            return want.cachePolicy();
        }
        return switcher.policyWith(policy, want);
    }

    /** The cache policies the update took off a behaviour. */
    private static Set<String> replacedPolicies(DistributionConfig before, DistributionConfig after) {
        Set<String> used = new HashSet<>(policies(after));
        Set<String> replaced = new LinkedHashSet<>(policies(before));
        replaced.removeAll(used);
        return replaced;
    }

    private static List<String> policies(DistributionConfig config) {
        List<String> ids = new ArrayList<>();
        ids.add(policy(config.defaultCacheBehavior().cachePolicyId()));
        ordered(config).forEach(b -> ids.add(policy(b.cachePolicyId())));
        ids.removeIf(java.util.Objects::isNull);
        return ids;
    }

    private static List<CacheBehavior> ordered(DistributionConfig config) {
        return config.cacheBehaviors() == null || config.cacheBehaviors().items() == null
                ? List.of()
                : config.cacheBehaviors().items();
    }

    private static BehaviourTtls legacy(String path, Long min, Long defaultTtl, Long max) {
        return new BehaviourTtls(path, n(min), n(defaultTtl), n(max), null);
    }

    private static long n(Long value) {
        return value == null ? 0 : value;
    }

    private static String policy(String id) {
        return id == null || id.isBlank() ? null : id;
    }

    /** The update was refused because the configuration's ETag changed since it was read. */
    private static final class ConfigChanged extends RuntimeException {
        ConfigChanged() {
            super(null, null, false, false);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
