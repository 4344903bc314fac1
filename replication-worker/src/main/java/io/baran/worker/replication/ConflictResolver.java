package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Settles one conflict as a person decided, by keeping one side's object: {@code source} copies it to the replica,
 * {@code replica} copies the replica's to the source (a side without the object has the deletion kept). The key
 * is in step again afterwards, and no longer a conflict. The replica is written through forward copying's fence
 * ({@link FencedReplica}): keeping the source's version is refused while the replica serves as primary (failed over),
 * and a failover waits for such a write under way, as for a pass's.
 */
final class ConflictResolver {

    private final String pair;
    private final Location sourceAt;
    private final BlobStore source;
    private final Location replicaAt;
    private final FencedReplica replica;
    private final Ledger ledger;
    private final Copier copier;
    private final LongConsumer copiedBytesTotal;

    ConflictResolver(
            String pair,
            Location sourceAt,
            BlobStore source,
            Location replicaAt,
            FencedReplica replica,
            Ledger ledger,
            Copier copier,
            LongConsumer copiedBytesTotal) {
        this.pair = pair;
        this.sourceAt = sourceAt;
        this.source = source;
        this.replicaAt = replicaAt;
        this.replica = replica;
        this.ledger = ledger;
        this.copier = copier;
        this.copiedBytesTotal = copiedBytesTotal;
    }

    /**
     * The caller holds the replica's pass lock.
     *
     * @throws FencedReplica.FailedOver when keeping the source's version while the replica serves as primary; nothing
     *                                  is changed then
     */
    void resolve(String key, boolean keepSource) throws InterruptedException {
        if (!ledger.meta().conflicts().containsKey(key)) {
            throw new IllegalArgumentException(
                    "pair " + pair + ", replica " + replicaAt + ": " + key + " is not in conflict");
        }
        if (keepSource && ledger.meta().failedOver()) {
            // Checked first so no upload starts; the fence refuses a failover that comes after this check.
            throw new FencedReplica.FailedOver(replica.describe(), replicaAt.key(key));
        }
        BlobStore from = keepSource ? source : replica;
        BlobStore to = keepSource ? replica : source;
        Location fromAt = keepSource ? sourceAt : replicaAt;
        Location toAt = keepSource ? replicaAt : sourceAt;
        Blob kept = from.stat(fromAt.key(key));
        if (kept == null) {
            to.delete(toAt.key(key));
            ledger.removed(key);
        } else {
            Blob stored = copier.copy(from, kept, to, toAt.key(key), null, key, copiedBytesTotal);
            Blob s = keepSource ? kept : stored;
            Blob r = keepSource ? stored : kept;
            ledger.copied(key, new Ledger.Entry(s.version(), s.size(), stored.sha256(), r.version()));
        }
        ledger.checkpoint(m -> {
            Map<String, String> conflicts = new TreeMap<>(m.conflicts());
            conflicts.remove(key);
            return m.withConflicts(conflicts);
        });
    }
}
