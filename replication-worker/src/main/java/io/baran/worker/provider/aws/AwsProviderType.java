package io.baran.worker.provider.aws;

import io.baran.worker.provider.Capabilities;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ProviderType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Set;

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

/** {@code type=aws}: Route 53, CloudFront, RDS and S3 of one account, through the AWS SDK v2. */
public final class AwsProviderType implements ProviderType {

    private static final Logger LOG = Logger.getLogger(AwsProviderType.class);
    private static final Capabilities CAPABILITIES = Capabilities.builder("aws")
            // Weighted sets only: latency, failover, geo and alias record sets are refused with the reason when a step meets one.
            // A behaviour on a cache policy is switched to Baran's copy of the policy with raised TTLs, and back on undo.
            .can(DNS_RECORDS, DNS_ROUTING_POLICIES, CDN_TTL, CDN_CACHE_POLICY, DATABASE_PROMOTE, OBJECT_STORE)
            // Aurora global databases (SwitchoverGlobalCluster); RDS read replicas and Aurora clusters alone cannot switch back.
            .can(DATABASE_SWITCHOVER)
            .cannot("CloudFront has no distribution setting for it: it serves stale objects when the origin's "
                    + "Cache-Control says stale-if-error", CDN_SERVE_STALE)
            .cannot("RDS has no API that makes the source of a read replica refuse writes (and during a regional "
                    + "outage its control plane is down with it)", DATABASE_FENCE)
            .cannot("a promoted RDS instance cannot become a read replica again: create a new replica", DATABASE_DEMOTE)
            .build();

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
        LOG.infof("provider %s: AWS in %s%s (Route 53, CloudFront, RDS, S3)", settings.name(), settings.region(),
                settings.endpoint().map(e -> " at " + e).orElse(""));
        Route53Dns dns = Route53Dns.connect(settings, context.dnsSyncTimeout(), context.heartbeat());
        CloudFrontCdn cdn = CloudFrontCdn.connect(settings);
        RdsDatabase database = RdsDatabase.connect(settings, promoteTimeout, context.heartbeat());
        S3ObjectStore objects = S3ObjectStore.connect(settings);
        List<AutoCloseable> clients = List.of(dns, cdn, database, objects);
        return new ConfiguredProvider(settings.name(), type(), CAPABILITIES, dns, cdn, database, objects, () -> {
            for (AutoCloseable c : clients) {
                c.close();
            }
        });
    }
}
