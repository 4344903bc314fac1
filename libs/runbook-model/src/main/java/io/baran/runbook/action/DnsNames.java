package io.baran.runbook.action;

import io.baran.runbook.WithBlock;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code zone} and {@code record} fields every DNS action reads the same way: a record is relative to
 * the zone ({@code www}), fully qualified ({@code www.example.com} or {@code www.example.com.}), or the apex
 * ({@code @}), and must lie inside the zone. Names are compared and passed on fully qualified, in lower case,
 * with their trailing dot.
 */
public final class DnsNames {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_*-]+(\\.[a-z0-9_*-]+)*\\.?");

    private DnsNames() {}

    /** Reports a zone or record that is not a DNS name, and a record outside its zone. */
    static void check(Map<String, Object> values, WithBlock with) {
        String zone = values.get("zone") instanceof String z ? z.toLowerCase(Locale.ROOT) : null;
        boolean zoneValid =
                zone != null && NAME.matcher(zone).matches() && !zoneFqdn(zone).equals(".");
        if (zone != null && !zoneValid) {
            with.error("zone", "\"" + values.get("zone") + "\" is not a zone name");
        }
        if (!(values.get("record") instanceof String record)) {
            return;
        }
        if (!"@".equals(record)
                && !NAME.matcher(record.toLowerCase(Locale.ROOT)).matches()) {
            with.error("record", "\"" + record + "\" is not a record name");
        } else if (zoneValid) {
            String fqdn = recordFqdn(record, zone);
            String zoneFqdn = zoneFqdn(zone);
            String tooLong = tooLong(fqdn);
            if (!fqdn.equals(zoneFqdn) && !fqdn.endsWith("." + zoneFqdn)) {
                with.error("record", "\"" + record + "\" is not inside zone " + zoneFqdn);
            } else if (tooLong != null) {
                with.error("record", "\"" + record + "\" " + tooLong);
            } else if (fqdn.equals(zoneFqdn) && "CNAME".equals(values.get("type"))) {
                // The apex holds the zone's SOA and NS records, and a CNAME may stand beside no other record (RFC 1034
                // section 3.6.2): every provider refuses it, at the worst moment.
                with.error("record", "\"" + record + "\" is the zone's apex, which cannot hold a CNAME record");
            }
        }
    }

    /** Why a name is longer than DNS allows (a label of 63 octets, a name of 253 characters), or null. */
    private static String tooLong(String fqdn) {
        String name = fqdn.endsWith(".") ? fqdn.substring(0, fqdn.length() - 1) : fqdn;
        if (name.length() > 253) {
            return "is " + name.length() + " characters long, more than a DNS name's 253";
        }
        for (String label : name.split("\\.")) {
            if (label.length() > 63) {
                return "has a label of " + label.length() + " characters, more than DNS's 63";
            }
        }
        return null;
    }

    /** {@code Example.com} is {@code example.com.}. */
    public static String zoneFqdn(String zone) {
        return fqdn(zone.toLowerCase(Locale.ROOT));
    }

    /** {@code www} is relative to the zone; {@code www.example.com} and {@code www.example.com.} are not; {@code @} is the apex. */
    public static String recordFqdn(String record, String zone) {
        String zoneFqdn = zoneFqdn(zone);
        String name = record.toLowerCase(Locale.ROOT);
        String zoneName = zoneFqdn.substring(0, zoneFqdn.length() - 1);
        if (name.equals("@")) {
            return zoneFqdn;
        }
        if (name.endsWith(".") || name.equals(zoneName) || name.endsWith("." + zoneName)) {
            return fqdn(name);
        }
        return name + "." + zoneFqdn;
    }

    private static String fqdn(String name) {
        return name.endsWith(".") ? name : name + ".";
    }
}
