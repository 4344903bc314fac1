package io.baran.worker.replication;

import java.util.concurrent.atomic.AtomicLong;

/** A pass under way: what its plan holds to do, and what it has done so far (the live backlog). */
final class PassProgress {

    final long plannedObjects;
    final long plannedBytes;
    final AtomicLong doneObjects = new AtomicLong();
    final AtomicLong doneBytes = new AtomicLong();

    PassProgress(long plannedObjects, long plannedBytes) {
        this.plannedObjects = plannedObjects;
        this.plannedBytes = plannedBytes;
    }

    long remainingObjects() {
        return Math.max(0, plannedObjects - doneObjects.get());
    }

    long remainingBytes() {
        return Math.max(0, plannedBytes - doneBytes.get());
    }
}
