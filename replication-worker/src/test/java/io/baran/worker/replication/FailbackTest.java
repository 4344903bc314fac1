package io.baran.worker.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.worker.provider.store.Blob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which keys failback reverses, decided from the listings and the ledger alone. */
class FailbackTest {

    private static Blob blob(String key, String version) {
        return new Blob(key, 1, Instant.EPOCH, version, null, null, null);
    }

    @Test
    void onlyKeysChangedAtTheReplicaAreReversedAndThoseChangedAtTheSourceToo() {
        Map<String, Ledger.Entry> ledger = Map.of(
                "untouched", new Ledger.Entry("s1", 1, null, "r1"),
                "edited", new Ledger.Entry("s1", 1, null, "r1"),
                "deleted", new Ledger.Entry("s1", 1, null, "r1"),
                "shared", new Ledger.Entry("s1", 1, null, "r1"),
                "source-only-change", new Ledger.Entry("s1", 1, null, "r1"));
        Map<String, Blob> source = Map.of(
                "untouched",
                blob("untouched", "s1"),
                "edited",
                blob("edited", "s1"),
                "deleted",
                blob("deleted", "s1"),
                "shared",
                blob("shared", "s2"),
                "source-only-change",
                blob("source-only-change", "s2"));
        Map<String, Blob> replica = Map.of(
                "untouched",
                blob("untouched", "r1"),
                "edited",
                blob("edited", "r2"),
                "shared",
                blob("shared", "r2"),
                "source-only-change",
                blob("source-only-change", "r1"),
                "created",
                blob("created", "r1"));

        List<Failback.Reversal> reversals = Failback.reversals(source, replica, ledger, Map.of(), "");

        assertEquals(
                List.of(
                        new Failback.Reversal("created", null, replica.get("created"), false),
                        new Failback.Reversal("deleted", source.get("deleted"), null, false),
                        new Failback.Reversal("edited", source.get("edited"), replica.get("edited"), false),
                        new Failback.Reversal("shared", source.get("shared"), replica.get("shared"), true)),
                reversals);
        assertEquals(
                List.of(),
                Failback.reversals(source, replica, ledger, Map.of(), "other/"),
                "only keys under the filter");
    }
}
