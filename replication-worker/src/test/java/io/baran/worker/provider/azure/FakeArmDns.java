package io.baran.worker.provider.azure;

import static io.baran.worker.provider.azure.FakeArm.Answer;
import static io.baran.worker.provider.azure.FakeArm.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import io.baran.worker.provider.RecordState;
import io.baran.worker.provider.RecordType;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure DNS zones and record sets (Record Sets - Get / Create Or Update / Delete, 2018-05-01): each record set
 * has an etag that changes with every write; {@code If-Match} and {@code If-None-Match: *} are honoured (412
 * PreconditionFailed otherwise). A PUT must carry {@code properties.TTL} and exactly the record array of its
 * type, in the documented field names. A zone's GET reports {@code numberOfRecordSets} (its SOA and NS and every record
 * set the fake holds) and {@code maxNumberOfRecordSets} (Azure's default of 10,000 unless the test sets another).
 */
final class FakeArmDns implements FakeArm.Resources {

    private static final Pattern ROUTE = Pattern.compile("/subscriptions/" + FakeArm.SUBSCRIPTION
            + "/resourceGroups/([^/]+)/providers/Microsoft\\.Network/dnsZones/([^/]+)(?:/([A-Za-z]+)/([^/]+))?");
    private static final Map<String, String> ARRAYS =
            Map.of("A", "ARecords", "AAAA", "AAAARecords", "CNAME", "CNAMERecord", "TXT", "TXTRecords");

    private record Entry(ObjectNode properties, String etag) {}

    private final FakeArm arm;
    /** Runs once before the next write is handled: a person changing the record set between Baran's read and write. */
    volatile Runnable beforeNextWrite;

    private final Set<String> zones = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> maxRecordSets = new ConcurrentHashMap<>();
    private final Map<String, Entry> records = new ConcurrentHashMap<>();

    FakeArmDns(FakeArm arm) {
        this.arm = arm;
    }

    @Override
    public String apiVersion() {
        return "2018-05-01";
    }

    @Override
    public Pattern route() {
        return ROUTE;
    }

    void addZone(String resourceGroup, String zone) {
        zones.add(resourceGroup + "/" + zone);
    }

    /** The zone's {@code maxNumberOfRecordSets}, as a quota increase would set it. */
    void maxRecordSets(String resourceGroup, String zone, long max) {
        maxRecordSets.put(resourceGroup + "/" + zone, max);
    }

    /** Sets a record set as a person would in the portal: no condition, a new etag. */
    void set(String resourceGroup, String zone, String type, String relativeName, RecordState state) {
        String key = key(resourceGroup, zone, type, relativeName);
        if (!state.exists()) {
            records.remove(key);
            return;
        }
        ObjectNode properties =
                (ObjectNode) AzureDns.body(RecordType.valueOf(type), state).path("properties");
        records.put(key, new Entry(properties, UUID.randomUUID().toString()));
    }

    /** The record set as Azure holds it, converted to Baran's form by the adapter's own documented mapping. */
    RecordState get(String resourceGroup, String zone, String type, String relativeName) {
        Entry entry = records.get(key(resourceGroup, zone, type, relativeName));
        return entry == null
                ? RecordState.absent()
                : RecordState.present(
                        AzureDns.values(entry.properties(), RecordType.valueOf(type)),
                        entry.properties().path("TTL").asLong());
    }

    ObjectNode raw(String resourceGroup, String zone, String type, String relativeName) {
        Entry entry = records.get(key(resourceGroup, zone, type, relativeName));
        return entry == null ? null : entry.properties();
    }

    /** An alias record set, pointing at an Azure resource instead of holding records. */
    void setAlias(String resourceGroup, String zone, String type, String relativeName, String targetId) {
        ObjectNode properties = JSON.createObjectNode().put("TTL", 60);
        properties.putObject("targetResource").put("id", targetId);
        records.put(
                key(resourceGroup, zone, type, relativeName),
                new Entry(properties, UUID.randomUUID().toString()));
    }

    private static String key(String resourceGroup, String zone, String type, String name) {
        return resourceGroup + "/" + zone + "/" + type + "/" + name;
    }

    @Override
    public FakeArm.Answer handle(String method, Matcher path, Request request) {
        String rg = path.group(1);
        String zone = path.group(2);
        if (!zones.contains(rg + "/" + zone)) {
            return Answer.error(
                    404,
                    "ResourceNotFound",
                    "The Resource 'Microsoft.Network/dnszones/" + zone + "' under resource group '" + rg
                            + "' was not found.");
        }
        if (path.group(3) == null) {
            return method.equals("GET")
                    ? Answer.of(
                            200,
                            zoneBody(
                                    rg,
                                    zone,
                                    recordSets(rg, zone),
                                    maxRecordSets.getOrDefault(rg + "/" + zone, 10_000L)))
                    : Answer.error(405, "MethodNotAllowed", method);
        }
        String type = path.group(3);
        String name = path.group(4);
        if (!ARRAYS.containsKey(type)) {
            return Answer.error(400, "BadRequest", "The fake serves record types A, AAAA, CNAME and TXT, not " + type);
        }
        String key = key(rg, zone, type, name);
        Runnable meanwhile = beforeNextWrite;
        if (meanwhile != null && !method.equals("GET")) {
            beforeNextWrite = null;
            meanwhile.run();
        }
        Entry current = records.get(key);
        String ifMatch = request.getHeader("If-Match");
        String ifNoneMatch = request.getHeader("If-None-Match");
        switch (method) {
            case "GET":
                return current == null
                        ? Answer.error(
                                404,
                                "NotFound",
                                "The resource record '" + name + "' does not exist in " + "resource group '" + rg
                                        + "' of subscription '" + FakeArm.SUBSCRIPTION + "'.")
                        : Answer.of(200, recordBody(rg, zone, type, name, current));
            case "PUT":
                if (ifMatch != null && (current == null || !ifMatch.equals(current.etag()))
                        || "*".equals(ifNoneMatch) && current != null) {
                    return Answer.error(
                            412,
                            "PreconditionFailed",
                            "The condition '" + (ifMatch != null ? "If-Match: " + ifMatch : "If-None-Match: *")
                                    + "' in the request was not satisfied.");
                }
                String problem = problem(type, FakeArm.body(request));
                if (problem != null) {
                    return Answer.error(400, "BadRequest", problem);
                }
                Entry written = new Entry(
                        (ObjectNode) FakeArm.body(request).path("properties").deepCopy(),
                        UUID.randomUUID().toString());
                records.put(key, written);
                return Answer.of(current == null ? 201 : 200, recordBody(rg, zone, type, name, written));
            case "DELETE":
                if (current == null) {
                    return Answer.of(204, null);
                }
                if (ifMatch != null && !ifMatch.equals(current.etag())) {
                    return Answer.error(
                            412, "PreconditionFailed", "The condition 'If-Match: " + ifMatch + "' was not satisfied.");
                }
                records.remove(key);
                return Answer.of(200, null);
            default:
                return Answer.error(405, "MethodNotAllowed", method);
        }
    }

    /** Why the body is not a documented record set of this type, or null. */
    private static String problem(String type, JsonNode body) {
        JsonNode properties = body.path("properties");
        if (!properties.path("TTL").isIntegralNumber()) {
            return "properties.TTL is required and must be a number";
        }
        for (String field : ARRAYS.values()) {
            if (properties.has(field) != field.equals(ARRAYS.get(type))) {
                return "a " + type + " record set holds " + ARRAYS.get(type) + " only, not " + field;
            }
        }
        JsonNode records = properties.path(ARRAYS.get(type));
        boolean ok = switch (type) {
            case "A" -> records.isArray() && !records.isEmpty() && allHave(records, "ipv4Address");
            case "AAAA" -> records.isArray() && !records.isEmpty() && allHave(records, "ipv6Address");
            case "CNAME" -> records.path("cname").isTextual();
            default -> records.isArray() && !records.isEmpty() && allTxt(records);
        };
        return ok ? null : "properties." + ARRAYS.get(type) + " is not in the documented shape: " + records;
    }

    private static boolean allHave(JsonNode records, String field) {
        for (JsonNode r : records) {
            if (!r.path(field).isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allTxt(JsonNode records) {
        for (JsonNode r : records) {
            if (!r.path("value").isArray()) {
                return false;
            }
            for (JsonNode s : r.path("value")) {
                if (!s.isTextual() || s.asText().length() > 255) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The zone's record sets as Azure counts them: its SOA and NS, and every one held. */
    long recordSets(String rg, String zone) {
        String prefix = rg + "/" + zone + "/";
        return 2 + records.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }

    private static ObjectNode zoneBody(String rg, String zone, long recordSets, long maxRecordSets) {
        ObjectNode body = JSON.createObjectNode()
                .put("id", FakeArm.group(rg, "Microsoft.Network/dnszones/" + zone))
                .put("name", zone)
                .put("type", "Microsoft.Network/dnszones")
                .put("location", "global")
                .put("etag", "00000002-0000-0000-76c2-f7ad90b5d101");
        body.putObject("properties")
                .put("zoneType", "Public")
                .put("maxNumberOfRecordSets", maxRecordSets)
                .put("maxNumberOfRecordsPerRecordSet", 20)
                .put("numberOfRecordSets", recordSets);
        return body;
    }

    private static ObjectNode recordBody(String rg, String zone, String type, String name, Entry entry) {
        ObjectNode body = JSON.createObjectNode()
                .put("id", FakeArm.group(rg, "Microsoft.Network/dnszones/" + zone + "/" + type + "/" + name))
                .put("name", name)
                .put("type", "Microsoft.Network/dnszones/" + type)
                .put("etag", entry.etag());
        ObjectNode properties = entry.properties().deepCopy();
        properties
                .put("fqdn", (name.equals("@") ? "" : name + ".") + zone + ".")
                .put("provisioningState", "Succeeded");
        body.set("properties", properties);
        return body;
    }
}
