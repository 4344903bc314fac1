package io.baran.worker.action;

import io.baran.worker.provider.RecordType;
import io.baran.workflow.StepCommand;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

    public static DnsSwitchInput bind(StepCommand command) {
        WithBlock with = new WithBlock(command, FIELDS);
        String provider = with.requiredString("provider");
        DnsRecordName name = DnsRecordName.bind(with);
        List<String> to = with.requiredStringOrList("to");
        int ttl = with.optionalInt("ttl", DEFAULT_TTL);

        if (ttl < 0) {
            with.invalid("ttl", ttl + " is negative");
        }
        RecordType type = name.type();
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
        return new DnsSwitchInput(provider, name.zoneFqdn(), name.recordFqdn(), type, values, ttl);
    }
}
