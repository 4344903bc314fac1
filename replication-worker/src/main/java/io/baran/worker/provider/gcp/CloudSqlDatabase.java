package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DatabaseProvider;
import io.baran.worker.provider.DatabaseSwitchover;
import io.baran.worker.provider.ReplicaState;
import io.baran.worker.provider.Topology;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Read-replica promotion through the Cloud SQL Admin API ({@code instances.promoteReplica}), waiting for the
 * operation and then for the instance to be a runnable primary. Cloud SQL offers no way to make the old
 * primary refuse writes short of stopping it, so this provider cannot fence; and a promoted instance cannot
 * become a replica again.
 *
 * <p>A switchover ({@code instances.switchover}, Enterprise Plus) is the planned, lossless way: it makes the
 * primary's designated disaster-recovery replica ({@code replicationCluster.failoverDrReplicaName}) the primary,
 * and the old primary its DR replica, so a second switchover reverses it.
 */
public final class CloudSqlDatabase implements DatabaseProvider, DatabaseSwitchover {

    private static final Logger LOG = Logger.getLogger(CloudSqlDatabase.class);
    static final String SERVICE = "Cloud SQL";
    /** The Cloud SQL Admin API is one global endpoint, whichever region the instance is in. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("gcp/global", "sqladmin", "Cloud SQL Admin");

    private static final Duration MAX_POLL = Duration.ofSeconds(10);

    private final GcpApi api;
    private final Duration promoteTimeout;
    private final Heartbeat heartbeat;
    private final Operations operations;

    CloudSqlDatabase(GcpApi api, Duration promoteTimeout, Heartbeat heartbeat) {
        this.api = api;
        this.promoteTimeout = promoteTimeout;
        this.heartbeat = heartbeat;
        this.operations = new Operations(api, SERVICE, promoteTimeout, MAX_POLL, heartbeat);
    }

    @Override
    public String name() {
        return api.provider();
    }

    @Override
    public ControlPlane controlPlane(String instance) {
        return CONTROL_PLANE;
    }

    private String base() {
        return api.base("sqladmin.googleapis.com", "/v1");
    }

    @Override
    public ReplicaState observe(String instance) {
        JsonNode db = get(instance);
        String type = db.path("instanceType").asText();
        String where = instance + " in " + db.path("region").asText("an unknown region");
        return switch (type) {
            case "READ_REPLICA_INSTANCE" ->
                new ReplicaState(
                        ReplicaState.Role.REPLICA,
                        where,
                        db.path("masterInstanceName").asText(null),
                        ReplicaState.PrimaryWrites.UNKNOWN,
                        null);
            case "CLOUD_SQL_INSTANCE" ->
                new ReplicaState(ReplicaState.Role.PRIMARY, where, null, ReplicaState.PrimaryWrites.UNKNOWN, null);
            default ->
                throw Failures.of(
                        FailureTypes.CAPABILITY_MISSING,
                        "Cloud SQL instance " + instance + " of provider " + name() + " is of type " + type
                                + "; only read replicas (READ_REPLICA_INSTANCE) can be promoted");
        };
    }

    @Override
    public void fence(String instance) {
        throw new UnsupportedOperationException("Cloud SQL cannot fence the primary of a read replica");
    }

    @Override
    public void unfence(String instance, ReplicaState observed) {
        throw new UnsupportedOperationException("Cloud SQL cannot fence the primary of a read replica");
    }

    @Override
    public void promote(String instance) {
        if (observe(instance).role() == ReplicaState.Role.REPLICA) {
            JsonNode operation = api.post(
                    SERVICE,
                    "instances.promoteReplica",
                    "instance " + instance,
                    base() + "/instances/" + GcpApi.encode(instance) + "/promoteReplica",
                    null);
            LOG.infof(
                    "provider %s: promoting Cloud SQL read replica %s (operation %s)",
                    name(), instance, operation.path("name").asText());
            operations.await(base() + "/operations", operation, "instances.promoteReplica", "instance " + instance);
        }
        awaitPrimary(instance);
    }

    /**
     * A promotion of the instance still under way ({@code operations.list} for the instance, newest first: an
     * operation PROMOTE_REPLICA not DONE), begun by an earlier attempt that timed out: waited for, so a later attempt
     * neither asks again (refused: operationInProgress) nor reads a replica about to be primary as one that stays a
     * replica.
     */
    @Override
    public String settle(String instance) {
        return awaitUnderWay(instance, "PROMOTE_REPLICA", "instances.promoteReplica", "promotion");
    }

    /**
     * A switchover of the instance's topology still under way (SWITCHOVER not DONE, posted on the member that becomes
     * primary: the instance, or the other member when an undo switches back), waited for as {@link #settle} waits.
     */
    @Override
    public String settleTopology(String instance) {
        Topology topology = observeTopology(instance);
        java.util.Set<String> members = new java.util.LinkedHashSet<>();
        members.add(instance);
        members.add(topology.primary());
        members.addAll(topology.secondaries());
        String waited = null;
        for (String member : members) {
            String ended = awaitUnderWay(member, "SWITCHOVER", "instances.switchover", "switchover");
            waited = ended == null ? waited : ended;
        }
        return waited;
    }

    /**
     * Waits for the instance's operations of {@code type} not DONE yet ({@code operations.list}, newest first), then for
     * the instance to be a runnable primary once one succeeded; what it waited for, or null when none was under way.
     */
    private String awaitUnderWay(String instance, String type, String call, String what) {
        JsonNode list = api.get(
                SERVICE,
                "operations.list",
                "instance " + instance,
                base() + "/operations?instance=" + GcpApi.encode(instance) + "&maxResults=20");
        String waited = null;
        for (JsonNode operation : list.path("items")) {
            String status = operation.path("status").asText();
            if (type.equals(operation.path("operationType").asText())
                    && instance.equals(operation.path("targetId").asText(instance))
                    && !"DONE".equals(status)) {
                String underWay = "the " + what + " under way (operation "
                        + operation.path("name").asText() + ", " + status + "), begun by an earlier attempt,";
                try {
                    operations.await(base() + "/operations", operation, call, "instance " + instance);
                } catch (io.temporal.failure.ApplicationFailure failed) {
                    if (FailureTypes.PROVIDER_UNAVAILABLE.equals(failed.getType())) {
                        throw failed; // still under way after the timeout, or Cloud SQL does not answer
                    }
                    return underWay + " failed: " + failed.getOriginalMessage(); // the step goes on from what it left
                }
                // DONE a moment before instances.get shows the new role: apply and undo read the role next.
                awaitPrimary(instance);
                waited = underWay + " ended";
            }
        }
        return waited;
    }

    /** The operation may be DONE a moment before instances.get shows the new role; the step ends when both agree. */
    private void awaitPrimary(String instance) {
        Polling.await(
                name(),
                "Cloud SQL instance " + instance + " to be a runnable primary",
                "primary",
                state(get(instance)),
                () -> state(get(instance)),
                promoteTimeout,
                MAX_POLL,
                heartbeat);
    }

    private static String state(JsonNode db) {
        boolean primary = "CLOUD_SQL_INSTANCE".equals(db.path("instanceType").asText());
        String state = db.path("state").asText("UNKNOWN");
        return primary && "RUNNABLE".equals(state)
                ? "primary"
                : db.path("instanceType").asText() + " " + state;
    }

    /**
     * The primary and its DR replica, read from the named instance and, when it is a replica, from its primary
     * ({@code masterInstanceName}): the primary's {@code replicationCluster.failoverDrReplicaName} names the member a
     * switchover can make primary.
     */
    @Override
    public Topology observeTopology(String instance) {
        JsonNode db = get(instance);
        String type = db.path("instanceType").asText();
        String primary;
        JsonNode primaryDb;
        switch (type) {
            case "CLOUD_SQL_INSTANCE" -> {
                primary = instance;
                primaryDb = db;
            }
            case "READ_REPLICA_INSTANCE" -> {
                primary = withoutProject(db.path("masterInstanceName").asText(""));
                primaryDb = get(primary);
            }
            default ->
                throw Failures.of(
                        FailureTypes.CAPABILITY_MISSING,
                        "Cloud SQL instance " + instance + " of provider " + name() + " is of type " + type
                                + "; only a primary and its disaster-recovery replica can switch over");
        }
        String dr = withoutProject(primaryDb
                .path("replicationCluster")
                .path("failoverDrReplicaName")
                .asText(""));
        if (dr.isEmpty()) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "Cloud SQL instance " + primary + " of provider " + name()
                            + " has no disaster-recovery replica (replicationCluster.failoverDrReplicaName): Cloud SQL switches over"
                            + " only to the designated DR replica of an Enterprise Plus primary");
        }
        String underway = null;
        for (JsonNode member : primary.equals(instance) ? List.of(db) : List.of(primaryDb, db)) {
            String state = member.path("state").asText("UNKNOWN");
            if (!"RUNNABLE".equals(state)) {
                underway = member.path("name").asText() + " is " + state;
            }
        }
        return new Topology(null, primary, List.of(dr), underway);
    }

    @Override
    public void switchover(String target, Topology expected) {
        Topology current = observeTopology(target);
        if (!current.primary().equals(target)) {
            if (!current.sameAs(expected) || !current.secondaries().contains(target)) {
                throw Failures.of(
                        FailureTypes.PLAN_UNSAFE,
                        "will not switch Cloud SQL over to " + target + " (provider " + name() + "): it is now "
                                + current.describe() + ", not " + expected.describe() + " as planned");
            }
            JsonNode operation = api.post(
                    SERVICE,
                    "instances.switchover",
                    "instance " + target,
                    base() + "/instances/" + GcpApi.encode(target) + "/switchover",
                    null);
            LOG.infof(
                    "provider %s: switching Cloud SQL over from %s to its DR replica %s (operation %s)",
                    name(), current.primary(), target, operation.path("name").asText());
            operations.await(base() + "/operations", operation, "instances.switchover", "instance " + target);
        }
        awaitPrimary(target);
    }

    /** {@code project:instance} (how Cloud SQL names a primary in {@code masterInstanceName}) → {@code instance}. */
    private static String withoutProject(String name) {
        return name.substring(name.indexOf(':') + 1);
    }

    private JsonNode get(String instance) {
        return api.get(
                SERVICE, "instances.get", "instance " + instance, base() + "/instances/" + GcpApi.encode(instance));
    }
}
