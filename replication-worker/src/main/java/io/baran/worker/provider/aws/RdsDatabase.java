package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DatabaseProvider;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.ReplicaState;
import io.baran.workflow.FailureTypes;
import org.jboss.logging.Logger;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.time.Duration;

/**
 * Read-replica promotion through Amazon RDS ({@code PromoteReadReplica}), called in the replica's region,
 * so a promotion away from a failing region does not need that region's control plane. RDS offers no way
 * to make the source instance refuse writes, so this provider cannot fence; and a promoted instance
 * cannot become a replica again.
 */
public final class RdsDatabase implements DatabaseProvider, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RdsDatabase.class);
    private static final Duration FIRST_POLL = Duration.ofMillis(500);
    private static final Duration MAX_POLL = Duration.ofSeconds(15);

    private final String name;
    private final String region;
    private final RdsClient client;
    private final Duration promoteTimeout;
    private final Heartbeat heartbeat;
    private final AwsCalls calls;

    public RdsDatabase(String name, String region, RdsClient client, Duration promoteTimeout, Heartbeat heartbeat) {
        this.name = name;
        this.region = region;
        this.client = client;
        this.promoteTimeout = promoteTimeout;
        this.heartbeat = heartbeat;
        this.calls = new AwsCalls(name, "RDS");
    }

    /** @param promoteTimeout how long a promotion may take until the instance is available again (RDS reboots it) */
    public static RdsDatabase connect(ProviderSettings settings, Duration promoteTimeout, Heartbeat heartbeat) {
        return new RdsDatabase(settings.name(), settings.region(),
                AwsClients.build(RdsClient.builder(), settings, Region.of(settings.region())), promoteTimeout, heartbeat);
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
        DBInstance db = describe(instance);
        if (db.dbClusterIdentifier() != null) {
            throw Failures.of(FailureTypes.CAPABILITY_MISSING, "DB instance " + instance + " of provider " + name
                    + " belongs to Aurora cluster " + db.dbClusterIdentifier()
                    + ": Aurora replicas are promoted by a cluster or global-database failover, which is not built yet");
        }
        String source = db.readReplicaSourceDBInstanceIdentifier();
        boolean replica = source != null && !source.isBlank();
        return new ReplicaState(replica ? ReplicaState.Role.REPLICA : ReplicaState.Role.PRIMARY, instance + " in " + region,
                replica ? source : null, ReplicaState.PrimaryWrites.UNKNOWN, null);
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
        if (observe(instance).role() == ReplicaState.Role.REPLICA) {
            calls.call("PromoteReadReplica", "DB instance " + instance, () -> client.promoteReadReplica(b -> b.dbInstanceIdentifier(instance)));
            LOG.infof("provider %s: promoting read replica %s in %s", name, instance, region);
        }
        awaitPromoted(instance);
    }

    /** RDS answers at once and promotes in the background, rebooting the instance; the step ends when it is done. */
    private void awaitPromoted(String instance) {
        long deadline = System.nanoTime() + promoteTimeout.toNanos();
        Duration pause = FIRST_POLL;
        while (true) {
            DBInstance db = describe(instance);
            String source = db.readReplicaSourceDBInstanceIdentifier();
            boolean promoted = source == null || source.isBlank();
            if (promoted && "available".equals(db.dbInstanceStatus())) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // Retryable: a retried apply finds the promotion under way or done and only waits.
                throw Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, "provider " + name + " (RDS): DB instance " + instance
                        + " is still " + db.dbInstanceStatus() + (promoted ? "" : ", replicating from " + source) + " after "
                        + promoteTimeout.toSeconds() + " s");
            }
            heartbeat.beat("waiting for RDS to promote " + instance + " (" + db.dbInstanceStatus() + ")");
            sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
            pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
        }
    }

    private DBInstance describe(String instance) {
        return calls.call("DescribeDBInstances", "DB instance " + instance,
                () -> client.describeDBInstances(b -> b.dbInstanceIdentifier(instance))).dbInstances().get(0);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an RDS promotion", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
