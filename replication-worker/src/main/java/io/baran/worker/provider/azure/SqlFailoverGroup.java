package io.baran.worker.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.worker.Failures;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ReplicaState;
import io.baran.worker.provider.ReplicaState.PrimaryWrites;
import io.baran.worker.provider.ReplicaState.Role;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * An Azure SQL failover group seen from its secondary server (API 2021-11-01): promoting it is a failover
 * run on that server. A planned failover ({@code /failover}) first synchronises the secondary with the
 * primary and then swaps their roles, so the old primary becomes a read-only secondary in the same
 * operation: it is fenced, and loses nothing. {@code /forceFailoverAllowDataLoss} swaps at once, without
 * synchronising, and is only used when the instance's {@code failover} setting says so.
 */
final class SqlFailoverGroup implements AzureDatabase.Instance {

    static final String API = "2021-11-01";
    private static final Logger LOG = Logger.getLogger(SqlFailoverGroup.class);

    /** How the failover is run: planned (synchronised first) or forced (data loss allowed). */
    enum Mode {
        PLANNED("failover"),
        FORCED_ALLOW_DATA_LOSS("forceFailoverAllowDataLoss");

        final String operation;

        Mode(String operation) {
            this.operation = operation;
        }
    }

    private final Arm arm;
    private final String instance;
    private final String resourceGroup;
    private final String server;
    private final String group;
    private final Mode mode;
    private final ControlPlane controlPlane;
    private final Duration timeout;

    SqlFailoverGroup(
            Arm arm,
            String instance,
            String resourceGroup,
            String server,
            String group,
            Mode mode,
            String location,
            Duration timeout) {
        this.arm = arm;
        this.instance = instance;
        this.resourceGroup = resourceGroup;
        this.server = server;
        this.group = group;
        this.mode = mode;
        this.controlPlane =
                new ControlPlane("azure/" + location, "sql", "Azure SQL failover group " + group + " on " + server);
        this.timeout = timeout;
    }

    @Override
    public ControlPlane controlPlane() {
        return controlPlane;
    }

    private String path() {
        return arm.resource(resourceGroup, "Microsoft.Sql/servers", server, "failoverGroups", group);
    }

    @Override
    public ReplicaState observe() {
        JsonNode properties = read().path("properties");
        Role role = "Primary".equals(properties.path("replicationRole").asText()) ? Role.PRIMARY : Role.REPLICA;
        JsonNode partner = properties.path("partnerServers").path(0);
        String partnerId = partner.path("id").asText(null);
        if (partnerId == null) {
            return new ReplicaState(role, replica(), null, PrimaryWrites.UNKNOWN, null);
        }
        String partnerName = partnerId.substring(partnerId.lastIndexOf('/') + 1);
        return new ReplicaState(role, replica(), partnerName, partnerWrites(partnerId, partnerName), null);
    }

    /** The partner's own view of the group: its role there says whether it takes writes; no answer means unreachable. */
    private PrimaryWrites partnerWrites(String partnerId, String partnerName) {
        String where = where("Get failover group", group + " on partner server " + partnerName);
        try {
            ArmResponse response =
                    arm.send("GET", partnerId + "/failoverGroups/" + Arm.segment(group), API, null, Map.of(), where);
            if (response.status() >= 500) {
                return PrimaryWrites.UNREACHABLE;
            }
            String role = arm.ok(response, where)
                    .path("properties")
                    .path("replicationRole")
                    .asText();
            return "Primary".equals(role) ? PrimaryWrites.ACCEPTS : PrimaryWrites.REFUSES;
        } catch (ApplicationFailure e) {
            if (FailureTypes.PROVIDER_UNAVAILABLE.equals(e.getType())) {
                LOG.infof(
                        "provider %s: partner %s of failover group %s is unreachable: %s",
                        arm.provider(), partnerName, group, e.getOriginalMessage());
                return PrimaryWrites.UNREACHABLE;
            }
            throw e;
        }
    }

    /**
     * Nothing to do before the promotion: the planned failover fences the old primary itself, atomically with
     * the role swap (it becomes a read-only secondary once the secondary has caught up). There is therefore
     * never a fenced-but-not-promoted state to undo.
     */
    @Override
    public void fence() {
        LOG.infof(
                "provider %s: %s: the planned failover of %s fences the old primary as it promotes",
                arm.provider(), instance, group);
    }

    @Override
    public void promote() {
        if (observe().role() == Role.REPLICA) {
            String where = where(
                    mode == Mode.PLANNED ? "Failover" : "ForceFailoverAllowDataLoss", group + " on server " + server);
            arm.await(arm.send("POST", path() + "/" + mode.operation, API, null, Map.of(), where), timeout, where);
            LOG.infof("provider %s: failover group %s failed over to %s (%s)", arm.provider(), group, server, mode);
        }
        if (observe().role() != Role.PRIMARY) {
            throw Failures.of(
                    FailureTypes.PROVIDER_UNAVAILABLE,
                    where("Failover", group) + ": server " + server + " is still the secondary after the failover");
        }
    }

    private JsonNode read() {
        return arm.read(
                path(),
                API,
                where("Get failover group", group + " on server " + server),
                "provider " + arm.provider()
                        + " (Azure SQL): instance " + instance + ": server " + server + " in resource group "
                        + resourceGroup
                        + " has no failover group " + group);
    }

    private String replica() {
        return server + " (failover group " + group + ")";
    }

    private String where(String operation, String resource) {
        return "provider " + arm.provider() + " (Azure SQL): " + operation + " on " + resource;
    }
}
