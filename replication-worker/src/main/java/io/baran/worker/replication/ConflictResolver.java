package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import io.baran.worker.provider.store.Precondition;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Settles one conflict as a person decided, by keeping one side's object: {@code source} copies it to the replica,
 * {@code replica} copies the replica's to the source (a side without the object has the deletion kept). The key
 * is in step again afterwards, and no longer a conflict. The replica is written through forward copying's fence
 * ({@link FencedReplica}): keeping the source's version is refused while the replica serves as primary (failed over),
 * and a failover waits for such a write under way, as for a pass's. It writes only over what the people who decided
 * saw ({@link Sides}): a write made at either side since is never overwritten or deleted.
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

    /** What each side of a conflict held when a person looked at it: the objects there, null for none. */
    record Sides(Blob source, Blob replica) {

        /** For a two-person rule's digest: what each side held, so a confirmation matches only the same state. */
        List<String> describe() {
            return List.of(
                    "source " + Precondition.asListed(source).describe(),
                    "replica " + Precondition.asListed(replica).describe());
        }
    }

    /** The key changed at one side since the resolution was asked for: nothing was written. */
    static final class Changed extends RuntimeException {
        Changed(String message) {
            super(message);
        }
    }

    /** What both sides hold now. */
    Sides sides(String key) {
        return new Sides(source.stat(sourceAt.key(key)), replica.stat(replicaAt.key(key)));
    }

    /**
     * The caller holds the replica's pass lock. Acts only on what {@code seen} says each side held, as the people who
     * settled the conflict saw it: the kept side must hold it still, and the other side is written or deleted on the
     * condition that it holds it still (in the same request, where the store can check), so a write made at either
     * side since is never overwritten or deleted.
     *
     * @throws FencedReplica.FailedOver when keeping the source's version while the replica serves as primary; nothing
     *                                  is changed then
     * @throws Changed when either side no longer holds what {@code seen} says; nothing is changed then
     */
    void resolve(String key, boolean keepSource, Sides seen) throws InterruptedException {
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
        Blob seenKept = keepSource ? seen.source() : seen.replica();
        Precondition other = Precondition.asListed(keepSource ? seen.replica() : seen.source());
        Blob kept = from.stat(fromAt.key(key));
        // Present as seen, and the same version where the store names versions (one that does not cannot say more).
        if ((seenKept == null) != (kept == null)
                || !Precondition.asListed(seenKept).holds(kept)) {
            throw changed(key, fromAt, seenKept, kept);
        }
        try {
            if (kept == null) {
                if (other.kind() != Precondition.Kind.ABSENT) {
                    to.delete(toAt.key(key), other);
                } // else: gone at both sides, as seen: nothing to delete
                ledger.removed(key);
            } else {
                Blob stored = copier.copy(from, kept, to, toAt.key(key), other, null, key, copiedBytesTotal);
                Blob s = keepSource ? kept : stored;
                Blob r = keepSource ? stored : kept;
                ledger.copied(key, new Ledger.Entry(s.version(), s.size(), stored.sha256(), r.version()));
            }
        } catch (BlobStoreException e) {
            if (e.preconditionFailed()) {
                throw changed(key, toAt, keepSource ? seen.replica() : seen.source(), to.stat(toAt.key(key)));
            }
            if (e.changed()) {
                throw changed(key, fromAt, seenKept, from.stat(fromAt.key(key)));
            }
            throw e;
        }
        ledger.checkpoint(m -> {
            Map<String, String> conflicts = new TreeMap<>(m.conflicts());
            conflicts.remove(key);
            return m.withConflicts(conflicts);
        });
    }

    private Changed changed(String key, Location at, Blob seen, Blob now) {
        return new Changed("pair " + pair + ": " + key + " at " + at + " changed since the conflict's resolution was"
                + " asked for: it held " + (seen == null ? "nothing" : seen.describe()) + ", it holds "
                + (now == null ? "nothing (deleted)" : now.describe())
                + "; nothing was written: look at both sides again and ask anew");
    }
}
