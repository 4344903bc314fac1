package io.baran.worker.provider.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a write or deletion expects of its key, from what a listing said. */
class PreconditionTest {

    private static Blob listed(String version) {
        return new Blob("k", 1, Instant.EPOCH, version, null, null, null);
    }

    @Test
    void asListedExpectsTheListedVersionOrNothingAndCannotAskAboutAnObjectListedWithoutOne() {
        assertEquals(Precondition.version("v7"), Precondition.asListed(listed("v7")));
        assertEquals(Precondition.absent(), Precondition.asListed(null));
        // An S3-compatible store that lists no ETag: the write goes unconditionally rather than failing every pass.
        assertTrue(Precondition.asListed(listed("")).isNone());
        assertTrue(Precondition.asListed(listed(null)).isNone());
    }

    @Test
    void holdsComparesWhatTheKeyHoldsNow() {
        assertTrue(Precondition.version("v7").holds(listed("v7")));
        assertFalse(Precondition.version("v7").holds(listed("v8")));
        assertFalse(Precondition.version("v7").holds(null));
        assertTrue(Precondition.absent().holds(null));
        assertFalse(Precondition.absent().holds(listed("v1")));
        assertTrue(Precondition.none().holds(listed("v1")));
        assertThrows(IllegalArgumentException.class, () -> Precondition.version(""));
    }
}
