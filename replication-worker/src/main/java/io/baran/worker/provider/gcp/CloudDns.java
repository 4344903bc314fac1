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
import io.baran.worker.provider.ZoneBatcher;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Record sets in Google Cloud DNS, changed through change sets. A change that replaces a record set deletes
 * the record set exactly as it was read and adds the new one in one change, which Cloud DNS applies
 * atomically and only when the deletion still matches the zone: a record set changed by someone else in
 * between makes Cloud DNS refuse the change (HTTP 412), and the step fails PlanUnsafe, changing nothing.
 *
 * <p>Changes to one zone from every step and execution of this worker are <b>coalesced</b> ({@link ZoneBatcher}, as
 * for Route 53): serialized, each record set checked just before its change set is sent, and sent together in as few
 * {@code changes.create} calls as Cloud DNS's per-change quotas allow. A change set refused as a whole (one record set
 * changed by someone else: 412; one added meanwhile: 409) is split in halves down to the one record set at fault.
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
        // Queued with every other change to the zone of this worker; checked just before its change set is sent.
        batcher(zone)
                .run(
                        fqdn.toLowerCase(java.util.Locale.ROOT) + " " + type.name(),
                        () -> prepare(zone, fqdn, type, expected, desired),
                        heartbeat,
                        what + " (provider " + name() + ")",
                        // Change sets queued ahead each take up to a sync timeout; the budget paces their reads.
                        syncTimeout.multipliedBy(3).plusSeconds(30));
    }

    /**
     * One record set's part of a change set: its deletion exactly as listed (Cloud DNS applies the change only if the
     * zone still holds it) and its addition; none when the record already is as desired.
     */
    private List<Change> prepare(
            DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired) {
        String what = what(zone, fqdn, type);
        JsonNode current = read(zone, fqdn, type);
        RecordState now = state(current);
        if (now.sameAs(desired, type)) {
            return List.of();
        }
        if (!now.sameAs(expected, type)) {
            throw changedMeanwhile(what, now.describe(), expected.describe());
        }
        ObjectNode deletion = current == null
                ? null
                : recordSet(fqdn, type, current.path("ttl").asLong(), texts(current.path("rrdatas")));
        ObjectNode addition = desired.exists() ? recordSet(fqdn, type, desired.ttl(), desired.values()) : null;
        LOG.debugf("provider %s: %s %s -> %s, queued", name(), what, now.describe(), desired.describe());
        return List.of(new Change(what, deletion, addition));
    }

    /** One record set's deletion and addition (either may be absent) within a change set. */
    record Change(String what, ObjectNode deletion, ObjectNode addition) {
        int rrdataBytes() {
            int bytes = 0;
            for (ObjectNode set : java.util.Arrays.asList(deletion, addition)) {
                if (set != null) {
                    for (JsonNode v : set.path("rrdatas")) {
                        bytes += v.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    }
                }
            }
            return bytes;
        }
    }

    /**
     * Cloud DNS's default quotas per change set, as {@code projects.get} reports them: 100 record sets added
     * ({@code rrsetAdditionsPerChange}), 100 deleted ({@code rrsetDeletionsPerChange}), 10,000 bytes of record data
     * ({@code totalRrdataSizePerChange}). A {@link Change} adds and deletes at most one record set each.
     */
    static final int MAX_RRSETS_PER_CHANGE = 100;

    static final int MAX_RRDATA_BYTES_PER_CHANGE = 10_000;
    /** How long the first change to a zone waits for the changes of other steps, to send them in one change set. */
    static final Duration BATCH_WINDOW = Duration.ofMillis(50);
    /** One batcher per zone (as reached through its endpoint and project), shared by every step of this worker. */
    private static final ConcurrentHashMap<String, ZoneBatcher<Change, Void>> BATCHERS = new ConcurrentHashMap<>();

    private static final ExecutorService BATCHES = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "cloud-dns-change-sets");
        thread.setDaemon(true);
        return thread;
    });

    private ZoneBatcher<Change, Void> batcher(DnsZone zone) {
        String changesUrl = base() + "/managedZones/" + GcpApi.encode(zone.id()) + "/changes";
        return BATCHERS.computeIfAbsent(
                changesUrl,
                k -> new ZoneBatcher<>(
                        new ZoneBatcher.Zone<>() {
                            @Override
                            public String submit(List<Change> changes) {
                                return CloudDns.this.submit(zone, changesUrl, changes);
                            }

                            @Override
                            public void awaitInSync(String changeId) {
                                CloudDns.this.awaitDone(zone, changesUrl, changeId);
                            }

                            @Override
                            public int characters(Change change) {
                                return change.rrdataBytes();
                            }

                            @Override
                            public int maxChanges() {
                                return MAX_RRSETS_PER_CHANGE;
                            }

                            @Override
                            public int maxCharacters() {
                                return MAX_RRDATA_BYTES_PER_CHANGE;
                            }
                        },
                        BATCH_WINDOW,
                        BATCHES));
    }

    /** Sends the record sets' deletions and additions as one change set, which Cloud DNS applies atomically. */
    private String submit(DnsZone zone, String changesUrl, List<Change> changes) {
        String what =
                changes.size() == 1 ? changes.get(0).what() : changes.size() + " record sets in zone " + zone.name();
        ObjectNode change = api.object();
        ArrayNode deletions = change.putArray("deletions");
        ArrayNode additions = change.putArray("additions");
        for (Change c : changes) {
            if (c.deletion() != null) {
                deletions.add(c.deletion());
            }
            if (c.addition() != null) {
                additions.add(c.addition());
            }
        }
        JsonNode created;
        try {
            created = api.conditional(SERVICE, "changes.create", what, "POST", changesUrl, change);
        } catch (GcpApi.Conflict e) {
            // Refused as a whole: the batcher splits a change set of several record sets, so only the one someone else
            // changed fails.
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    what + " of provider " + name() + " is no longer as this step read it (Cloud DNS refused the "
                            + "change: " + e.getMessage() + "): it was changed by someone else since");
        }
        String id = created.path("id").asText();
        LOG.infof(
                "provider %s: %s, Cloud DNS change %s (%d deletion(s), %d addition(s))",
                name(), what, id, deletions.size(), additions.size());
        if (!"done".equals(created.path("status").asText())) {
            pendingStatus.put(changesUrl + "/" + id, created.path("status").asText());
        }
        return id;
    }

    /** The status changes.create answered, for the first poll of {@link #awaitDone}. */
    private final Map<String, String> pendingStatus = new ConcurrentHashMap<>();

    private void awaitDone(DnsZone zone, String changesUrl, String id) {
        String first = pendingStatus.remove(changesUrl + "/" + id);
        String what = "Cloud DNS change " + id + " to zone " + zone.name();
        String changeUrl = changesUrl + "/" + GcpApi.encode(id);
        Polling.await(
                name(),
                what,
                "done",
                first == null ? "done" : first,
                () -> api.get(SERVICE, "changes.get", what, changeUrl)
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
