package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DatabaseProvider;
import io.baran.worker.provider.DatabaseSwitchover;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ReplicaState;
import io.baran.worker.provider.Topology;
import io.baran.worker.provider.Waiting;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import org.jboss.logging.Logger;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

/**
 * Read-replica promotion through Amazon RDS ({@code PromoteReadReplica}), called in the replica's region,
 * so a promotion away from a failing region does not need that region's control plane. RDS offers no way
 * to make the source instance refuse writes, so this provider cannot fence; and a promoted instance
 * cannot become a replica again. An Aurora global database can also switch over without data loss
 * ({@link AuroraGlobalSwitchover}), which a second switchover reverses.
 */
public final class RdsDatabase implements DatabaseProvider, DatabaseSwitchover, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RdsDatabase.class);

    private final String name;
    private final String region;
    private final RdsClient client;
    private final Duration promoteTimeout;
    private final Heartbeat heartbeat;
    private final AwsCalls calls;
    private final AuroraGlobalFailover global;
    private final AuroraGlobalSwitchover switchover;

    public RdsDatabase(
            String name,
            String region,
            RdsClient client,
            Duration promoteTimeout,
            Heartbeat heartbeat,
            io.baran.worker.budget.BudgetedCalls budget) {
        this.name = name;
        this.region = region;
        this.client = client;
        this.promoteTimeout = promoteTimeout;
        this.heartbeat = heartbeat;
        this.calls = new AwsCalls(name, "RDS", budget);
        this.global = new AuroraGlobalFailover(name, region, client, calls, promoteTimeout, heartbeat);
        this.switchover = new AuroraGlobalSwitchover(name, client, calls, global, promoteTimeout, heartbeat);
    }

    /** @param promoteTimeout how long a promotion may take until the instance is available again (RDS reboots it) */
    public static RdsDatabase connect(
            ProviderSettings settings,
            Duration promoteTimeout,
            Heartbeat heartbeat,
            io.baran.worker.budget.BudgetedCalls budget) {
        return new RdsDatabase(
                settings.name(),
                settings.region(),
                // Budgeted (AwsCalls): the SDK must not send a FailoverGlobalCluster or PromoteReadReplica again
                // by itself after a timeout; a second one is refused, which read as a failed step.
                AwsClients.build(RdsClient.builder(), settings, Region.of(settings.region()), true),
                promoteTimeout,
                heartbeat,
                budget);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane(String instance) {
        return new ControlPlane("aws/" + region, "rds", "RDS");
    }

    @Override
    public ReplicaState observe(String instance) {
        DBInstance db = describeIfAny(instance);
        if (db == null) {
            return global.observe(instance);
        }
        if (db.dbClusterIdentifier() != null) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "DB instance " + instance + " of provider " + name
                            + " belongs to Aurora cluster " + db.dbClusterIdentifier()
                            + ": name the cluster instead when it is a "
                            + "secondary of a global database (the step then fails the global database over to it); failing over "
                            + "within one Aurora cluster is not built");
        }
        String source = db.readReplicaSourceDBInstanceIdentifier();
        boolean replica = source != null && !source.isBlank();
        return new ReplicaState(
                replica ? ReplicaState.Role.REPLICA : ReplicaState.Role.PRIMARY,
                instance + " in " + region,
                replica ? source : null,
                ReplicaState.PrimaryWrites.UNKNOWN,
                null);
    }

    @Override
    public void fence(String instance) {
        throw new UnsupportedOperationException("RDS cannot fence the source of a read replica");
    }

    @Override
    public void unfence(String instance, ReplicaState observed) {
        throw new UnsupportedOperationException("RDS cannot fence the source of a read replica");
    }

    @Override
    public void promote(String instance) {
        if (describeIfAny(instance) == null) {
            global.promote(instance);
            return;
        }
        if (observe(instance).role() == ReplicaState.Role.REPLICA) {
            calls.call(
                    "PromoteReadReplica",
                    "DB instance " + instance,
                    () -> client.promoteReadReplica(b -> b.dbInstanceIdentifier(instance)));
            LOG.infof("provider %s: promoting read replica %s in %s", name, instance, region);
        }
        awaitPromoted(instance);
    }

    /**
     * A promotion under way: RDS answers PromoteReadReplica at once, then shows the instance {@code modifying} (its
     * source still named) and {@code rebooting} until it is a primary again {@code available}. Waited for, bounded by the
     * promote timeout, so a later attempt neither asks again (refused: InvalidDBInstanceState) nor reads a replica about
     * to be primary as one that stays a replica. RDS does not say which change it is making: another one in these two
     * statuses is waited for too (any other status is not: a replica in {@code storage-optimization} for a day is
     * promoted at once). An Aurora cluster: its global database's failover or switchover under way.
     */
    @Override
    public String settle(String instance) {
        DBInstance db = describeIfAny(instance);
        if (db == null) {
            return global.settle(instance);
        }
        if (db.dbClusterIdentifier() != null || !promoting(db.dbInstanceStatus())) {
            return null;
        }
        String began = describeStatus(db);
        Waiting.until(
                () -> {
                    DBInstance now = describe(instance);
                    return promoting(now.dbInstanceStatus())
                            ? describeStatus(now) + " (a promotion an earlier attempt asked for may be under way)"
                            : null;
                },
                promoteTimeout,
                heartbeat,
                "provider " + name + " (RDS): DB instance " + instance);
        return "a change under way at RDS (" + began + ") ended: " + instance + " is "
                + describeStatus(describe(instance));
    }

    private static String describeStatus(DBInstance db) {
        String source = db.readReplicaSourceDBInstanceIdentifier();
        return db.dbInstanceStatus()
                + (source == null || source.isBlank() ? ", not a replica" : ", replicating from " + source);
    }

    /** The statuses RDS shows while it promotes a read replica. */
    private static boolean promoting(String status) {
        return "modifying".equals(status) || "rebooting".equals(status);
    }

    /** RDS answers at once and promotes in the background, rebooting the instance; the step ends when it is done. */
    private void awaitPromoted(String instance) {
        Waiting.until(
                () -> {
                    DBInstance db = describe(instance);
                    String source = db.readReplicaSourceDBInstanceIdentifier();
                    boolean promoted = source == null || source.isBlank();
                    return promoted && "available".equals(db.dbInstanceStatus())
                            ? null
                            : db.dbInstanceStatus() + (promoted ? "" : ", replicating from " + source);
                },
                promoteTimeout,
                heartbeat,
                "provider " + name + " (RDS): DB instance " + instance);
    }

    @Override
    public Topology observeTopology(String instance) {
        return switchover.observe(memberName(instance));
    }

    @Override
    public String settleTopology(String instance) {
        return global.settle(memberName(instance));
    }

    @Override
    public String memberName(String instance) {
        return AuroraGlobalFailover.clusterName(instance);
    }

    @Override
    public void switchover(String target, Topology expected) {
        switchover.switchover(memberName(target), expected);
    }

    /** The DB instance, or null when there is none of that name (it may name an Aurora cluster). */
    private DBInstance describeIfAny(String instance) {
        return calls.call("DescribeDBInstances", "DB instance " + instance, () -> {
            try {
                return client.describeDBInstances(b -> b.dbInstanceIdentifier(instance))
                        .dbInstances()
                        .get(0);
            } catch (DbInstanceNotFoundException e) {
                return null;
            }
        });
    }

    private DBInstance describe(String instance) {
        return calls.call(
                        "DescribeDBInstances",
                        "DB instance " + instance,
                        () -> client.describeDBInstances(b -> b.dbInstanceIdentifier(instance)))
                .dbInstances()
                .get(0);
    }

    @Override
    public void close() {
        client.close();
    }
}
