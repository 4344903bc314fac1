package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cloud SQL Admin v1 as documented: instances.get, instances.promoteReplica (empty body, answers a PENDING
 * operation), instances.switchover (empty body, optional {@code dbTimeout}, answers a PENDING operation) and
 * operations.get and operations.list (of one instance, newest first). A promoted replica becomes a stand-alone primary (CLOUD_SQL_INSTANCE, no masterInstanceName)
 * when its operation is read DONE; the old primary is left as it was, as Cloud SQL does. A switchover swaps the
 * roles of an Enterprise Plus primary and its designated DR replica ({@code replicationCluster}) when its
 * operation is read DONE: the old primary becomes the DR replica of the new one, the write endpoint follows.
 */
final class FakeCloudSql {

    private final String project;
    private final Map<String, ObjectNode> instances = new HashMap<>();
    private final Map<String, ObjectNode> operations = new java.util.LinkedHashMap<>();
    private final Map<String, String> promoting = new HashMap<>();
    private final Map<String, String> switching = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** How many reads an operation stays RUNNING before it is DONE. */
    volatile int runningReads = 1;
    /**
     * How many instances.get of a promoted replica still show it a replica once its operation is DONE: Cloud SQL's
     * operation may be DONE a moment before the instance shows its new role.
     */
    volatile int roleLagReads = 0;

    private final Map<String, Integer> roleLag = new HashMap<>();

    private final Map<String, Integer> reads = new HashMap<>();

    FakeCloudSql(String project) {
        this.project = project;
    }

    synchronized void putPrimary(String name, String region) {
        instances.put(name, instance(name, region, "CLOUD_SQL_INSTANCE"));
    }

    synchronized void putReplica(String name, String region, String primary) {
        ObjectNode replica = instance(name, region, "READ_REPLICA_INSTANCE");
        replica.put("masterInstanceName", project + ":" + primary);
        replica.putObject("replicaConfiguration")
                .put("kind", "sql#replicaConfiguration")
                .put("failoverTarget", false);
        instances.get(primary).withArray("replicaNames").add(name);
        instances.put(name, replica);
    }

    /** An Enterprise Plus primary and its cross-region DR replica, with a write endpoint that follows the primary. */
    synchronized void putDrPair(String primary, String primaryRegion, String replica, String replicaRegion) {
        ObjectNode p = instance(primary, primaryRegion, "CLOUD_SQL_INSTANCE");
        p.putObject("settings").put("edition", "ENTERPRISE_PLUS");
        p.putObject("replicationCluster")
                .put("failoverDrReplicaName", replica)
                .put("psaWriteEndpoint", primary + ".write." + project + ".sql.goog.");
        instances.put(primary, p);
        putReplica(replica, replicaRegion, primary);
        ObjectNode r = instances.get(replica);
        r.putObject("settings").put("edition", "ENTERPRISE_PLUS");
        r.putObject("replicationCluster").put("drReplica", true);
    }

    /** Makes {@code replica}, a read replica of {@code primary}, its DR replica instead of the one it had. */
    synchronized void designateDrReplica(String primary, String replica) {
        String old = instances
                .get(primary)
                .path("replicationCluster")
                .path("failoverDrReplicaName")
                .asText(null);
        if (old != null && instances.containsKey(old)) {
            instances.get(old).remove("replicationCluster");
        }
        instances.get(primary).withObject("/replicationCluster").put("failoverDrReplicaName", replica);
        instances.get(replica).putObject("replicationCluster").put("drReplica", true);
    }

    private ObjectNode instance(String name, String region, String type) {
        ObjectNode db = Answer.JSON.createObjectNode();
        db.put("kind", "sql#instance")
                .put("name", name)
                .put("project", project)
                .put("region", region)
                .put("databaseVersion", "POSTGRES_16")
                .put("instanceType", type)
                .put("state", "RUNNABLE")
                .put("connectionName", project + ":" + region + ":" + name);
        return db;
    }

    synchronized ObjectNode instance(String name) {
        ObjectNode db = instances.get(name);
        return db == null ? null : db.deepCopy();
    }

    synchronized Answer get(String name) {
        Integer lag = roleLag.get(name);
        if (lag != null && lag <= 1) {
            roleLag.remove(name);
            promoted(name);
        } else if (lag != null) {
            roleLag.put(name, lag - 1);
        }
        ObjectNode db = instances.get(name);
        return db == null ? notFound(name) : Answer.ok(db);
    }

    synchronized Answer promote(String name, String body) {
        ObjectNode db = instances.get(name);
        if (db == null) {
            return notFound(name);
        }
        if (body != null && !body.isBlank()) {
            return Answer.invalid("The request body must be empty.");
        }
        if (!"READ_REPLICA_INSTANCE".equals(db.path("instanceType").asText())) {
            return Answer.error(400, "instanceNotReplica", "The instance " + name + " is not a read replica.");
        }
        if (promoting.containsValue(name)) {
            return Answer.error(
                    409, "operationInProgress", "Operation failed because another operation was already in progress.");
        }
        String id = java.util
                .UUID
                .nameUUIDFromBytes(("op" + ids.incrementAndGet()).getBytes())
                .toString();
        ObjectNode operation = Answer.JSON.createObjectNode();
        operation
                .put("kind", "sql#operation")
                .put("name", id)
                .put("operationType", "PROMOTE_REPLICA")
                .put("status", "PENDING")
                .put("targetId", name)
                .put("targetProject", project);
        operations.put(id, operation);
        promoting.put(id, name);
        db.put("state", "MAINTENANCE");
        return Answer.ok(operation);
    }

    synchronized Answer switchover(String name, String body, Map<String, String> query) {
        ObjectNode db = instances.get(name);
        if (db == null) {
            return notFound(name);
        }
        if (body != null && !body.isBlank()) {
            return Answer.invalid("The request body must be empty.");
        }
        for (Map.Entry<String, String> p : query.entrySet()) {
            if (!p.getKey().equals("dbTimeout") || !p.getValue().matches("\\d+(\\.\\d{1,9})?s")) {
                return Answer.invalid("instances.switchover takes only dbTimeout (a duration such as 600s), not "
                        + p.getKey() + "=" + p.getValue());
            }
        }
        if (!"READ_REPLICA_INSTANCE".equals(db.path("instanceType").asText())
                || !db.path("replicationCluster").path("drReplica").asBoolean()) {
            return Answer.invalid("The instance " + name + " is not a disaster-recovery replica.");
        }
        if (switching.containsValue(name) || promoting.containsValue(name)) {
            return Answer.error(
                    409, "operationInProgress", "Operation failed because another operation was already in progress.");
        }
        String id = java.util
                .UUID
                .nameUUIDFromBytes(("op" + ids.incrementAndGet()).getBytes())
                .toString();
        ObjectNode operation = Answer.JSON.createObjectNode();
        operation
                .put("kind", "sql#operation")
                .put("name", id)
                .put("operationType", "SWITCHOVER")
                .put("status", "PENDING")
                .put("targetId", name)
                .put("targetProject", project);
        operations.put(id, operation);
        switching.put(id, name);
        db.put("state", "MAINTENANCE");
        return Answer.ok(operation);
    }

    /** The DR replica becomes the primary, the old primary its DR replica; the write endpoint moves with the role. */
    private void swap(String replicaName) {
        ObjectNode replica = instances.get(replicaName);
        String primaryName = replica.path("masterInstanceName").asText();
        primaryName = primaryName.substring(primaryName.indexOf(':') + 1);
        ObjectNode primary = instances.get(primaryName);
        String endpoint =
                primary.path("replicationCluster").path("psaWriteEndpoint").asText(null);
        replica.put("instanceType", "CLOUD_SQL_INSTANCE").put("state", "RUNNABLE");
        replica.remove("masterInstanceName");
        replica.remove("replicaConfiguration");
        ObjectNode cluster = replica.putObject("replicationCluster").put("failoverDrReplicaName", primaryName);
        if (endpoint != null) {
            cluster.put("psaWriteEndpoint", endpoint);
        }
        replica.putArray("replicaNames").add(primaryName);
        primary.put("instanceType", "READ_REPLICA_INSTANCE").put("state", "RUNNABLE");
        primary.put("masterInstanceName", project + ":" + replicaName);
        primary.putObject("replicaConfiguration")
                .put("kind", "sql#replicaConfiguration")
                .put("failoverTarget", false);
        primary.remove("replicaNames");
        primary.putObject("replicationCluster").put("drReplica", true);
    }

    /** Whether an operation on the instance is not DONE (as last read). */
    synchronized boolean underWay(String instance) {
        return operations.values().stream()
                .anyMatch(o -> instance.equals(o.path("targetId").asText())
                        && !"DONE".equals(o.path("status").asText()));
    }

    /** operations.list for one instance: its operations, newest first, as they were last read. */
    synchronized Answer listOperations(String instance) {
        ObjectNode list = Answer.JSON.createObjectNode().put("kind", "sql#operationsList");
        var items = list.putArray("items");
        for (ObjectNode operation : operations.values()) {
            if (instance.equals(operation.path("targetId").asText())) {
                items.insert(0, operation.deepCopy());
            }
        }
        return Answer.ok(list);
    }

    synchronized Answer getOperation(String id) {
        ObjectNode operation = operations.get(id);
        if (operation == null) {
            return Answer.error(404, "operationDoesNotExist", "The Cloud SQL operation " + id + " does not exist.");
        }
        if (reads.merge(id, 1, Integer::sum) < runningReads) {
            operation.put("status", "RUNNING");
            return Answer.ok(operation);
        }
        String switched = switching.remove(id);
        if (switched != null) {
            swap(switched);
        }
        String name = promoting.remove(id);
        if (name != null && roleLagReads > 0) {
            roleLag.put(name, roleLagReads);
        } else if (name != null) {
            promoted(name);
        }
        operation.put("status", "DONE");
        return Answer.ok(operation);
    }

    /** The replica becomes a stand-alone primary; its old primary no longer lists it. */
    private void promoted(String name) {
        ObjectNode db = instances.get(name);
        String primary = db.path("masterInstanceName").asText();
        db.put("instanceType", "CLOUD_SQL_INSTANCE").put("state", "RUNNABLE");
        db.remove("masterInstanceName");
        db.remove("replicaConfiguration");
        ObjectNode old = instances.get(primary.substring(primary.indexOf(':') + 1));
        if (old != null && old.has("replicaNames")) {
            var names = old.withArray("replicaNames");
            for (int i = names.size() - 1; i >= 0; i--) {
                if (names.get(i).asText().equals(name)) {
                    names.remove(i);
                }
            }
        }
    }

    private Answer notFound(String name) {
        return Answer.error(404, "instanceDoesNotExist", "The Cloud SQL instance does not exist.");
    }
}
