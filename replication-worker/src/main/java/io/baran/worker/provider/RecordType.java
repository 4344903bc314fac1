package io.baran.worker.provider;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The record types {@code dns.switch} can change, with how each type's values are written to a provider
 * and compared, so that {@code standby.example.net} and {@code standby.example.net.} count as one value.
 */
public enum RecordType {
    A,
    AAAA,
    CNAME,
    TXT;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern HOST_NAME = Pattern.compile(
            "([A-Za-z0-9_*]([A-Za-z0-9_-]*[A-Za-z0-9_])?\\.)*" + "[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?\\.?");
    /** A TXT character-string holds at most 255 bytes; longer texts are split into several strings. */
    private static final int TXT_CHUNK = 255;

    /** Why the value cannot be a value of this type, or null when it can. */
    public String problem(String value) {
        return switch (this) {
            case A -> isIpv4(value) ? null : "\"" + value + "\" is not an IPv4 address";
            case AAAA -> isIpv6(value) ? null : "\"" + value + "\" is not an IPv6 address";
            case CNAME -> HOST_NAME.matcher(value).matches() ? null : "\"" + value + "\" is not a host name";
            case TXT -> null;
        };
    }

    /** The value as it is sent to the provider. */
    public String toWire(String value) {
        String v = value.trim();
        return switch (this) {
            case A, AAAA -> v;
            case CNAME -> v.endsWith(".") ? v : v + ".";
            case TXT -> quoted(value);
        };
    }

    /** The form in which two values of this type are compared. */
    public String canonical(String wireValue) {
        String v = wireValue.trim();
        return switch (this) {
            case A -> v;
            case AAAA -> isIpv6(v) ? ipv6(v) : v.toLowerCase(Locale.ROOT);
            case CNAME -> (v.endsWith(".") ? v : v + ".").toLowerCase(Locale.ROOT);
            case TXT -> v;
        };
    }

    private static boolean isIpv4(String value) {
        var m = IPV4.matcher(value);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String value) {
        // Only literals reach InetAddress, so this never performs a DNS lookup.
        if (!value.contains(":") || !IPV6_CHARS.matcher(value).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(value) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String ipv6(String value) {
        try {
            return InetAddress.getByName(value).getHostAddress().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return value.toLowerCase(Locale.ROOT);
        }
    }

    /** A text already in zone-file form ("...") is kept; anything else is quoted and split in 255-byte strings. */
    private static String quoted(String text) {
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return text;
        }
        List<String> parts = new ArrayList<>();
        for (String part : byteChunks(text)) {
            parts.add("\"" + part.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return parts.isEmpty() ? "\"\"" : String.join(" ", parts);
    }

    /** The text cut into strings of at most {@link #TXT_CHUNK} bytes in UTF-8, never inside a character. */
    static List<String> byteChunks(String text) {
        List<String> chunks = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int size =
                    new String(Character.toChars(codePoint)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + size > TXT_CHUNK) {
                chunks.add(chunk.toString());
                chunk.setLength(0);
                bytes = 0;
            }
            chunk.appendCodePoint(codePoint);
            bytes += size;
            i += Character.charCount(codePoint);
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk.toString());
        }
        return chunks;
    }
}
