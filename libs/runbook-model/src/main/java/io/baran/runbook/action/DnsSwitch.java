package io.baran.runbook.action;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.WithBlock;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.baran.runbook.ActionSpec.Type.STRING;
import static io.baran.runbook.ActionSpec.Type.STRING_OR_LIST;

/** {@code dns.switch}: points a record at the standby; undo puts back the record it replaced. */
public final class DnsSwitch extends ActionType {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    public DnsSwitch() {
        super(ActionSpec.builder("dns.switch", "Points a DNS record at the standby; failback puts back the record it replaced.")
                .provider("provider", Capability.DNS, "a DNS provider configured in the replication-worker")
                .required("zone", STRING, "the hosted zone, e.g. example.com")
                .required("record", STRING, "the record name, relative to the zone (www) or fully qualified (www.example.com.)")
                .oneOf("type", true, "the record type", "A", "AAAA", "CNAME", "TXT")
                .required("to", STRING_OR_LIST, "the new value, or a list of values")
                .number("ttl", false, 1, 604_800, "TTL of the new record in seconds (default 60)")
                .changes()
                .build());
    }

    @Override
    protected void check(Map<String, Object> values, WithBlock with) {
        if (!(values.get("type") instanceof String type) || values.get("to") == null) {
            return;
        }
        List<?> to = values.get("to") instanceof List<?> list ? list : List.of(values.get("to"));
        if ("CNAME".equals(type) && to.size() > 1) {
            with.error("to", "a CNAME record takes exactly one value, not " + to.size());
        }
        for (Object value : to) {
            String text = String.valueOf(value);
            if ("A".equals(type) && !IPV4.matcher(text).matches()) {
                with.error("to", "\"" + text + "\" is not an IPv4 address, which an A record needs");
            } else if ("AAAA".equals(type) && !IPV6.matcher(text).matches()) {
                with.error("to", "\"" + text + "\" is not an IPv6 address, which an AAAA record needs");
            }
        }
    }
}
