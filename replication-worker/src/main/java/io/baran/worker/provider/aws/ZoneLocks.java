package io.baran.worker.provider.aws;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the changes this worker makes to one hosted zone. Route 53 refuses a change while an earlier
 * one to the same zone is still PENDING ({@code PriorRequestNotComplete}); holding the zone's lock from
 * the change until it is INSYNC means parallel steps of one worker queue up instead of being throttled,
 * and the observe-then-change of each step is not interleaved with another's.
 */
final class ZoneLocks {

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    void run(String zoneKey, Runnable change) {
        ReentrantLock lock = locks.computeIfAbsent(zoneKey, k -> new ReentrantLock(true));
        lock.lock();
        try {
            change.run();
        } finally {
            lock.unlock();
        }
    }

    /** How many callers wait for the zone's lock; for tests. */
    int waiting(String zoneKey) {
        ReentrantLock lock = locks.get(zoneKey);
        return lock == null ? 0 : lock.getQueueLength();
    }
}
