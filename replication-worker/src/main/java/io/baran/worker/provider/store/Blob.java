package io.baran.worker.provider.store;

import java.time.Instant;
import java.util.Locale;

/**
 * One object as a store lists it, with its checksums normalised across providers: hex strings, or null
 * when the store does not know that checksum for that object. S3's ETag is not an MD5 for multipart or
 * KMS-encrypted objects, Cloud Storage keeps no MD5 for composed objects and Blob Storage keeps the
 * Content-MD5 its writer gave: so each adapter fills {@code md5} only when it is really the content's MD5.
 *
 * @param version  what changes whenever the object is written: S3 ETag, Cloud Storage generation, Blob
 *                 Storage ETag, file size and modification time
 * @param modified when the store last wrote the object
 * @param sha256   the SHA-256 Baran recorded in the object's metadata when it wrote it; null otherwise
 * @param md5      the content's MD5, when the store knows it for sure
 * @param crc32c   the content's CRC32C (Cloud Storage), as 8 hex digits
 */
public record Blob(String key, long size, Instant modified, String version, String sha256, String md5, String crc32c) {

    /** The answer to "same content?" when no checksum both sides know can say. */
    public enum Match {
        SAME,
        DIFFERENT,
        UNKNOWN
    }

    public Blob {
        sha256 = lower(sha256);
        md5 = lower(md5);
        crc32c = lower(crc32c);
    }

    public Blob withKey(String newKey) {
        return new Blob(newKey, size, modified, version, sha256, md5, crc32c);
    }

    /**
     * Compares contents by the strongest checksum both sides know: SHA-256, then MD5, then CRC32C. Sizes
     * that differ say DIFFERENT at once; no common checksum says UNKNOWN (never "same": equal sizes and
     * times are no proof across providers).
     */
    public Match compare(Blob other) {
        if (size != other.size) {
            return Match.DIFFERENT;
        }
        if (sha256 != null && other.sha256 != null) {
            return sha256.equals(other.sha256) ? Match.SAME : Match.DIFFERENT;
        }
        if (md5 != null && other.md5 != null) {
            return md5.equals(other.md5) ? Match.SAME : Match.DIFFERENT;
        }
        if (crc32c != null && other.crc32c != null) {
            return crc32c.equals(other.crc32c) ? Match.SAME : Match.DIFFERENT;
        }
        return Match.UNKNOWN;
    }

    /** Short, for messages: {@code 12 bytes, sha256 0a1b2c3d4e5f}. */
    public String describe() {
        String sum = sha256 != null
                ? "sha256 " + sha256.substring(0, 12)
                : md5 != null ? "md5 " + md5.substring(0, 12) : "version " + version;
        return size + " bytes, " + sum;
    }

    /** An HTTP ETag as a {@code version}: S3 and Blob Storage send it quoted; absent, it is empty. */
    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.trim();
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private static String lower(String hex) {
        return hex == null || hex.isBlank() ? null : hex.trim().toLowerCase(Locale.ROOT);
    }
}
