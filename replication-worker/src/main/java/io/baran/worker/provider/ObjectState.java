package io.baran.worker.provider;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One object as a store holds it.
 *
 * @param sha256   hex SHA-256 of the content, or null when the store does not know it (an object Baran did not write)
 * @param modified when the store last wrote it, or null when absent
 */
public record ObjectState(String key, boolean exists, long size, String sha256, Instant modified) {

    public static ObjectState absent(String key) {
        return new ObjectState(key, false, 0, null, null);
    }

    /**
     * Same content, or both absent. Compared by size and checksum; when either checksum is unknown (an
     * object Baran did not write, in a store that keeps none), by size and time of writing.
     */
    public boolean sameContentAs(ObjectState other) {
        if (exists != other.exists) {
            return false;
        }
        if (!exists) {
            return true;
        }
        if (sha256 != null && other.sha256 != null) {
            return size == other.size && sha256.equals(other.sha256);
        }
        return size == other.size && modified != null && modified.equals(other.modified);
    }

    public String describe() {
        return exists ? size + " bytes, sha256 " + (sha256 == null ? "unknown" : sha256.substring(0, Math.min(12, sha256.length())))
                : "(absent)";
    }

    /** Hex SHA-256 of the content, as {@link #sha256()} holds it. */
    public static String sha256Of(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
