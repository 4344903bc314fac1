package io.baran.worker.provider.aws;

import static io.baran.worker.provider.Capability.CDN_CACHE_POLICY;
import static io.baran.worker.provider.Capability.CDN_SERVE_STALE;
import static io.baran.worker.provider.Capability.CDN_TTL;
import static io.baran.worker.provider.Capability.DATABASE_DEMOTE;
import static io.baran.worker.provider.Capability.DATABASE_FENCE;
import static io.baran.worker.provider.Capability.DATABASE_PROMOTE;
import static io.baran.worker.provider.Capability.DATABASE_SWITCHOVER;
import static io.baran.worker.provider.Capability.DNS_RECORDS;
import static io.baran.worker.provider.Capability.DNS_ROUTING_POLICIES;
import static io.baran.worker.provider.Capability.OBJECT_STORE;

import io.baran.worker.budget.Limit;
import io.baran.worker.provider.Capabilities;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ProviderType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/** {@code type=aws}: Route 53, CloudFront, RDS and S3 of one account, through the AWS SDK v2. */
public final class AwsProviderType implements ProviderType {

    private static final Logger LOG = Logger.getLogger(AwsProviderType.class);
    private static final Capabilities CAPABILITIES = Capabilities.builder("aws")
            // Weighted sets only: latency, failover, geo and alias record sets are refused with the reason when a step
            // meets one.
            // A behaviour on a cache policy is switched to Baran's copy of the policy with raised TTLs, and back on
            // undo.
            .can(DNS_RECORDS, DNS_ROUTING_POLICIES, CDN_TTL, CDN_CACHE_POLICY, DATABASE_PROMOTE, OBJECT_STORE)
            // Aurora global databases (SwitchoverGlobalCluster); RDS read replicas and Aurora clusters alone cannot
            // switch back.
            .can(DATABASE_SWITCHOVER)
            .cannot(
                    "CloudFront has no distribution setting for it: it serves stale objects when the origin's "
                            + "Cache-Control says stale-if-error",
                    CDN_SERVE_STALE)
            .cannot(
                    "RDS has no API that makes the source of a read replica refuse writes (and during a regional "
                            + "outage its control plane is down with it)",
                    DATABASE_FENCE)
            .cannot("a promoted RDS instance cannot become a read replica again: create a new replica", DATABASE_DEMOTE)
            .build();

    static final String ROUTE53 = "route53";
    static final String CLOUDFRONT = "cloudfront";
    /**
     * Defaults from AWS's documentation. Route 53: "a hard limit of five requests per second, per account", all API
     * requests counted together, answered beyond it with HTTP 400 {@code Throttling} "Rate exceeded"
     * (https://repost.aws/knowledge-center/route-53-avoid-throttling-errors). Route 53's newer throttling page
     * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html) gives accounts a bucket of
     * 50 refilled at 10/s plus a bucket of record changes; 5/s stays within both. The burst is 4, one less than the
     * five a second allows: a call that reaches Route 53 a little sooner after the previous one than it left Baran
     * (network jitter) still finds a token there. CloudFront publishes
     * quotas on resources but no control-plane request rate
     * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html): 2/s with a burst of
     * 4 is a cautious guess, to be raised with {@code api-budget.cloudfront.rate}.
     */
    static final Map<String, Limit> BUDGETS = Map.of(ROUTE53, new Limit(5, 4), CLOUDFRONT, new Limit(2, 4));

    @Override
    public Map<String, Limit> apiBudgets() {
        return BUDGETS;
    }

    @Override
    public String type() {
        return "aws";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ConfiguredProvider connect(ProviderSettings settings, ProviderContext context) {
        settings.onlyKnown(Set.of("promote-timeout"), Set.of());
        Duration promoteTimeout = settings.duration("promote-timeout", Duration.ofMinutes(30));
        LOG.infof(
                "provider %s: AWS in %s%s (Route 53, CloudFront, RDS, S3)",
                settings.name(),
                settings.region(),
                settings.endpoint().map(e -> " at " + e).orElse(""));
        Route53Dns dns = Route53Dns.connect(
                settings,
                context.dnsSyncTimeout(),
                context.heartbeat(),
                context.calls(settings, ROUTE53, Optional.of(BUDGETS.get(ROUTE53))));
        CloudFrontCdn cdn = CloudFrontCdn.connect(
                settings, context.calls(settings, CLOUDFRONT, Optional.of(BUDGETS.get(CLOUDFRONT))));
        // RDS: no budget (its quotas are per API and generous), but its throttled answers are waited out as well.
        RdsDatabase database = RdsDatabase.connect(
                settings, promoteTimeout, context.heartbeat(), context.calls(settings, "rds", Optional.empty()));
        S3ObjectStore objects = S3ObjectStore.connect(settings);
        List<AutoCloseable> clients = List.of(dns, cdn, database, objects);
        return new ConfiguredProvider(settings.name(), type(), CAPABILITIES, dns, cdn, database, objects, () -> {
            for (AutoCloseable c : clients) {
                c.close();
            }
        });
    }
}
