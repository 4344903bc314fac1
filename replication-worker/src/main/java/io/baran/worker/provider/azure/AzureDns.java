package io.baran.worker.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.worker.Failures;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DnsProvider;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.Quota;
import io.baran.worker.provider.RecordState;
import io.baran.worker.provider.RecordType;
import io.baran.workflow.FailureTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * DNS through Azure DNS record sets (API 2018-05-01). Every change is conditional at Azure itself: an
 * update carries the etag of the record set it was planned from ({@code If-Match}), a creation
 * {@code If-None-Match: *}, a deletion {@code If-Match}; a record set changed by someone in between is
 * refused (412) and never overwritten. Alias record sets (a {@code targetResource}) are refused.
 */
public final class AzureDns extends ArmService implements DnsProvider {

    static final String API = "2018-05-01";
    /** Azure Resource Manager is one global endpoint, whatever region the zone's name servers answer from. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("azure/global", "dns", "Azure DNS");

    private static final Logger LOG = Logger.getLogger(AzureDns.class);

    AzureDns(Arm arm, String resourceGroup) {
        super(arm, resourceGroup, CONTROL_PLANE);
    }

    @Override
    public DnsZone zone(String fqdn) {
        String zone = fqdn.endsWith(".") ? fqdn.substring(0, fqdn.length() - 1) : fqdn;
        String path = arm.resource(resourceGroup, "Microsoft.Network/dnsZones", zone);
        arm.read(
                path,
                API,
                where("Get zone", "zone " + fqdn + " in resource group " + resourceGroup),
                "provider " + name() + " (Azure DNS) has no DNS zone " + fqdn + " in resource group " + resourceGroup
                        + " of its subscription");
        return new DnsZone(path, fqdn.endsWith(".") ? fqdn : fqdn + ".");
    }

    /**
     * The zone's {@code numberOfRecordSets} and {@code maxNumberOfRecordSets} (10,000 by default), as the zone's own GET
     * reports them: the same call and permission as finding the zone. Empty when the answer lacks either.
     */
    @Override
    public Optional<Quota> recordSetQuota(DnsZone zone) {
        JsonNode properties = arm.read(
                        zone.id(),
                        API,
                        where("Get zone", "zone " + zone.name() + " in resource group " + resourceGroup),
                        "provider " + name() + " (Azure DNS) has no DNS zone " + zone.name() + " in resource group "
                                + resourceGroup + " of its subscription")
                .path("properties");
        JsonNode used = properties.path("numberOfRecordSets");
        JsonNode max = properties.path("maxNumberOfRecordSets");
        if (!used.canConvertToLong() || !max.canConvertToLong()) {
            return Optional.empty();
        }
        return Optional.of(new Quota(
                "record sets in DNS zone " + zone.name() + " (resource group " + resourceGroup
                        + ", maxNumberOfRecordSets)",
                used.asLong(),
                max.asLong()));
    }

    @Override
    public RecordState observe(DnsZone zone, String fqdn, RecordType type) {
        return read(zone, fqdn, type).state();
    }

    /**
     * A record set as read, with the etag a conditional change must carry (null when absent) and its {@code metadata}
     * (null when none), which a change keeps: a PUT replaces the whole record set.
     */
    private record Read(RecordState state, String etag, JsonNode metadata) {}

    private Read read(DnsZone zone, String fqdn, RecordType type) {
        String what = fqdn + " " + type + " in zone " + zone.name();
        String where = where("Get record set", what);
        ArmResponse response = arm.send("GET", recordPath(zone, fqdn, type), API, null, Map.of(), where);
        if (response.status() == 404) {
            return new Read(RecordState.absent(), null, null);
        }
        JsonNode set = arm.ok(response, where);
        JsonNode properties = set.path("properties");
        if (properties.hasNonNull("targetResource")
                && properties.path("targetResource").hasNonNull("id")) {
            throw Failures.of(
                    FailureTypes.CAPABILITY_MISSING,
                    what + " of provider " + name() + " is an alias record set (to "
                            + properties.path("targetResource").path("id").asText()
                            + "); dns.switch changes simple records only");
        }
        List<String> values = values(properties, type);
        JsonNode metadata = properties.hasNonNull("metadata") ? properties.path("metadata") : null;
        if (values.isEmpty()) {
            // A record set with no records of its type serves nothing: to a runbook it is absent, but it has an etag.
            return new Read(RecordState.absent(), set.path("etag").asText(null), metadata);
        }
        return new Read(
                RecordState.present(values, properties.path("TTL").asLong()),
                set.path("etag").asText(null),
                metadata);
    }

    /**
     * PUT with {@code If-Match} (or {@code If-None-Match: *} to create), or DELETE with {@code If-Match}, after
     * checking the record set is still as planned; 412 means it changed between this read and the write.
     */
    @Override
    public void replace(DnsZone zone, String fqdn, RecordType type, RecordState expected, RecordState desired) {
        String what = fqdn + " " + type + " in zone " + zone.name();
        Read current = read(zone, fqdn, type);
        if (current.state().sameAs(desired, type)) {
            return;
        }
        if (!current.state().sameAs(expected, type)) {
            throw Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    what + " of provider " + name() + " is now "
                            + current.state().describe() + ", not " + expected.describe()
                            + " as planned: it was changed by someone else since");
        }
        Map<String, String> condition =
                current.etag() == null ? Map.of("If-None-Match", "*") : Map.of("If-Match", current.etag());
        if (desired.exists()) {
            String where = where("CreateOrUpdate record set", what);
            arm.ok(
                    arm.send(
                            "PUT",
                            recordPath(zone, fqdn, type),
                            API,
                            body(type, desired, current.metadata()),
                            condition,
                            where),
                    where);
            LOG.infof("provider %s: Azure DNS %s -> %s (ttl %d)", name(), what, desired.values(), desired.ttl());
        } else {
            String where = where("Delete record set", what);
            arm.ok(arm.send("DELETE", recordPath(zone, fqdn, type), API, null, condition, where), where);
            LOG.infof("provider %s: Azure DNS %s deleted", name(), what);
        }
    }

    private String recordPath(DnsZone zone, String fqdn, RecordType type) {
        return zone.id() + "/" + type.name() + "/" + Arm.segment(relative(fqdn, zone.name()));
    }

    /** Azure names record sets relative to the zone; the apex is {@code @}. */
    static String relative(String fqdn, String zone) {
        String name = fqdn.toLowerCase(Locale.ROOT);
        String apex = zone.toLowerCase(Locale.ROOT);
        if (name.equals(apex)) {
            return "@";
        }
        return fqdn.substring(0, fqdn.length() - apex.length() - 1);
    }

    /** The record set's values in the form Baran compares them: CNAME with its trailing dot, TXT quoted. */
    static List<String> values(JsonNode properties, RecordType type) {
        List<String> values = new ArrayList<>();
        switch (type) {
            case A ->
                properties
                        .path("ARecords")
                        .forEach(r -> values.add(r.path("ipv4Address").asText()));
            case AAAA ->
                properties
                        .path("AAAARecords")
                        .forEach(r -> values.add(r.path("ipv6Address").asText()));
            case CNAME -> {
                String cname = properties.path("CNAMERecord").path("cname").asText("");
                if (!cname.isEmpty()) {
                    values.add(cname.endsWith(".") ? cname : cname + ".");
                }
            }
            case TXT -> properties.path("TXTRecords").forEach(r -> values.add(TxtStrings.quote(r.path("value"))));
        }
        return values;
    }

    /** The documented request body of Record Sets - Create Or Update for one simple record set. */
    static ObjectNode body(RecordType type, RecordState desired) {
        return body(type, desired, null);
    }

    /** {@link #body(RecordType, RecordState)} keeping the record set's {@code metadata} (null: none). */
    static ObjectNode body(RecordType type, RecordState desired, JsonNode metadata) {
        ObjectNode body = Arm.json().createObjectNode();
        ObjectNode properties = body.putObject("properties");
        if (metadata != null) {
            properties.set("metadata", metadata.deepCopy());
        }
        properties.put("TTL", desired.ttl());
        switch (type) {
            case A -> {
                ArrayNode records = properties.putArray("ARecords");
                desired.values().forEach(v -> records.addObject().put("ipv4Address", v.trim()));
            }
            case AAAA -> {
                ArrayNode records = properties.putArray("AAAARecords");
                desired.values().forEach(v -> records.addObject().put("ipv6Address", v.trim()));
            }
            case CNAME ->
                properties
                        .putObject("CNAMERecord")
                        .put("cname", RecordType.CNAME.toWire(desired.values().get(0)));
            case TXT -> {
                ArrayNode records = properties.putArray("TXTRecords");
                desired.values()
                        .forEach(v -> TxtStrings.unquote(v)
                                .forEach(records.addObject().putArray("value")::add));
            }
        }
        return body;
    }
}
