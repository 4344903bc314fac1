package io.baran.worker.replication;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The only memory replication holds object bytes in: a fixed number of part-sized buffers, allocated on
 * first use and reused. Whoever needs one waits until one is free, so memory stays at most
 * {@code count × size} however large or many the objects are.
 */
final class BufferPool {

    private final int size;
    private final int count;
    private final BlockingQueue<byte[]> free;
    private final AtomicInteger allocated = new AtomicInteger();

    BufferPool(int size, int count) {
        this.size = size;
        this.count = count;
        this.free = new ArrayBlockingQueue<>(count);
    }

    byte[] acquire() throws InterruptedException {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (allocated.incrementAndGet() <= count) {
            return new byte[size];
        }
        allocated.decrementAndGet();
        return free.take();
    }

    void release(byte[] buffer) {
        if (buffer != null) {
            free.offer(buffer);
        }
    }

    int size() {
        return size;
    }

    /** Buffers allocated so far (never more than the count). */
    int allocated() {
        return Math.min(allocated.get(), count);
    }
}
