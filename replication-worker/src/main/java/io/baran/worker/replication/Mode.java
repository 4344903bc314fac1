package io.baran.worker.replication;

import java.util.Locale;

/** What a replica does when an object is deleted at the source. */
public enum Mode {
    /** The replica is an exact copy: deletions propagate. */
    MIRROR,
    /** The replica keeps every object it ever received: deletions do not propagate. */
    ARCHIVE;

    public static Mode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a replication mode (mirror or archive)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
