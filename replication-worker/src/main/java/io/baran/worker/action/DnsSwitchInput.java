package io.baran.worker.action;

import io.baran.worker.provider.RecordType;
import io.baran.workflow.StepCommand;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code with:} block of a {@code dns.switch} step, bound and validated.
 *
 * @param zoneFqdn   the zone, fully qualified with its trailing dot, lower case
 * @param recordFqdn the record, fully qualified with its trailing dot, lower case
 * @param values     the new values as the provider stores them (CNAME with a trailing dot, TXT quoted)
 */
public record DnsSwitchInput(String provider, String zoneFqdn, String recordFqdn, RecordType type,
                             List<String> values, int ttl) {

    static final Set<String> FIELDS = Set.of("provider", "zone", "record", "type", "to", "ttl");
    static final int DEFAULT_TTL = 60;
    private static final Pattern NAME = Pattern.compile("[a-z0-9_*-]+(\\.[a-z0-9_*-]+)*\\.?");
    private static final List<String> TYPES = Arrays.stream(RecordType.values()).map(Enum::name).toList();

    public static DnsSwitchInput bind(StepCommand command) {
        WithBlock with = new WithBlock(command, FIELDS);
        String provider = with.requiredString("provider");
        String zone = with.requiredString("zone");
        String record = with.requiredString("record");
        String typeName = with.requiredOneOf("type", TYPES);
        List<String> to = with.requiredStringOrList("to");
        int ttl = with.optionalInt("ttl", DEFAULT_TTL);

        if (ttl < 0) {
            with.invalid("ttl", ttl + " is negative");
        }
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
        RecordType type = typeName == null ? null : RecordType.valueOf(typeName);
        List<String> values = null;
        if (type != null && to != null) {
            if (type == RecordType.CNAME && to.size() > 1) {
                with.invalid("to", "has " + to.size() + " values; a CNAME record holds exactly one");
            }
            Set<String> seen = new HashSet<>();
            for (String value : to) {
                String problem = type.problem(value.trim());
                if (problem != null) {
                    with.invalid("to", problem + " (type " + type + ")");
                } else if (!seen.add(type.canonical(type.toWire(value)))) {
                    with.invalid("to", "lists \"" + value + "\" twice");
                }
            }
            values = to.stream().map(type::toWire).toList();
        }
        with.throwIfInvalid();
        return new DnsSwitchInput(provider, zoneFqdn, recordFqdn, type, values, ttl);
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
