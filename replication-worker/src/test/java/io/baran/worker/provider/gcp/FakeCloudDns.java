package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cloud DNS v1 as documented: managedZones.list, resourceRecordSets.list, changes.create and changes.get. A
 * change is checked whole and applied atomically: a deletion that does not match the record set exactly is
 * refused (412 conditionNotMet), an addition of a record set that exists is refused (409 alreadyExists). A
 * new change is {@code pending} until it has been read {@link #pendingReads} times, then {@code done}.
 */
final class FakeCloudDns {

    /** managed zone name -> its dnsName. */
    private final Map<String, String> zones = new HashMap<>();
    /** managed zone name -> "name type" -> record set. */
    private final Map<String, Map<String, ObjectNode>> records = new HashMap<>();

    private final Map<String, ObjectNode> changes = new HashMap<>();
    private final Map<String, Integer> reads = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    volatile int pendingReads = 1;
    /** Run between a changes.create arriving and being checked: someone else's change made meanwhile. */
    volatile Runnable beforeNextChange;

    /** The most record sets one accepted change added, and deleted. */
    volatile int mostAdditions;

    volatile int mostDeletions;

    synchronized void addZone(String name, String dnsName) {
        zones.put(name, dnsName);
        records.putIfAbsent(name, new HashMap<>());
    }

    synchronized void put(String zone, String fqdn, String type, long ttl, List<String> values) {
        records.get(zone).put(fqdn + " " + type, recordSet(fqdn, type, ttl, values));
    }

    synchronized ObjectNode get(String zone, String fqdn, String type) {
        return records.get(zone).get(fqdn + " " + type);
    }

    private static ObjectNode recordSet(String fqdn, String type, long ttl, List<String> values) {
        ObjectNode set = Answer.JSON.createObjectNode();
        set.put("kind", "dns#resourceRecordSet");
        set.put("name", fqdn);
        set.put("type", type);
        set.put("ttl", ttl);
        ArrayNode rrdatas = set.putArray("rrdatas");
        values.forEach(rrdatas::add);
        return set;
    }

    synchronized Answer listZones(String dnsName) {
        ObjectNode body = Answer.JSON.createObjectNode();
        body.put("kind", "dns#managedZonesListResponse");
        ArrayNode list = body.putArray("managedZones");
        zones.forEach((name, zoneDns) -> {
            if (dnsName == null || dnsName.equals(zoneDns)) {
                list.addObject()
                        .put("kind", "dns#managedZone")
                        .put("name", name)
                        .put("dnsName", zoneDns)
                        .put("id", String.valueOf(Math.abs(name.hashCode())))
                        .put("visibility", "public");
            }
        });
        return Answer.ok(body);
    }

    synchronized Answer listRecords(String zone, String name, String type) {
        if (!zones.containsKey(zone)) {
            return Answer.error(
                    404, "notFound", "The 'parameters.managedZone' resource named '" + zone + "' does not exist.");
        }
        if (type != null && name == null) {
            return Answer.invalid("type filter requires a name filter");
        }
        ObjectNode body = Answer.JSON.createObjectNode();
        body.put("kind", "dns#resourceRecordSetsListResponse");
        ArrayNode list = body.putArray("rrsets");
        records.get(zone).values().stream()
                .filter(s -> name == null || s.path("name").asText().equals(name))
                .filter(s -> type == null || s.path("type").asText().equals(type))
                .forEach(list::add);
        return Answer.ok(body);
    }

    Answer createChange(String zone, JsonNode change) {
        Runnable meanwhile = beforeNextChange;
        beforeNextChange = null;
        if (meanwhile != null) {
            meanwhile.run();
        }
        synchronized (this) {
            if (!zones.containsKey(zone)) {
                return Answer.error(
                        404, "notFound", "The 'parameters.managedZone' resource named '" + zone + "' does not exist.");
            }
            String problem = shapeProblem(zone, change);
            if (problem != null) {
                return Answer.invalid(problem);
            }
            Map<String, ObjectNode> zoneRecords = new HashMap<>(records.get(zone));
            for (JsonNode deletion : change.path("deletions")) {
                ObjectNode existing = zoneRecords.get(key(deletion));
                if (existing == null || !sameRecordSet(existing, deletion)) {
                    return Answer.error(
                            412,
                            "conditionNotMet",
                            "Precondition not met for 'entity.change.deletions[" + key(deletion) + "]'");
                }
                zoneRecords.remove(key(deletion));
            }
            for (JsonNode addition : change.path("additions")) {
                if (zoneRecords.containsKey(key(addition))) {
                    return Answer.error(
                            409,
                            "alreadyExists",
                            "The resource 'entity.change.additions[" + key(addition) + "]' already exists");
                }
                zoneRecords.put(key(addition), addition.deepCopy());
            }
            records.put(zone, zoneRecords);
            mostAdditions = Math.max(mostAdditions, change.path("additions").size());
            mostDeletions = Math.max(mostDeletions, change.path("deletions").size());
            ObjectNode created = ((ObjectNode) change.deepCopy());
            String id = String.valueOf(ids.incrementAndGet());
            created.put("kind", "dns#change")
                    .put("id", id)
                    .put("status", "pending")
                    .put("startTime", "2026-11-22T00:00:00Z");
            changes.put(zone + "/" + id, created);
            return Answer.ok(created);
        }
    }

    synchronized Answer getChange(String zone, String id) {
        ObjectNode change = changes.get(zone + "/" + id);
        if (change == null) {
            return Answer.error(
                    404, "notFound", "The 'parameters.changeId' resource named '" + id + "' does not exist.");
        }
        int n = reads.merge(zone + "/" + id, 1, Integer::sum);
        if (n >= pendingReads) {
            change.put("status", "done");
        }
        return Answer.ok(change);
    }

    /** Fields Cloud DNS requires of every record set in a change, and names inside the zone. */
    private String shapeProblem(String zone, JsonNode change) {
        if (!change.isObject() || (!change.has("additions") && !change.has("deletions"))) {
            return "a change needs additions or deletions";
        }
        List<JsonNode> sets = new ArrayList<>();
        change.path("additions").forEach(sets::add);
        change.path("deletions").forEach(sets::add);
        if (sets.isEmpty()) {
            return "The change is empty";
        }
        for (JsonNode set : sets) {
            String name = set.path("name").asText("");
            if (!name.endsWith(".") || !(name.equals(zones.get(zone)) || name.endsWith("." + zones.get(zone)))) {
                return "Invalid value for 'entity.change.additions[].name': '" + name + "'";
            }
            if (!set.path("type").isTextual()
                    || !set.path("ttl").canConvertToLong()
                    || !set.path("rrdatas").isArray()
                    || set.path("rrdatas").isEmpty()) {
                return "record set " + name + " needs type, ttl and rrdatas";
            }
        }
        return null;
    }

    private static String key(JsonNode set) {
        return set.path("name").asText() + " " + set.path("type").asText();
    }

    private static boolean sameRecordSet(JsonNode a, JsonNode b) {
        return a.path("ttl").asLong() == b.path("ttl").asLong() && texts(a).equals(texts(b));
    }

    private static TreeSet<String> texts(JsonNode set) {
        TreeSet<String> values = new TreeSet<>();
        set.path("rrdatas").forEach(v -> values.add(v.asText()));
        return values;
    }
}
