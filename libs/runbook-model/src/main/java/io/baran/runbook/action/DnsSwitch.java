package io.baran.runbook.action;

import static io.baran.runbook.ActionSpec.Type.STRING;
import static io.baran.runbook.ActionSpec.Type.STRING_OR_LIST;

import io.baran.runbook.ActionSpec;
import io.baran.runbook.ActionType;
import io.baran.runbook.Capability;
import io.baran.runbook.WithBlock;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code dns.switch}: points a record at the standby; undo puts back the record it replaced. */
public final class DnsSwitch extends ActionType {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final Pattern HOST_NAME = Pattern.compile(
            "([A-Za-z0-9_*]([A-Za-z0-9_-]*[A-Za-z0-9_])?\\.)*" + "[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?\\.?");
    public static final long DEFAULT_TTL = 60;

    public DnsSwitch() {
        super(ActionSpec.builder(
                        "dns.switch", "Points a DNS record at the standby; failback puts back the record it replaced.")
                .provider("provider", Capability.DNS, "a DNS provider configured in the replication-worker")
                .required("zone", STRING, "the hosted zone, e.g. example.com")
                .required(
                        "record",
                        STRING,
                        "the record name, relative to the zone (www) or fully qualified (www.example.com.)")
                .oneOf("type", true, "the record type", "A", "AAAA", "CNAME", "TXT")
                .required("to", STRING_OR_LIST, "the new value, or a list of values")
                .number("ttl", false, 1, 604_800, "TTL of the new record in seconds (default 60)")
                .defaultsTo("ttl", DEFAULT_TTL)
                .changes()
                .build());
    }

    @Override
    protected void check(Map<String, Object> values, WithBlock with) {
        DnsNames.check(values, with);
        if (!(values.get("type") instanceof String type) || values.get("to") == null) {
            return;
        }
        List<?> to = values.get("to") instanceof List<?> list ? list : List.of(values.get("to"));
        if ("CNAME".equals(type) && to.size() > 1) {
            with.error("to", "a CNAME record takes exactly one value, not " + to.size());
        }
        Set<String> seen = new HashSet<>();
        for (Object value : to) {
            String text = String.valueOf(value);
            if ("A".equals(type) && !IPV4.matcher(text).matches()) {
                with.error("to", "\"" + text + "\" is not an IPv4 address, which an A record needs");
            } else if ("AAAA".equals(type) && !isIpv6(text)) {
                with.error("to", "\"" + text + "\" is not an IPv6 address, which an AAAA record needs");
            } else if ("CNAME".equals(type) && !HOST_NAME.matcher(text).matches()) {
                with.error("to", "\"" + text + "\" is not a host name, which a CNAME record needs");
            } else if (!seen.add(canonical(type, text))) {
                with.error("to", "lists \"" + text + "\" twice");
            }
        }
    }

    private static boolean isIpv6(String text) {
        if (!IPV6.matcher(text).matches()) {
            return false;
        }
        try {
            // Only a literal reaches InetAddress, so this never looks a name up.
            return InetAddress.getByName(text) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The form in which two values of one record are the same: {@code 2001:db8::1} is {@code 2001:DB8:0::1}. */
    private static String canonical(String type, String value) {
        return switch (type) {
            case "AAAA" -> {
                try {
                    yield InetAddress.getByName(value).getHostAddress().toLowerCase(Locale.ROOT);
                } catch (UnknownHostException e) {
                    yield value.toLowerCase(Locale.ROOT);
                }
            }
            case "CNAME" -> (value.endsWith(".") ? value : value + ".").toLowerCase(Locale.ROOT);
            case "TXT" ->
                value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1)
                        : value;
            default -> value;
        };
    }
}
