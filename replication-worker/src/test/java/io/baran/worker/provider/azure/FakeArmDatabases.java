package io.baran.worker.provider.azure;

import static io.baran.worker.provider.azure.FakeArm.Answer;
import static io.baran.worker.provider.azure.FakeArm.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure SQL failover groups (Failover Groups - Get / Failover / Force Failover Allow Data Loss, 2021-11-01)
 * and PostgreSQL flexible servers (Servers - Get / Update, 2024-08-01). A failover run on the secondary
 * server swaps the two servers' roles when its operation ends; an update of a flexible server replica with
 * {@code replica.promoteMode = standalone} makes it a standalone primary. Every failover and promotion is
 * recorded, so tests can tell a planned one from a forced one.
 */
final class FakeArmDatabases {

    final Sql sql = new Sql();
    final Postgres postgres = new Postgres();
    /** Every failover and promotion asked for, e.g. {@code sql-dr/orders-fg failover}, {@code pg-replica-1 forced}. */
    final List<String> operations = new CopyOnWriteArrayList<>();

    private final FakeArm arm;

    FakeArmDatabases(FakeArm arm) {
        this.arm = arm;
    }

    final class Sql implements FakeArm.Resources {
        private static final Pattern ROUTE = Pattern.compile("/subscriptions/" + FakeArm.SUBSCRIPTION
                + "/resourceGroups/([^/]+)/providers/Microsoft\\.Sql/servers/([^/]+)/failoverGroups/([^/]+)"
                + "(?:/(failover|forceFailoverAllowDataLoss))?");
        /** Role by {@code <resource group>/<server>/<group>}, and the partner of each. */
        private final Map<String, String> roles = new ConcurrentHashMap<>();

        private final Map<String, String> partners = new ConcurrentHashMap<>();

        @Override
        public String apiVersion() {
            return "2021-11-01";
        }

        @Override
        public Pattern route() {
            return ROUTE;
        }

        void create(String resourceGroup, String primary, String secondary, String group) {
            String p = resourceGroup + "/" + primary + "/" + group;
            String s = resourceGroup + "/" + secondary + "/" + group;
            roles.put(p, "Primary");
            roles.put(s, "Secondary");
            partners.put(p, s);
            partners.put(s, p);
        }

        String role(String resourceGroup, String server, String group) {
            return roles.get(resourceGroup + "/" + server + "/" + group);
        }

        @Override
        public FakeArm.Answer handle(String method, Matcher path, Request request) {
            String key = path.group(1) + "/" + path.group(2) + "/" + path.group(3);
            if (!roles.containsKey(key)) {
                return Answer.error(
                        404,
                        "ResourceNotFound",
                        "The requested resource of type 'Microsoft.Sql/servers/failoverGroups' " + "with name '"
                                + path.group(3) + "' was not found.");
            }
            if (path.group(4) == null) {
                return method.equals("GET") ? Answer.of(200, body(key)) : Answer.error(405, "MethodNotAllowed", method);
            }
            if (!method.equals("POST") || request.getBody().length > 0) {
                return Answer.error(400, "BadRequest", "a failover is a POST without a body");
            }
            if (!roles.get(key).equals("Secondary")) {
                return Answer.error(
                        400,
                        "FailoverGroupFailoverOnPrimary",
                        "Server " + path.group(2) + " is already the primary of failover group " + path.group(3)
                                + "; run the failover on the secondary.");
            }
            operations.add(path.group(2) + "/" + path.group(3) + " " + path.group(4));
            return arm.accepted("Microsoft.Sql", apiVersion(), () -> {
                roles.put(key, "Primary");
                roles.put(partners.get(key), "Secondary");
            });
        }

        private ObjectNode body(String key) {
            String[] parts = key.split("/");
            String[] partner = partners.get(key).split("/");
            ObjectNode body = JSON.createObjectNode()
                    .put(
                            "id",
                            FakeArm.group(
                                    parts[0], "Microsoft.Sql/servers/" + parts[1] + "/failoverGroups/" + parts[2]))
                    .put("name", parts[2])
                    .put("type", "Microsoft.Sql/servers/failoverGroups")
                    .put("location", "West Europe");
            ObjectNode properties = body.putObject("properties");
            properties.putObject("readWriteEndpoint").put("failoverPolicy", "Manual");
            properties.putObject("readOnlyEndpoint").put("failoverPolicy", "Disabled");
            properties.put("replicationRole", roles.get(key)).put("replicationState", "CATCH_UP");
            properties
                    .putArray("partnerServers")
                    .addObject()
                    .put("id", FakeArm.group(partner[0], "Microsoft.Sql/servers/" + partner[1]))
                    .put("location", "North Europe")
                    .put("replicationRole", roles.get(partners.get(key)));
            properties
                    .putArray("databases")
                    .add(FakeArm.group(parts[0], "Microsoft.Sql/servers/" + parts[1] + "/databases/orders"));
            return body;
        }
    }

    final class Postgres implements FakeArm.Resources {
        private static final Pattern ROUTE = Pattern.compile("/subscriptions/" + FakeArm.SUBSCRIPTION
                + "/resourceGroups/([^/]+)/providers/Microsoft\\.DBforPostgreSQL/flexibleServers/([^/]+)");
        private final Map<String, String> roles = new ConcurrentHashMap<>();
        private final Map<String, String> sources = new ConcurrentHashMap<>();
        /**
         * 0: a promotion ends with its operation. More: a promotion goes on at Azure until its server has been read
         * that many times (its replica's replicationState and its state Updating meanwhile, as documented for a
         * promotion under way), whoever polls its operation.
         */
        volatile int promotionReads = 0;

        private final Map<String, Integer> promoting = new ConcurrentHashMap<>();

        @Override
        public String apiVersion() {
            return "2024-08-01";
        }

        @Override
        public Pattern route() {
            return ROUTE;
        }

        void createReplica(String resourceGroup, String primary, String replica) {
            roles.put(resourceGroup + "/" + primary, "Primary");
            roles.put(resourceGroup + "/" + replica, "AsyncReplica");
            sources.put(
                    resourceGroup + "/" + replica,
                    FakeArm.group(resourceGroup, "Microsoft.DBforPostgreSQL/flexibleServers/" + primary));
        }

        String role(String resourceGroup, String server) {
            return roles.get(resourceGroup + "/" + server);
        }

        @Override
        public FakeArm.Answer handle(String method, Matcher path, Request request) {
            String key = path.group(1) + "/" + path.group(2);
            if (!roles.containsKey(key)) {
                return Answer.error(
                        404,
                        "ResourceNotFound",
                        "The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + path.group(2)
                                + "' under resource group '" + path.group(1) + "' was not found.");
            }
            if (method.equals("GET")) {
                Integer left = promoting.get(key);
                if (left != null && left <= 1) {
                    promoting.remove(key);
                    roles.put(key, "Primary");
                    sources.remove(key);
                } else if (left != null) {
                    promoting.put(key, left - 1);
                }
                return Answer.of(200, body(path, key));
            }
            if (!method.equals("PATCH")) {
                return Answer.error(405, "MethodNotAllowed", method);
            }
            JsonNode replica = FakeArm.body(request).path("properties").path("replica");
            String option = replica.path("promoteOption").asText();
            if (FakeArm.body(request).size() != 1
                    || FakeArm.body(request).path("properties").size() != 1
                    || replica.size() != 2
                    || !replica.path("promoteMode").asText().equals("standalone")
                    || !(option.equals("planned") || option.equals("forced"))) {
                return Answer.error(
                        400,
                        "InvalidParameterValue",
                        "a promotion is properties.replica {promoteMode: standalone, "
                                + "promoteOption: planned|forced} and nothing else");
            }
            if (!roles.get(key).equals("AsyncReplica")) {
                return Answer.error(
                        400, "InvalidReplicaOperation", "Server " + path.group(2) + " is not a read replica.");
            }
            if (promoting.containsKey(key)) {
                return Answer.error(409, "ServerBusy", "Server " + path.group(2) + " is busy with another operation.");
            }
            operations.add(path.group(2) + " " + option);
            if (promotionReads > 0) {
                promoting.put(key, promotionReads);
                return arm.acceptedUntil("Microsoft.DBforPostgreSQL", apiVersion(), () -> !promoting.containsKey(key));
            }
            return arm.accepted("Microsoft.DBforPostgreSQL", apiVersion(), () -> {
                roles.put(key, "Primary");
                sources.remove(key);
            });
        }

        private ObjectNode body(Matcher path, String key) {
            ObjectNode body = JSON.createObjectNode()
                    .put(
                            "id",
                            FakeArm.group(path.group(1), "Microsoft.DBforPostgreSQL/flexibleServers/" + path.group(2)))
                    .put("name", path.group(2))
                    .put("type", "Microsoft.DBforPostgreSQL/flexibleServers")
                    .put("location", "westeurope");
            boolean updating = promoting.containsKey(key);
            ObjectNode properties = body.putObject("properties")
                    .put("state", updating ? "Updating" : "Ready")
                    .put("version", "16")
                    .put("fullyQualifiedDomainName", path.group(2) + ".postgres.database.azure.com")
                    .put("replicationRole", roles.get(key));
            properties
                    .putObject("replica")
                    .put("role", roles.get(key))
                    .put("capacity", 5)
                    .put(
                            "replicationState",
                            updating ? "Updating" : roles.get(key).equals("AsyncReplica") ? "Active" : (String) null);
            if (sources.containsKey(key)) {
                properties.put("sourceServerResourceId", sources.get(key));
            }
            return body;
        }
    }
}
