package io.baran.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Host text and literal addresses, read without any lookup. */
final class Addresses {

    /** What an IPv4 literal may be made of in any of the forms inet_aton reads (dotted, decimal, octal, hex). */
    private static final Pattern IPV4_CHARS = Pattern.compile("[0-9a-fA-FxX.]+");

    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+(%[0-9A-Za-z._-]+)?");

    private Addresses() {}

    /** Lower case, without IPv6 brackets or the root's trailing dot: how names and literals are compared. */
    static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /**
     * The address a host written as a literal stands for, or empty for a name. IPv4 is read as inet_aton reads it
     * (so {@code 2852039166}, {@code 0xa9.0xfe.0xa9.0xfe} and {@code 0251.0376.0251.0376} are all 169.254.169.254),
     * never through DNS.
     */
    static Optional<InetAddress> literal(String host) {
        String h = normalize(host);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        if (h.indexOf(':') >= 0) {
            if (!IPV6_CHARS.matcher(h).matches()) {
                return Optional.empty();
            }
            try {
                // Bracketed, the JDK reads it as an IPv6 literal or fails: it never looks it up.
                return Optional.of(InetAddress.getByName("[" + h + "]"));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        if (!IPV4_CHARS.matcher(h).matches()) {
            return Optional.empty();
        }
        byte[] bytes = inetAton(h);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** a, a.b, a.b.c or a.b.c.d, each part decimal, octal (0...) or hex (0x...); the last part fills the rest. */
    private static byte[] inetAton(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = part(parts[i]);
            if (v == null) {
                return null;
            }
            values[i] = v;
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xff) {
                return null;
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[parts.length - 1];
        int lastBits = 8 * (4 - (parts.length - 1));
        if (last >= (1L << lastBits)) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static Long part(String p) {
        if (p.isEmpty() || p.length() > 12) {
            return null;
        }
        try {
            if (p.startsWith("0x") || p.startsWith("0X")) {
                return p.length() == 2 ? 0L : Long.parseLong(p.substring(2), 16);
            }
            if (p.length() > 1 && p.startsWith("0")) {
                return Long.parseLong(p.substring(1), 8);
            }
            return Long.parseLong(p);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The address alone, without the host name the JDK may attach: {@code 169.254.169.254}, {@code fe80::1}. */
    static String text(InetAddress address) {
        String text = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int zone = text.indexOf('%');
            text = zone < 0 ? text : text.substring(0, zone);
            try {
                // The JDK writes every group (0:0:0:0:0:0:0:1); compress the longest run of zeros as people write it.
                return compress(text);
            } catch (RuntimeException e) {
                return text;
            }
        }
        return text;
    }

    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLength && j - i > 1) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
