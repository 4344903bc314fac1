package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.RecordState;
import io.baran.worker.provider.RecordType;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Record sets in Google Cloud DNS, changed through change sets. A change that replaces a record set deletes
 * the record set exactly as it was read and adds the new one in one change, which Cloud DNS applies
 * atomically and only when the deletion still matches the zone: a record set changed by someone else in
 * between makes Cloud DNS refuse the change (HTTP 412), and the step fails PlanUnsafe, changing nothing.
 */
public final class CloudDns extends GcpService implements DnsProvider {

    private static final Logger LOG = Logger.getLogger(CloudDns.class);
    static final String SERVICE = "Cloud DNS";
    /** Cloud DNS's API is global; its record sets are served from Google's anycast name servers. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("gcp/global", "dns", "Cloud DNS");

    private static final Duration MAX_POLL = Duration.ofSeconds(1);

    private final Duration syncTimeout;
    private final Heartbeat heartbeat;

    CloudDns(GcpApi api, Duration syncTimeout, Heartbeat heartbeat) {
        super(api, CONTROL_PLANE);
        this.syncTimeout = syncTimeout;
        this.heartbeat = heartbeat;
    }

    private String base() {
        return api.base("dns.googleapis.com", "/dns/v1");
    }

    @Override
    public DnsZone zone(String fqdn) {
        JsonNode listed = api.get(
                SERVICE, "managedZones.list", "zone " + fqdn, base() + "/managedZones?dnsName=" + GcpApi.encode(fqdn));
        List<String> matches = new ArrayList<>();
        for (JsonNode zone : listed.path("managedZones")) {
            if (zone.path("dnsName").asText().equalsIgnoreCase(fqdn)) {
                matches.add(zone.path("name").asText());
            }
        }
        if (matches.isEmpty()) {
            throw Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    "provider " + name() + " (Cloud DNS) has no managed zone " + fqdn + " in project " + api.project());
        }
        if (matches.size() > 1) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    "provider " + name() + " (Cloud DNS) holds " + matches.size()
                            + " managed zones named " + fqdn + " (" + String.join(", ", matches)
                            + "); dns.switch cannot yet tell which one to change");
        }
        return new DnsZone(matches.get(0), fqdn);
    }

    @Override
    public RecordState observe(DnsZone zone, String fqdn, RecordType type) {
        return state(read(zone, fqdn, type));
    }

    private static RecordState state(JsonNode set) {
        return set == null
                ? RecordState.absent()
                : RecordState.present(
                        texts(set.path("rrdatas")), set.path("ttl").asLong());
    }

    /** The record set as Cloud DNS lists it, or null when absent; refused when it uses a routing policy. */
    private JsonNode read(DnsZone zone, String fqdn, RecordType type) {
        String what = what(zone, fqdn, type);
        JsonNode listed = api.get(
                SERVICE,
                "resourceRecordSets.list",
                what,
                base() + "/managedZones/" + GcpApi.encode(zone.id()) + "/rrsets?name=" + GcpApi.encode(fqdn) + "&type="
                        + type.name());
        for (JsonNode set : listed.path("rrsets")) {
            if (set.path("name").asText().equalsIgnoreCase(fqdn)
                    && type.name().equals(set.path("type").asText())) {
                if (set.has("routingPolicy")) {
                    throw Failures.of(
                            FailureTypes.CAPABILITY_MISSING,
                            what + " of provider " + name()
                                    + " uses a routing policy; dns.switch changes simple records only");
                }
                return set;
            }
        }
        return null;
    }

    @Override
    public void replace(DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired) {
        String what = what(zone, fqdn, type);
        JsonNode current = read(zone, fqdn, type);
        RecordState now = state(current);
        if (now.sameAs(desired, type)) {
            return;
        }
        if (!now.sameAs(expected, type)) {
            throw changedMeanwhile(what, now.describe(), expected.describe());
        }
        ObjectNode change = api.object();
        ArrayNode deletions = change.putArray("deletions");
        ArrayNode additions = change.putArray("additions");
        if (current != null) {
            // Exactly as listed: Cloud DNS applies the change only if the zone still holds this record set.
            deletions.add(recordSet(fqdn, type, current.path("ttl").asLong(), texts(current.path("rrdatas"))));
        }
        if (desired.exists()) {
            additions.add(recordSet(fqdn, type, desired.ttl(), desired.values()));
        }
        JsonNode created;
        try {
            created = api.conditional(
                    SERVICE,
                    "changes.create",
                    what,
                    "POST",
                    base() + "/managedZones/" + GcpApi.encode(zone.id()) + "/changes",
                    change);
        } catch (GcpApi.Conflict e) {
            throw changedMeanwhile(
                    what, "different (Cloud DNS refused the change: " + e.getMessage() + ")", expected.describe());
        }
        String id = created.path("id").asText();
        LOG.infof(
                "provider %s: %s %s -> %s, Cloud DNS change %s", name(), what, now.describe(), desired.describe(), id);
        String changeUrl = base() + "/managedZones/" + GcpApi.encode(zone.id()) + "/changes/" + GcpApi.encode(id);
        Polling.await(
                name(),
                "Cloud DNS change " + id + " of " + what,
                "done",
                created.path("status").asText(),
                () -> api.get(SERVICE, "changes.get", "change " + id + " of " + what, changeUrl)
                        .path("status")
                        .asText(),
                syncTimeout,
                MAX_POLL,
                heartbeat);
    }

    private ObjectNode recordSet(String fqdn, RecordType type, long ttl, List<String> values) {
        ObjectNode set = api.object();
        set.put("kind", "dns#resourceRecordSet");
        set.put("name", fqdn);
        set.put("type", type.name());
        set.put("ttl", ttl);
        ArrayNode rrdatas = set.putArray("rrdatas");
        values.forEach(rrdatas::add);
        return set;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private RuntimeException changedMeanwhile(String what, String now, String expected) {
        return Failures.of(
                FailureTypes.PLAN_UNSAFE,
                what + " of provider " + name() + " is now " + now + ", not " + expected
                        + " as planned: it was changed by someone else since");
    }

    private static String what(DnsZone zone, String fqdn, RecordType type) {
        return fqdn + " " + type + " in zone " + zone.name();
    }
}
