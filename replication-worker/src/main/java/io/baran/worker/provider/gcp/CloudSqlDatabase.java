package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DatabaseProvider;
import io.baran.worker.provider.ReplicaState;
import io.baran.workflow.FailureTypes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Read-replica promotion through the Cloud SQL Admin API ({@code instances.promoteReplica}), waiting for the
 * operation and then for the instance to be a runnable primary. Cloud SQL offers no way to make the old
 * primary refuse writes short of stopping it, so this provider cannot fence; and a promoted instance cannot
 * become a replica again.
 */
public final class CloudSqlDatabase implements DatabaseProvider {

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
            case "READ_REPLICA_INSTANCE" -> new ReplicaState(ReplicaState.Role.REPLICA, where,
                    db.path("masterInstanceName").asText(null), ReplicaState.PrimaryWrites.UNKNOWN, null);
            case "CLOUD_SQL_INSTANCE" -> new ReplicaState(ReplicaState.Role.PRIMARY, where, null,
                    ReplicaState.PrimaryWrites.UNKNOWN, null);
            default -> throw Failures.of(FailureTypes.CAPABILITY_MISSING, "Cloud SQL instance " + instance + " of provider "
                    + name() + " is of type " + type + "; only read replicas (READ_REPLICA_INSTANCE) can be promoted");
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
            JsonNode operation = api.post(SERVICE, "instances.promoteReplica", "instance " + instance,
                    base() + "/instances/" + GcpApi.encode(instance) + "/promoteReplica", null);
            LOG.infof("provider %s: promoting Cloud SQL read replica %s (operation %s)", name(), instance,
                    operation.path("name").asText());
            operations.await(base() + "/operations", operation, "instances.promoteReplica", "instance " + instance);
        }
        awaitPrimary(instance);
    }

    /** The operation may be DONE a moment before instances.get shows the new role; the step ends when both agree. */
    private void awaitPrimary(String instance) {
        Polling.await(name(), "Cloud SQL instance " + instance + " to be a runnable primary", "primary", state(get(instance)),
                () -> state(get(instance)), promoteTimeout, MAX_POLL, heartbeat);
    }

    private static String state(JsonNode db) {
        boolean primary = "CLOUD_SQL_INSTANCE".equals(db.path("instanceType").asText());
        String state = db.path("state").asText("UNKNOWN");
        return primary && "RUNNABLE".equals(state) ? "primary" : db.path("instanceType").asText() + " " + state;
    }

    private JsonNode get(String instance) {
        return api.get(SERVICE, "instances.get", "instance " + instance, base() + "/instances/" + GcpApi.encode(instance));
    }
}
