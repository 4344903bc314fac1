package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ReplicaState;
import io.baran.worker.provider.Waiting;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.GlobalCluster;
import software.amazon.awssdk.services.rds.model.GlobalClusterMember;

/**
 * {@code database.promote-replica} of an Aurora DB cluster that is a secondary of a global database: fails
 * the global database over to it ({@code FailoverGlobalCluster} with {@code AllowDataLoss}), the call meant
 * for an outage of the primary's region, which it does not need to answer. Writes the old primary took and
 * had not replicated yet are lost (the replication lag, typically under a second); Aurora makes the old
 * primary a secondary once its region is back. Called in the provider's region, the secondary's.
 */
final class AuroraGlobalFailover {

    private static final Logger LOG = Logger.getLogger(AuroraGlobalFailover.class);

    private final String name;
    private final String region;
    private final RdsClient client;
    private final AwsCalls calls;
    private final Duration timeout;
    private final Heartbeat heartbeat;

    AuroraGlobalFailover(
            String name, String region, RdsClient client, AwsCalls calls, Duration timeout, Heartbeat heartbeat) {
        this.name = name;
        this.region = region;
        this.client = client;
        this.calls = calls;
        this.timeout = timeout;
        this.heartbeat = heartbeat;
    }

    /** The cluster's role in its global database; fails (ProviderRejected) when no global database has it. */
    ReplicaState observe(String cluster) {
        Membership m = membership(cluster);
        GlobalClusterMember writer = m.global.globalClusterMembers().stream()
                .filter(GlobalClusterMember::isWriter)
                .findFirst()
                .orElse(null);
        boolean isWriter = m.member.isWriter() && m.global.failoverState() == null;
        String replica = "Aurora cluster " + cluster + " in " + region + " (global database "
                + m.global.globalClusterIdentifier() + ")";
        String primary = writer == null ? null : clusterName(writer.dbClusterArn());
        return new ReplicaState(
                isWriter ? ReplicaState.Role.PRIMARY : ReplicaState.Role.REPLICA,
                replica,
                isWriter ? null : primary,
                ReplicaState.PrimaryWrites.UNKNOWN,
                null);
    }

    /** Fails the global database over to the cluster, unless it is already its writer; returns once it is. */
    void promote(String cluster) {
        Membership m = membership(cluster);
        if (!m.member.isWriter() && m.global.failoverState() == null) {
            calls.call(
                    "FailoverGlobalCluster",
                    "global database " + m.global.globalClusterIdentifier() + " to " + cluster,
                    () -> client.failoverGlobalCluster(
                            b -> b.globalClusterIdentifier(m.global.globalClusterIdentifier())
                                    .targetDbClusterIdentifier(m.member.dbClusterArn())
                                    .allowDataLoss(true)));
            LOG.infof(
                    "provider %s: failing global database %s over to %s in %s",
                    name, m.global.globalClusterIdentifier(), cluster, region);
        }
        Waiting.until(
                () -> {
                    Membership now = membership(cluster);
                    if (now.member.isWriter() && now.global.failoverState() == null) {
                        return null;
                    }
                    return now.global.failoverState() == null
                            ? "a reader of " + now.global.globalClusterIdentifier()
                            : now.global.failoverState().statusAsString();
                },
                timeout,
                heartbeat,
                "provider " + name + " (RDS): global failover to Aurora cluster " + cluster);
    }

    /**
     * Waits while the cluster's global database has a failover or switchover under way ({@code FailoverState}), one an
     * earlier attempt of the step may have begun, so the step acts on where it ends; bounded by the promote timeout.
     * Returns what it waited for, or null when nothing was under way.
     */
    String settle(String cluster) {
        Membership m = membership(cluster);
        if (m.global.failoverState() == null) {
            return null;
        }
        String began = m.global.failoverState().statusAsString();
        Waiting.until(
                () -> {
                    Membership now = membership(cluster);
                    return now.global.failoverState() == null
                            ? null
                            : now.global.failoverState().statusAsString();
                },
                timeout,
                heartbeat,
                "provider " + name + " (RDS): global database " + m.global.globalClusterIdentifier()
                        + " (a failover or switchover under way)");
        return "the failover or switchover of global database " + m.global.globalClusterIdentifier() + " under way ("
                + began + ") ended";
    }

    /** A global database and one of its members. */
    record Membership(GlobalCluster global, GlobalClusterMember member) {}

    /**
     * The global database that has the cluster: by its ARN, or by name, the provider's region's cluster of that name
     * first (clusters of one global database are often named alike in each region); fails (ProviderRejected) when none
     * has it, or when the name is another region's in more than one.
     */
    Membership membership(String cluster) {
        List<GlobalCluster> all = calls.call(
                "DescribeGlobalClusters",
                "Aurora cluster " + cluster,
                () -> client.describeGlobalClustersPaginator(b -> b.maxRecords(100)).globalClusters().stream()
                        .toList());
        List<Membership> named = new java.util.ArrayList<>();
        for (GlobalCluster global : all) {
            for (GlobalClusterMember member : global.globalClusterMembers()) {
                String arn = member.dbClusterArn();
                if (cluster.startsWith("arn:") ? cluster.equals(arn) : cluster.equals(clusterName(arn))) {
                    named.add(new Membership(global, member));
                }
            }
        }
        List<Membership> here = named.stream()
                .filter(m -> region.equals(regionOf(m.member().dbClusterArn())))
                .toList();
        if (here.size() == 1) {
            return here.get(0);
        }
        if (here.isEmpty() && named.size() == 1) {
            return named.get(0);
        }
        if (named.isEmpty()) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    "provider " + name + " (RDS) in " + region + " has no DB instance " + cluster
                            + ", and no Aurora global database has a cluster of that name");
        }
        throw Failures.of(
                FailureTypes.PROVIDER_REJECTED,
                "provider " + name + " (RDS) in " + region + ": Aurora cluster " + cluster + " names "
                        + (here.isEmpty() ? named : here)
                                .stream().map(m -> m.member().dbClusterArn()).toList()
                        + "; name the one meant by its ARN");
    }

    /** {@code arn:aws:rds:eu-west-1:123456789012:cluster:orders-eu} → {@code eu-west-1}; null when not an ARN. */
    static String regionOf(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":", -1);
        return parts.length > 3 ? parts[3] : null;
    }

    /** {@code arn:aws:rds:eu-west-1:123456789012:cluster:orders-eu} → {@code orders-eu}. */
    static String clusterName(String arn) {
        return arn == null ? null : arn.substring(arn.lastIndexOf(':') + 1);
    }
}
