package io.baran.worker.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.Failures;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ReplicaState;
import io.baran.worker.provider.ReplicaState.PrimaryWrites;
import io.baran.worker.provider.ReplicaState.Role;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * A read replica of Azure Database for PostgreSQL flexible server (API 2024-08-01), promoted to a standalone
 * server by updating it with {@code replica.promoteMode = standalone} and {@code replica.promoteOption}
 * {@code planned} (waits until the replica has replayed what the primary sent) or {@code forced} (at once).
 * The primary goes on taking writes either way: Azure has no operation that makes it refuse them, so this
 * kind cannot fence.
 */
final class PostgresFlexibleReplica implements AzureDatabase.Instance {

    static final String API = "2024-08-01";
    private static final Set<String> REPLICA_ROLES = Set.of("AsyncReplica", "GeoAsyncReplica");
    private static final Logger LOG = Logger.getLogger(PostgresFlexibleReplica.class);

    private final Arm arm;
    private final String instance;
    private final String resourceGroup;
    private final String server;
    private final String promoteOption;
    private final ControlPlane controlPlane;
    private final Duration timeout;

    /** @param promoteOption {@code planned} or {@code forced} */
    PostgresFlexibleReplica(
            Arm arm,
            String instance,
            String resourceGroup,
            String server,
            String promoteOption,
            String location,
            Duration timeout) {
        this.arm = arm;
        this.instance = instance;
        this.resourceGroup = resourceGroup;
        this.server = server;
        this.promoteOption = promoteOption;
        this.controlPlane = new ControlPlane("azure/" + location, "postgresql", "PostgreSQL flexible server " + server);
        this.timeout = timeout;
    }

    @Override
    public ControlPlane controlPlane() {
        return controlPlane;
    }

    private String path() {
        return arm.resource(resourceGroup, "Microsoft.DBforPostgreSQL/flexibleServers", server);
    }

    @Override
    public ReplicaState observe() {
        JsonNode properties = read().path("properties");
        boolean replica =
                REPLICA_ROLES.contains(properties.path("replica").path("role").asText());
        String source = properties.path("sourceServerResourceId").asText("");
        String primary = source.isEmpty() ? null : source.substring(source.lastIndexOf('/') + 1);
        return new ReplicaState(
                replica ? Role.REPLICA : Role.PRIMARY, server, replica ? primary : null, PrimaryWrites.UNKNOWN, null);
    }

    @Override
    public void fence() {
        throw new UnsupportedOperationException(
                "Azure cannot make the primary of a PostgreSQL flexible server replica refuse writes");
    }

    @Override
    public void promote() {
        if (observe().role() == Role.REPLICA) {
            ObjectNode body = Arm.json().createObjectNode();
            body.putObject("properties")
                    .putObject("replica")
                    .put("promoteMode", "standalone")
                    .put("promoteOption", promoteOption);
            String where = where("Update (promote " + promoteOption + ")", "server " + server);
            arm.await(arm.send("PATCH", path(), API, body, Map.of(), where), timeout, where);
            LOG.infof(
                    "provider %s: promoted PostgreSQL flexible server %s to standalone (%s)",
                    arm.provider(), server, promoteOption);
        }
        if (observe().role() != Role.PRIMARY) {
            throw Failures.of(
                    FailureTypes.PROVIDER_UNAVAILABLE,
                    where("Update", "server " + server) + ": it is still a replica after the promotion");
        }
    }

    /**
     * A promotion still under way (Azure answers the update at once and promotes in the background): the server's
     * replica {@code replicationState} is Updating (documented as "changing compute size or promoting it to primary
     * server"), or its {@code state} is Updating. Waited for, bounded by the promote timeout; another change in those
     * states is waited for too.
     */
    @Override
    public String settle() {
        String began = underWay(read());
        if (began == null) {
            return null;
        }
        arm.until(
                () -> underWay(read()),
                timeout,
                where("Get server", server) + " (a promotion an earlier attempt asked for may be under way)");
        return "a change under way at Azure (" + began + ") ended: " + observe().describe();
    }

    private static String underWay(JsonNode server) {
        JsonNode properties = server.path("properties");
        if ("Updating"
                .equals(properties.path("replica").path("replicationState").asText())) {
            return "replication state Updating";
        }
        return "Updating".equals(properties.path("state").asText()) ? "server state Updating" : null;
    }

    private JsonNode read() {
        return arm.read(
                path(),
                API,
                where("Get server", server),
                "provider " + arm.provider()
                        + " (PostgreSQL flexible server): instance " + instance + ": there is no server " + server
                        + " in resource group "
                        + resourceGroup);
    }

    private String where(String operation, String resource) {
        return "provider " + arm.provider() + " (PostgreSQL flexible server): " + operation + " on " + resource;
    }
}
