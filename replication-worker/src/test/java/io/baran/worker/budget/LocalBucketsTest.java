package io.baran.worker.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-process token bucket, on a clock the test moves. */
class LocalBucketsTest {

    private final AtomicLong now = new AtomicLong();
    private final LocalBuckets buckets = new LocalBuckets(now::get);
    private final Limit fivePerSecond = new Limit(5, 4);

    @Test
    void aNewBucketGivesItsBurstAtOnceThenOneTokenPerFifthOfASecond() {
        for (int i = 0; i < 4; i++) {
            assertEquals(
                    Duration.ZERO,
                    buckets.tryTake("aws:shop:route53", fivePerSecond),
                    "token " + (i + 1) + " of the burst");
        }
        Duration wait = buckets.tryTake("aws:shop:route53", fivePerSecond);
        assertEquals(Duration.ofMillis(200), wait);

        now.addAndGet(Duration.ofMillis(199).toNanos());
        assertTrue(
                buckets.tryTake("aws:shop:route53", fivePerSecond).toNanos() > 0, "a token is not due before 200 ms");
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertEquals(Duration.ZERO, buckets.tryTake("aws:shop:route53", fivePerSecond));
    }

    @Test
    void aQuietSpellRefillsNoMoreThanTheBurst() {
        for (int i = 0; i < 4; i++) {
            buckets.tryTake("b", fivePerSecond);
        }
        now.addAndGet(Duration.ofMinutes(10).toNanos());

        int taken = 0;
        while (buckets.tryTake("b", fivePerSecond).isZero() && taken < 100) {
            taken++;
        }
        assertEquals(4, taken);
    }

    @Test
    void accountsAndApisHaveTheirOwnBuckets() {
        for (int i = 0; i < 4; i++) {
            buckets.tryTake("aws:shop:route53", fivePerSecond);
        }
        assertEquals(Duration.ZERO, buckets.tryTake("aws:shop:cloudfront", fivePerSecond));
        assertEquals(Duration.ZERO, buckets.tryTake("aws:other:route53", fivePerSecond));
    }

    @Test
    void aLimitWithoutARateOrBurstIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Limit(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Limit(5, 0));
    }
}
