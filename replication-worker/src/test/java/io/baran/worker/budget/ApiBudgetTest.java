package io.baran.worker.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.Polling;
import io.baran.worker.Heartbeat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The order in which waiting calls get a bucket's tokens: tier 1 first, by arrival within a tier. */
class ApiBudgetTest {

    private static final String BUCKET = "aws:shop:route53";
    private static final Limit ONE_PER_SECOND = new Limit(1, 1);

    private final AtomicLong now = new AtomicLong();
    /** When calls arrive in the queue: apart from the bucket's clock, so a call can come later without a token. */
    private final AtomicLong arrivals = new AtomicLong();

    private final ApiBudget budget = new ApiBudget(new LocalBuckets(now::get), arrivals::get);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<String> served = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void withTheBucketExhaustedAWaitingTierOneCallIsServedBeforeATierThreeCallThatCameFirst() throws Exception {
        take("the burst", CallPriority.DEFAULT).get(10, TimeUnit.SECONDS);
        served.clear();

        Future<?> tier3 = take("tier-3 call", 3);
        awaitWaiting(1);
        Future<?> tier1 = take("tier-1 call", 1);
        awaitWaiting(2);

        now.addAndGet(Duration.ofSeconds(1).toNanos()); // one token
        tier1.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("tier-1 call"), served, "the one token went to the tier-1 call");

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        tier3.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("tier-1 call", "tier-3 call"), served);
    }

    @Test
    void withinATierCallsAreServedInArrivalOrder() throws Exception {
        take("the burst", 2).get(10, TimeUnit.SECONDS);
        served.clear();

        Future<?> first = take("first", 2);
        awaitWaiting(1);
        Future<?> second = take("second", 2);
        awaitWaiting(2);
        Future<?> third = take("third", 2);
        awaitWaiting(3);

        for (Future<?> next : List.of(first, second, third)) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            next.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("first", "second", "third"), served);
    }

    @Test
    void theThreadsTierIsTheCallsTier() throws Exception {
        take("the burst", 1).get(10, TimeUnit.SECONDS);
        served.clear();

        Future<?> tier5 = threads.submit(() -> CallPriority.run(5, () -> takeAsThread("tier-5 call")));
        awaitWaiting(1);
        Future<?> tier2 = threads.submit(() -> CallPriority.run(2, () -> takeAsThread("tier-2 call")));
        awaitWaiting(2);

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        tier2.get(10, TimeUnit.SECONDS);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        tier5.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("tier-2 call", "tier-5 call"), served);
    }

    @Test
    void aDeferredCallGoesAfterTheCallsOfItsTierArrivingWithinItsDeferralAndBeforeThoseArrivingLater()
            throws Exception {
        take("the burst", 3).get(10, TimeUnit.SECONDS);
        served.clear();

        Future<?> confirmation = threads.submit(() -> CallPriority.run(
                3, () -> CallPriority.deferred(Duration.ofSeconds(5), () -> takeAsThread("deferred confirmation"))));
        awaitWaiting(1);
        arrivals.addAndGet(Duration.ofSeconds(4).toNanos());
        Future<?> within = take("change within 5 s", 3);
        awaitWaiting(2);
        arrivals.addAndGet(Duration.ofSeconds(2).toNanos());
        Future<?> later = take("change 6 s later", 3);
        awaitWaiting(3);
        Future<?> better = take("tier-1 change", 1);
        awaitWaiting(4);

        for (Future<?> next : List.of(better, within, confirmation, later)) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            next.get(10, TimeUnit.SECONDS);
        }
        assertEquals(
                List.of("tier-1 change", "change within 5 s", "deferred confirmation", "change 6 s later"), served);
        assertEquals(Duration.ZERO, CallPriority.deferral(), "a thread's calls are deferred only inside deferred()");
    }

    @Test
    void aBackgroundCallWaitsUntilNoCallOfAnExecutionHasComeForTheQuietTime() throws Exception {
        take("a step's call", 3).get(10, TimeUnit.SECONDS);
        served.clear();
        now.addAndGet(Duration.ofSeconds(5).toNanos()); // the bucket is full again

        Future<?> readiness = take("readiness check", CallPriority.BACKGROUND);
        awaitWaiting(1);
        Thread.sleep(1_500); // longer than a waiting call's beat: it asked again, and was held back
        assertEquals(List.of(), served, "a token was due, but a step called less than the quiet time ago");

        arrivals.addAndGet(ApiBudget.QUIET.toNanos());
        readiness.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("readiness check"), served);

        // With no call of an execution before it, a background call does not wait.
        ApiBudget fresh = new ApiBudget(new LocalBuckets(now::get), arrivals::get);
        threads.submit(() -> fresh.take(
                        BUCKET,
                        ONE_PER_SECOND,
                        System.nanoTime() + Duration.ofMinutes(1).toNanos(),
                        Heartbeat.NONE,
                        "first readiness check",
                        CallPriority.BACKGROUND))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void whileTheStoreIsSlowToAnswerOneCallTheOthersWaitingForTheBucketGoOnHeartbeating() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        ApiBudget slow = new ApiBudget(new BucketStore() {
            @Override
            public Duration tryTake(String bucket, Limit limit) {
                asked.countDown();
                try {
                    answer.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Duration.ZERO;
            }

            @Override
            public String describe() {
                return "a store that answers when the test lets it";
            }
        });
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        Future<?> first = threads.submit(() -> slow.take(BUCKET, ONE_PER_SECOND, deadline, Heartbeat.NONE, "first"));
        assertTrue(asked.await(10, TimeUnit.SECONDS), "the first call asked the store");
        CountDownLatch beat = new CountDownLatch(1);
        Future<?> second = threads.submit(
                () -> slow.take(BUCKET, ONE_PER_SECOND, deadline, details -> beat.countDown(), "second"));
        try {
            assertTrue(
                    beat.await(10, TimeUnit.SECONDS),
                    "the second call heartbeats while the first one waits for the store's answer");
        } finally {
            answer.countDown();
        }
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
    }

    private Future<?> take(String what, int tier) {
        return threads.submit(() -> {
            budget.take(
                    BUCKET,
                    ONE_PER_SECOND,
                    System.nanoTime() + Duration.ofMinutes(1).toNanos(),
                    Heartbeat.NONE,
                    what,
                    tier);
            served.add(what);
        });
    }

    private void takeAsThread(String what) {
        budget.take(
                BUCKET,
                ONE_PER_SECOND,
                System.nanoTime() + Duration.ofMinutes(1).toNanos(),
                Heartbeat.NONE,
                what);
        served.add(what);
    }

    private void awaitWaiting(int calls) {
        Polling.until(
                () -> budget.waiting(BUCKET),
                n -> n == calls,
                Duration.ofSeconds(10),
                Duration.ofMillis(10),
                n -> n + " call(s) waiting, not " + calls);
    }
}
