package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.STRING;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.WithBlock;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code dns.set-weights}: shifts traffic between the record sets of a weighted set (e.g. primary 100 → 0,
 * standby 0 → 100); undo puts back the weights it replaced. A separate action rather than an option of
 * {@code dns.switch}: a switch changes where one record set points, this changes how much of the traffic
 * each of several existing record sets gets and leaves what they point at alone, so the two share no
 * required field ({@code to} versus {@code weights}) and read differently in a runbook.
 */
public final class DnsSetWeights extends ActionType {

    /** Route 53's range; a provider with a narrower one says so when the step runs. */
    public static final long MAX_WEIGHT = 255;

    private static final Pattern SET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    public DnsSetWeights() {
        super(ActionSpec.builder(
                        "dns.set-weights",
                        "Shifts traffic between the records of a weighted DNS record set; failback puts back the weights it replaced.")
                .provider(
                        "provider",
                        Capability.DNS,
                        "a DNS provider configured in the replication-worker that can change "
                                + "weighted record sets (DNS_ROUTING_POLICIES)")
                .required("zone", STRING, "the hosted zone, e.g. example.com")
                .required(
                        "record",
                        STRING,
                        "the record name, relative to the zone (www) or fully qualified (www.example.com.)")
                .oneOf("type", true, "the record type of the weighted set", "A", "AAAA", "CNAME", "TXT")
                .numberMap(
                        "weights",
                        true,
                        0,
                        MAX_WEIGHT,
                        "the new weight of each record set named by its set identifier, "
                                + "e.g. {primary: 0, standby: 100}; record sets not named keep their weight")
                .changes()
                .build());
    }

    @Override
    protected void check(Map<String, Object> values, WithBlock with) {
        DnsNames.check(values, with);
        if (!(values.get("weights") instanceof Map<?, ?> weights)) {
            return;
        }
        for (Object id : weights.keySet()) {
            if (!SET_ID.matcher(String.valueOf(id)).matches()) {
                with.error("weights", "\"" + id + "\" is not a set identifier (letters, digits, . _ : -)");
            }
        }
    }
}
