package io.baran.egress;

import java.net.InetAddress;

/**
 * Why the policy will not connect to a host: the host as given, the address refused (null when the name itself is
 * refused, like {@code metadata.google.internal}), the range it falls in, and the rule.
 */
public record Refusal(String host, InetAddress address, String range, Rule rule) {

    /** A sentence a person can act on, naming the host, the address and the rule. */
    public String message() {
        StringBuilder text = new StringBuilder(host);
        String shown = address == null ? null : Addresses.text(address);
        if (shown != null && !shown.equalsIgnoreCase(Addresses.normalize(host))) {
            text.append(" resolves to ").append(shown).append(',');
        }
        text.append(" is ").append(rule.description());
        if (range != null && !range.equals(shown)) {
            text.append(" (").append(range).append(')');
        }
        text.append(": refused by the egress policy (rule ").append(rule.id());
        if (rule != Rule.METADATA) {
            text.append("; allow-list it in baran.egress.allow if this service must call it");
        }
        return text.append(')').toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
