package io.baran.egress;

import java.net.InetAddress;
import java.util.Optional;

/** A CIDR block: {@code 10.0.0.0/8}, {@code fe80::/10}, or one address ({@code /32}, {@code /128}). */
public record AddressRange(InetAddress network, int prefix) {

    public AddressRange {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException(
                    "prefix /" + prefix + " is out of range for " + Addresses.text(network) + " (0-" + bits + ")");
        }
    }

    /**
     * Reads {@code address/prefix} or a single address, literal only (no lookup).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static AddressRange parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        InetAddress network = Addresses.literal(address)
                .orElseThrow(() -> new IllegalArgumentException(
                        "\"" + text + "\" is not an address or CIDR block (write it like 10.0.0.0/8 or fd00::/8)"));
        int bits = network.getAddress().length * 8;
        int prefix;
        if (slash < 0) {
            prefix = bits;
        } else {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "\"" + text + "\" has no prefix length after '/' (write it like 10.0.0.0/8)");
            }
        }
        return new AddressRange(network, prefix);
    }

    /** Whether the address is in this block; an IPv4 address is never in an IPv6 block or the other way round. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    static Optional<AddressRange> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return Addresses.text(network) + "/" + prefix;
    }
}
