package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.Topology;
import io.baran.worker.provider.Waiting;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.FailoverState;
import software.amazon.awssdk.services.rds.model.GlobalCluster;
import software.amazon.awssdk.services.rds.model.GlobalClusterMember;

/**
 * {@code database.switchover} of an Aurora global database: {@code SwitchoverGlobalCluster} makes a secondary
 * cluster the writer and the old writer a secondary once every secondary has caught up, so no committed write
 * is lost (unlike {@code FailoverGlobalCluster}, which {@link AuroraGlobalFailover} uses when the primary's region
 * is down). Both regions must answer, so it is for planned moves, drills and failing back. The topology is read
 * from {@code DescribeGlobalClusters}: the member that {@code IsWriter}, the others, and the
 * {@code FailoverState} of an operation under way.
 */
final class AuroraGlobalSwitchover {

    private static final Logger LOG = Logger.getLogger(AuroraGlobalSwitchover.class);

    private final String name;
    private final RdsClient client;
    private final AwsCalls calls;
    private final AuroraGlobalFailover global;
    private final Duration timeout;
    private final Heartbeat heartbeat;

    AuroraGlobalSwitchover(
            String name,
            RdsClient client,
            AwsCalls calls,
            AuroraGlobalFailover global,
            Duration timeout,
            Heartbeat heartbeat) {
        this.name = name;
        this.client = client;
        this.calls = calls;
        this.global = global;
        this.timeout = timeout;
        this.heartbeat = heartbeat;
    }

    Topology observe(String cluster) {
        return topology(global.membership(cluster).global());
    }

    void switchover(String target, Topology expected) {
        AuroraGlobalFailover.Membership m = global.membership(target);
        Topology current = topology(m.global());
        FailoverState underway = m.global().failoverState();
        if (underway != null) {
            boolean ours = target.equals(AuroraGlobalFailover.clusterName(underway.toDbClusterArn()))
                    && !Boolean.TRUE.equals(underway.isDataLossAllowed());
            if (!ours) {
                throw Failures.of(
                        FailureTypes.PLAN_UNSAFE,
                        "will not switch global database " + current.group() + " over to " + target + " (provider "
                                + name + "): " + current.describe());
            }
        } else if (!current.primary().equals(target)) {
            if (!current.sameAs(expected)) {
                throw Failures.of(
                        FailureTypes.PLAN_UNSAFE,
                        "will not switch global database " + current.group() + " over to "
                                + target + " (provider " + name + "): it is now " + current.describe() + ", not "
                                + expected.describe()
                                + " as planned");
            }
            calls.call(
                    "SwitchoverGlobalCluster",
                    "global database " + current.group() + " to " + target,
                    () -> client.switchoverGlobalCluster(b -> b.globalClusterIdentifier(current.group())
                            .targetDbClusterIdentifier(m.member().dbClusterArn())));
            LOG.infof(
                    "provider %s: switching global database %s over from %s to %s",
                    name, current.group(), current.primary(), target);
        }
        Waiting.until(
                () -> {
                    GlobalCluster now = global.membership(target).global();
                    Topology t = topology(now);
                    return t.primary().equals(target) && now.failoverState() == null
                            ? null
                            : t.underway() != null ? t.underway() : "writer " + t.primary();
                },
                timeout,
                heartbeat,
                "provider " + name + " (RDS): switchover of global database " + current.group() + " to " + target);
    }

    private static Topology topology(GlobalCluster g) {
        String writer = null;
        java.util.List<String> others = new java.util.ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (GlobalClusterMember member : g.globalClusterMembers()) {
            if (!names.add(AuroraGlobalFailover.clusterName(member.dbClusterArn()))) {
                // The topology names clusters by name: two alike would read as one (a switchover to itself, "done").
                throw Failures.of(
                        FailureTypes.PROVIDER_REJECTED,
                        "global database " + g.globalClusterIdentifier() + " has more than one cluster named "
                                + AuroraGlobalFailover.clusterName(member.dbClusterArn()) + " ("
                                + g.globalClusterMembers().stream()
                                        .map(GlobalClusterMember::dbClusterArn)
                                        .toList()
                                + "): database.switchover needs its clusters named apart; not supported");
            }
        }
        for (GlobalClusterMember member : g.globalClusterMembers()) {
            String cluster = AuroraGlobalFailover.clusterName(member.dbClusterArn());
            if (Boolean.TRUE.equals(member.isWriter())) {
                writer = cluster;
            } else {
                others.add(cluster);
            }
        }
        if (writer == null) {
            throw Failures.of(
                    FailureTypes.PROVIDER_UNAVAILABLE,
                    "global database " + g.globalClusterIdentifier() + " has no writer cluster now (status "
                            + g.status() + "); try again once it has");
        }
        FailoverState f = g.failoverState();
        String underway = f == null
                ? null
                : (Boolean.TRUE.equals(f.isDataLossAllowed()) ? "failover " : "switchover ")
                        + f.statusAsString() + " from " + AuroraGlobalFailover.clusterName(f.fromDbClusterArn())
                        + " to "
                        + AuroraGlobalFailover.clusterName(f.toDbClusterArn());
        return new Topology(g.globalClusterIdentifier(), writer, others, underway);
    }
}
