package io.baran.worker.action;

import io.baran.worker.provider.RecordType;
import io.baran.workflow.StepCommand;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code with:} block of a {@code dns.set-weights} step, bound and validated.
 *
 * @param weights the new weight of each named record set, by set identifier
 */
public record DnsSetWeightsInput(String provider, String zoneFqdn, String recordFqdn, RecordType type, Map<String, Long> weights) {

    static final Set<String> FIELDS = Set.of("provider", "zone", "record", "type", "weights");
    /** Route 53's range. */
    static final long MAX_WEIGHT = 255;
    private static final Pattern SET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    public static DnsSetWeightsInput bind(StepCommand command) {
        WithBlock with = new WithBlock(command, FIELDS);
        String provider = with.requiredString("provider");
        DnsRecordName name = DnsRecordName.bind(with);
        Map<String, Long> weights = with.requiredNumberMap("weights", 0, MAX_WEIGHT);
        if (weights != null) {
            weights.keySet().stream().filter(id -> !SET_ID.matcher(id).matches())
                    .forEach(id -> with.invalid("weights", "\"" + id + "\" is not a set identifier (letters, digits, . _ : -)"));
        }
        with.throwIfInvalid();
        return new DnsSetWeightsInput(provider, name.zoneFqdn(), name.recordFqdn(), name.type(), Map.copyOf(weights));
    }
}
