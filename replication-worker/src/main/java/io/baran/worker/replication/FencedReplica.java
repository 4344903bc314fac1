package io.baran.worker.replication;

import io.baran.worker.provider.store.Blob;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BlobStoreException;
import io.baran.worker.provider.store.Digests;
import io.baran.worker.provider.store.Precondition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The replica as forward copying writes it: every write that changes what the replica shows (a small object's put,
 * a large one's completion, a deletion) is made only while the replica is not failed over, and {@link #failOver}
 * waits for the writes already under way. So once failover has answered, no copy or deletion of a pass
 * or notification lands at the replica, which now serves as primary; a copy that was still reading or sending parts
 * is abandoned (its parts are never visible) and left to forward copying after failback. Reading, listing and
 * sending parts pass straight through.
 */
final class FencedReplica extends ForwardingStore {

    /** A write refused because the replica failed over: the step is left as backlog, not an error. */
    static final class FailedOver extends BlobStoreException {
        FailedOver(String store, String key) {
            super(store + ": " + key + " not written: the replica serves as primary (failed over)", null);
        }
    }

    private final BooleanSupplier failedOver;
    // Fair: once failover waits, no later write goes before it.
    private final ReentrantReadWriteLock fence = new ReentrantReadWriteLock(true);

    /** Run before each write that changes what the store shows, outside the fence (it may ask a database). */
    private final Runnable beforeWrite;

    /** @param failedOver whether the replica serves as primary (the ledger's flag) */
    FencedReplica(BlobStore inner, BooleanSupplier failedOver) {
        this(inner, failedOver, () -> {});
    }

    /**
     * @param beforeWrite run before each write that changes what the store shows, before the fence is taken: it may
     *                    refuse the write by throwing (the pair's pass lock lost: {@link PassLock.Lost})
     */
    FencedReplica(BlobStore inner, BooleanSupplier failedOver, Runnable beforeWrite) {
        super(inner);
        this.failedOver = failedOver;
        this.beforeWrite = beforeWrite;
    }

    /** A store whose writes only {@code beforeWrite} may refuse (the source, written by failback and resolution). */
    static FencedReplica checkedBy(BlobStore inner, Runnable beforeWrite) {
        return new FencedReplica(inner, () -> false, beforeWrite);
    }

    /**
     * Fails the replica over: waits up to {@code wait} for the writes under way to end, then runs {@code setFlag}
     * (which sets the flag) before any other write starts.
     *
     * @return false, having run nothing, when writes were still under way at the end of the wait
     */
    boolean failOver(Duration wait, Runnable setFlag) throws InterruptedException {
        if (!fence.writeLock().tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        try {
            setFlag.run();
            return true;
        } finally {
            fence.writeLock().unlock();
        }
    }

    /** A failover waits for the writes under way (for tests). */
    boolean failoverWaiting() {
        return fence.hasQueuedThreads();
    }

    /** Writes being made visible at the replica now. */
    int writesUnderWay() {
        return fence.getReadLockCount();
    }

    /** Runs a write that changes what the replica shows, unless the replica failed over. */
    <T> T visible(String key, Supplier<T> write) {
        beforeWrite.run();
        fence.readLock().lock();
        try {
            if (failedOver.getAsBoolean()) {
                throw new FailedOver(inner.describe(), key);
            }
            return write.get();
        } finally {
            fence.readLock().unlock();
        }
    }

    @Override
    public Blob put(String key, byte[] content, int length, Digests.Sums sums, Precondition expected) {
        return visible(key, () -> inner.put(key, content, length, sums, expected));
    }

    @Override
    public void delete(String key, Precondition expected) {
        visible(key, () -> {
            inner.delete(key, expected);
            return null;
        });
    }

    @Override
    public Upload upload(String key, long size, long partSize, String sha256, String resumeToken) {
        return new ForwardingUpload(inner.upload(key, size, partSize, sha256, resumeToken)) {
            @Override
            public Blob complete(List<String> tags, Digests.Sums sums, Precondition expected) {
                return visible(key, () -> inner.complete(tags, sums, expected));
            }
        };
    }
}
