package io.baran.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * The hash of an audit row: SHA-256 (lower-case hex) over a canonical serialisation of every column but the hash
 * itself, the previous row's hash included, so changing, removing or reordering a row breaks the chain after it.
 *
 * <p>The serialisation is a version line, then one line per column in a fixed order: the column's name, a space, and
 * either {@code -} for SQL NULL or the value's length in UTF-8 bytes, a colon and the value. Values may hold any
 * character, newlines too; the length prefix keeps the encoding unambiguous. The time is UTC with exactly six
 * fractional digits, PostgreSQL's {@code timestamptz} precision, so what the database returns hashes as written:
 * <pre>
 * baran-audit-v1
 * id 2:17
 * at 27:2026-03-01T10:15:30.123456Z
 * actor 3:ada
 * groups 9:["admin"]
 * ...
 * reason -
 * prev_hash 64:9f86d0...
 * </pre>
 * Changing this format invalidates every stored hash: a new format needs a new version line and verification that
 * knows both.
 */
public final class AuditChain {

    /** The {@code prev_hash} of the first row. */
    public static final String GENESIS = "0".repeat(64);

    static final String VERSION = "baran-audit-v1";

    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private AuditChain() {}

    /** The hash of the row's content (its {@code hash} field is ignored). */
    public static String hash(ChainRow row) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(canonical(row).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** What is hashed: see the class comment. */
    public static String canonical(ChainRow row) {
        StringBuilder out = new StringBuilder(VERSION).append('\n');
        field(out, "id", Long.toString(row.id()));
        field(out, "at", timestamp(row.at()));
        field(out, "actor", row.actor());
        field(out, "groups", row.groups());
        field(out, "action", row.action());
        field(out, "target", row.target());
        field(out, "reason", row.reason());
        field(out, "request_id", row.requestId());
        field(out, "break_glass", Boolean.toString(row.breakGlass()));
        field(out, "outcome", row.outcome());
        field(out, "detail", row.detail());
        field(out, "prev_hash", row.prevHash());
        return out.toString();
    }

    /**
     * The time as hashed: UTC, microseconds. A time finer than microseconds is refused: PostgreSQL would round it,
     * and the stored row would no longer match its hash.
     */
    public static String timestamp(Instant at) {
        if (at.getNano() % 1_000 != 0) {
            throw new IllegalArgumentException(at + " is finer than microseconds, which PostgreSQL does not store");
        }
        return MICROS.format(at);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(name).append(' ');
        if (value == null) {
            out.append('-');
        } else {
            out.append(value.getBytes(StandardCharsets.UTF_8).length)
                    .append(':')
                    .append(value);
        }
        out.append('\n');
    }
}
