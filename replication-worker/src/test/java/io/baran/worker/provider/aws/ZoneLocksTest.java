package io.baran.worker.provider.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ZoneLocksTest {

    @Test
    void aSecondChangeToTheSameZoneWaitsWhileAnotherZoneGoesAhead() throws InterruptedException {
        ZoneLocks locks = new ZoneLocks();
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicBoolean secondRan = new AtomicBoolean();
        Thread first = new Thread(() -> locks.run("Z1", () -> {
            firstInside.countDown();
            await(releaseFirst);
        }));
        first.start();
        assertTrue(firstInside.await(10, TimeUnit.SECONDS));

        Thread second = new Thread(() -> locks.run("Z1", () -> secondRan.set(true)));
        second.start();
        while (locks.waiting("Z1") == 0) {
            Thread.sleep(10);
        }
        AtomicBoolean otherZoneRan = new AtomicBoolean();
        locks.run("Z2", () -> otherZoneRan.set(true));

        assertTrue(otherZoneRan.get(), "another zone is not held up");
        assertFalse(secondRan.get(), "the same zone waits for the change in progress");
        assertEquals(1, locks.waiting("Z1"));
        releaseFirst.countDown();
        second.join(10_000);
        first.join(10_000);
        assertTrue(secondRan.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
