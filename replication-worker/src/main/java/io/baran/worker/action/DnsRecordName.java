package io.baran.worker.action;

import io.baran.worker.provider.RecordType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code zone}, {@code record} and {@code type} fields every DNS action binds the same way. A field
 * that does not bind is null, its violation recorded in the block.
 *
 * @param zoneFqdn   the zone, fully qualified with its trailing dot, lower case
 * @param recordFqdn the record, fully qualified with its trailing dot, lower case
 */
record DnsRecordName(String zoneFqdn, String recordFqdn, RecordType type) {

    static final List<String> FIELDS = List.of("zone", "record", "type");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_*-]+(\\.[a-z0-9_*-]+)*\\.?");
    private static final List<String> TYPES = Arrays.stream(RecordType.values()).map(Enum::name).toList();

    static DnsRecordName bind(WithBlock with) {
        String zone = with.requiredString("zone");
        String record = with.requiredString("record");
        String typeName = with.requiredOneOf("type", TYPES);
        String zoneFqdn = null;
        if (zone != null) {
            zoneFqdn = fqdn(zone.toLowerCase(Locale.ROOT));
            if (!NAME.matcher(zone.toLowerCase(Locale.ROOT)).matches() || zoneFqdn.equals(".")) {
                with.invalid("zone", "\"" + zone + "\" is not a zone name");
                zoneFqdn = null;
            }
        }
        String recordFqdn = null;
        if (record != null && zoneFqdn != null) {
            recordFqdn = recordFqdn(record.toLowerCase(Locale.ROOT), zoneFqdn);
            if (!"@".equals(record) && !NAME.matcher(record.toLowerCase(Locale.ROOT)).matches()) {
                with.invalid("record", "\"" + record + "\" is not a record name");
            } else if (!recordFqdn.equals(zoneFqdn) && !recordFqdn.endsWith("." + zoneFqdn)) {
                with.invalid("record", "\"" + record + "\" is not inside zone " + zoneFqdn);
            }
        }
        return new DnsRecordName(zoneFqdn, recordFqdn, typeName == null ? null : RecordType.valueOf(typeName));
    }

    /** {@code www} is relative to the zone; {@code www.example.com} and {@code www.example.com.} are not; {@code @} is the apex. */
    private static String recordFqdn(String record, String zoneFqdn) {
        String zoneName = zoneFqdn.substring(0, zoneFqdn.length() - 1);
        if (record.equals("@")) {
            return zoneFqdn;
        }
        if (record.endsWith(".") || record.equals(zoneName) || record.endsWith("." + zoneName)) {
            return fqdn(record);
        }
        return record + "." + zoneFqdn;
    }

    private static String fqdn(String name) {
        return name.endsWith(".") ? name : name + ".";
    }
}
