package io.baran.worker.provider.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * SHA-256, MD5 and CRC32C of a stream of bytes, computed as it passes: Baran's own identity of an object
 * (SHA-256, kept in its metadata), and the checksums the providers verify on receipt (MD5) or compute
 * for composed objects (CRC32C).
 */
public final class Digests {

    private final MessageDigest sha256 = digest("SHA-256");
    private final MessageDigest md5;
    private final CRC32C crc32c = new CRC32C();
    private long length;

    /** All three checksums. */
    public Digests() {
        this(true);
    }

    /**
     * @param withMd5 false to leave out MD5, the slowest of the three (half the speed of SHA-256 with the CPU's
     *                SHA extensions), when neither side has a use for it
     */
    public Digests(boolean withMd5) {
        this.md5 = withMd5 ? digest("MD5") : null;
    }

    public void update(byte[] bytes, int offset, int length) {
        sha256.update(bytes, offset, length);
        if (md5 != null) {
            md5.update(bytes, offset, length);
        }
        crc32c.update(bytes, offset, length);
        this.length += length;
    }

    /** Call once, when every byte passed. */
    public Sums finish() {
        return new Sums(
                length,
                HexFormat.of().formatHex(sha256.digest()),
                md5 == null ? null : md5.digest(),
                String.format("%08x", crc32c.getValue()));
    }

    /** The CRC32C of one part, as 8 hex digits: cheap enough to check every part of a resumed upload. */
    public static String crc32c(byte[] bytes, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, offset, length);
        return String.format("%08x", c.getValue());
    }

    /** The MD5 of one part, as the provider checks it on receipt. */
    public static byte[] md5(byte[] bytes, int offset, int length) {
        MessageDigest md = digest("MD5");
        md.update(bytes, offset, length);
        return md.digest();
    }

    public static String sha256Hex(byte[] bytes, int offset, int length) {
        MessageDigest md = digest("SHA-256");
        md.update(bytes, offset, length);
        return HexFormat.of().formatHex(md.digest());
    }

    public static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }

    public static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no " + algorithm, e);
        }
    }

    /**
     * The checksums of a whole object.
     *
     * @param md5    raw bytes, as HTTP headers want them (base64); null when not computed
     * @param crc32c 8 hex digits
     */
    public record Sums(long length, String sha256, byte[] md5, String crc32c) {

        public String md5Hex() {
            return hex(md5);
        }

        /** A checksum the source advertised and the bytes read do not match, or null when all agree. */
        public String mismatch(Blob advertised) {
            if (advertised.size() != length) {
                return "read " + length + " bytes, the source lists " + advertised.size();
            }
            if (advertised.sha256() != null && !advertised.sha256().equals(sha256)) {
                return "SHA-256 " + sha256 + " read, " + advertised.sha256() + " recorded in the source's metadata";
            }
            if (advertised.md5() != null && md5 != null && !advertised.md5().equals(md5Hex())) {
                return "MD5 " + md5Hex() + " read, the source says " + advertised.md5();
            }
            if (advertised.crc32c() != null && !advertised.crc32c().equals(crc32c)) {
                return "CRC32C " + crc32c + " read, the source says " + advertised.crc32c();
            }
            return null;
        }
    }
}
