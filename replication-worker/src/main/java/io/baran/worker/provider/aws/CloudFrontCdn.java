package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.provider.BehaviourTtls;
import io.baran.worker.provider.CacheTtls;
import io.baran.worker.provider.CdnProvider;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ProviderSettings;
import io.baran.workflow.FailureTypes;
import org.jboss.logging.Logger;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.CacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.CacheBehaviors;
import software.amazon.awssdk.services.cloudfront.model.DefaultCacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionConfigResponse;
import software.amazon.awssdk.services.cloudfront.model.PreconditionFailedException;

import java.util.ArrayList;
import java.util.List;

/**
 * CDN TTLs through Amazon CloudFront: the legacy TTL settings (min, default, max) of a distribution's
 * default and ordered cache behaviours. Every update carries the ETag of the configuration it was made
 * from ({@code If-Match}), so a configuration changed by someone else in between is never overwritten:
 * the update is refused (412), and the configuration read and checked again.
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

    public CloudFrontCdn(String name, CloudFrontClient client) {
        this.name = name;
        this.client = client;
        this.calls = new AwsCalls(name, "CloudFront");
    }

    public static CloudFrontCdn connect(ProviderSettings settings) {
        return new CloudFrontCdn(settings.name(), AwsClients.build(CloudFrontClient.builder(), settings, Region.AWS_GLOBAL));
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
        return ttls(read(distribution).distributionConfig());
    }

    @Override
    public void replace(String distribution, CacheTtls expected, CacheTtls desired) {
        for (int conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
            GetDistributionConfigResponse read = read(distribution);
            CacheTtls current = ttls(read.distributionConfig());
            if (current.sameAs(desired)) {
                return;
            }
            if (!current.sameAs(expected)) {
                throw Failures.of(FailureTypes.PLAN_UNSAFE, "distribution " + distribution + " of provider " + name
                        + " now has TTLs " + current.describe() + ", not " + expected.describe()
                        + " as planned: it was changed by someone else since");
            }
            DistributionConfig updated = withTtls(read.distributionConfig(), desired);
            try {
                String etag = calls.call("UpdateDistribution", "distribution " + distribution, () -> {
                    try {
                        return client.updateDistribution(b -> b.id(distribution).ifMatch(read.eTag()).distributionConfig(updated))
                                .eTag();
                    } catch (PreconditionFailedException changedMeanwhile) {
                        throw new ConfigChanged();
                    }
                });
                LOG.infof("provider %s: distribution %s TTLs %s -> %s (ETag %s -> %s)", name, distribution, current.describe(),
                        desired.describe(), read.eTag(), etag);
                return;
            } catch (ConfigChanged e) {
                LOG.infof("provider %s: distribution %s changed between read and update (ETag %s); reading it again",
                        name, distribution, read.eTag());
            }
        }
        throw Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, "provider " + name + " (CloudFront): distribution " + distribution
                + " changed " + MAX_CONFLICTS + " times between reading and updating its configuration; try again later");
    }

    private GetDistributionConfigResponse read(String distribution) {
        return calls.call("GetDistributionConfig", "distribution " + distribution,
                () -> client.getDistributionConfig(b -> b.id(distribution)));
    }

    static CacheTtls ttls(DistributionConfig config) {
        List<BehaviourTtls> behaviours = new ArrayList<>();
        DefaultCacheBehavior d = config.defaultCacheBehavior();
        behaviours.add(new BehaviourTtls(BehaviourTtls.DEFAULT, n(d.minTTL()), n(d.defaultTTL()), n(d.maxTTL()),
                policy(d.cachePolicyId())));
        if (config.cacheBehaviors() != null && config.cacheBehaviors().items() != null) {
            for (CacheBehavior b : config.cacheBehaviors().items()) {
                behaviours.add(new BehaviourTtls(b.pathPattern(), n(b.minTTL()), n(b.defaultTTL()), n(b.maxTTL()),
                        policy(b.cachePolicyId())));
            }
        }
        return new CacheTtls(behaviours);
    }

    /** The same configuration with the TTLs of the behaviours that differ set as desired; nothing else touched. */
    static DistributionConfig withTtls(DistributionConfig config, CacheTtls desired) {
        CacheTtls current = ttls(config);
        DefaultCacheBehavior d = config.defaultCacheBehavior();
        BehaviourTtls wantDefault = desired.find(BehaviourTtls.DEFAULT);
        if (wantDefault != null && !wantDefault.sameTtls(current.find(BehaviourTtls.DEFAULT))) {
            d = d.toBuilder().minTTL(wantDefault.min()).defaultTTL(wantDefault.defaultTtl()).maxTTL(wantDefault.max()).build();
        }
        DistributionConfig.Builder builder = config.toBuilder().defaultCacheBehavior(d);
        if (config.cacheBehaviors() != null && config.cacheBehaviors().items() != null) {
            List<CacheBehavior> items = new ArrayList<>();
            for (CacheBehavior b : config.cacheBehaviors().items()) {
                BehaviourTtls want = desired.find(b.pathPattern());
                items.add(want == null || want.sameTtls(current.find(b.pathPattern())) ? b
                        : b.toBuilder().minTTL(want.min()).defaultTTL(want.defaultTtl()).maxTTL(want.max()).build());
            }
            builder.cacheBehaviors(CacheBehaviors.builder().quantity(items.size()).items(items).build());
        }
        return builder.build();
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
