package io.baran.worker.replication;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Where a call of a store the test passes through ({@link ForwardingStore}) is held, to fail a replica over at that
 * moment: armed for a number of calls, each counts down {@link #reached} and waits (at most 60 s)
 * for {@link #release}.
 */
final class Hold {
    private volatile CountDownLatch reached = new CountDownLatch(0);
    private volatile CountDownLatch release = new CountDownLatch(0);

    /** The next {@code calls} calls wait until {@link #release}. */
    void arm(int calls) {
        release = new CountDownLatch(1);
        reached = new CountDownLatch(calls);
    }

    /** Waits (at most 30 s) until the armed calls are all held; false when they did not come. */
    boolean reached() throws InterruptedException {
        return reached.await(30, TimeUnit.SECONDS);
    }

    void release() {
        release.countDown();
    }

    void here() {
        if (release.getCount() == 0) {
            return;
        }
        reached.countDown();
        try {
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("held for 60 s: the test never released the call");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while held", e);
        }
    }
}
