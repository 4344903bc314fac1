package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.Heartbeat;
import io.baran.worker.budget.CallPriority;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Questions asked while a read waits for its turn in the budget are answered by that read. */
@Timeout(30)
class CoalescedReadsTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<List<String>> reads = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void questionsAskedWhileTheReadWaitsForTheBudgetShareIt() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch budgetGives = new CountDownLatch(1);
        List<String> forfeits = new CopyOnWriteArrayList<>();
        CoalescedReads<List<String>> coalesced = new CoalescedReads<>(
                this::read,
                new CoalescedReads.Turn() {
                    @Override
                    public void await() {
                        waiting.countDown();
                        try {
                            assertTrue(budgetGives.await(10, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }

                    @Override
                    public void forfeit() {
                        forfeits.add("after a read");
                    }
                },
                Duration.ofMillis(5),
                pool);

        CompletableFuture<List<String>> first = ask(coalesced, "a A");
        assertTrue(waiting.await(10, TimeUnit.SECONDS), "the read waits for its turn");
        List<CompletableFuture<List<String>>> later = List.of(ask(coalesced, "b A"), ask(coalesced, "c A"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (coalesced.waiting() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(3, coalesced.waiting(), "the three questions wait, the read not sent yet");
        budgetGives.countDown();

        // b and c are asked from two threads at once: in either order, both after a.
        assertEquals(List.of("a A", "b A", "c A"), sorted(first.get(10, TimeUnit.SECONDS)));
        assertEquals("a A", first.get().get(0));
        for (CompletableFuture<List<String>> answer : later) {
            assertEquals(List.of("a A", "b A", "c A"), sorted(answer.get(10, TimeUnit.SECONDS)));
        }
        assertEquals(1, reads.size(), "one read for the three: " + reads);
        assertTrue(!forfeits.isEmpty(), "what the turn took is given up once the read is done");
    }

    @Test
    void aTurnThatCannotBeHadFailsTheQuestionsWaitingWithItsReason() {
        CoalescedReads<List<String>> coalesced = new CoalescedReads<>(
                this::read,
                new CoalescedReads.Turn() {
                    @Override
                    public void await() {
                        throw new IllegalStateException("no token of the budget within the deadline");
                    }

                    @Override
                    public void forfeit() {}
                },
                Duration.ofMillis(5),
                pool);

        IllegalStateException failure = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> coalesced.read("a A", Heartbeat.NONE, "a A in zone example.com.", Duration.ofSeconds(10)));
        assertEquals("no token of the budget within the deadline", failure.getMessage());
        assertTrue(reads.isEmpty(), "nothing was read");
    }

    @Test
    void aReadGoesForTheBestTierAmongTheQuestionsWaitingForIt() throws Exception {
        List<Integer> turnTiers = new CopyOnWriteArrayList<>();
        List<Integer> readTiers = new CopyOnWriteArrayList<>();
        CoalescedReads<List<String>> coalesced = new CoalescedReads<>(
                keys -> {
                    readTiers.add(CallPriority.current());
                    return read(keys);
                },
                new CoalescedReads.Turn() {
                    @Override
                    public void await() {
                        turnTiers.add(CallPriority.current());
                    }

                    @Override
                    public void forfeit() {}
                },
                Duration.ofSeconds(1), // both questions are asked within the first one's window
                pool);

        CompletableFuture<List<String>> tier5 = askAs(coalesced, 5, "a A");
        CompletableFuture<List<String>> tier2 = askAs(coalesced, 2, "b A");
        assertEquals(List.of("a A", "b A"), sorted(tier5.get(10, TimeUnit.SECONDS)));
        assertEquals(List.of("a A", "b A"), sorted(tier2.get(10, TimeUnit.SECONDS)));

        assertEquals(List.of(2), turnTiers, "the turn is taken for the tier-2 question");
        assertEquals(List.of(2), readTiers, "and the read made for it");
    }

    private CompletableFuture<List<String>> askAs(CoalescedReads<List<String>> coalesced, int tier, String key) {
        return CompletableFuture.supplyAsync(
                () -> CallPriority.with(tier, () -> coalesced.read(key, Heartbeat.NONE, key, Duration.ofSeconds(10))),
                pool);
    }

    private static List<String> sorted(List<String> keys) {
        return keys.stream().sorted().toList();
    }

    /** The zone's read: answers the keys asked, and keeps what each read was asked. */
    private List<String> read(List<String> keys) {
        reads.add(keys);
        return keys;
    }

    private CompletableFuture<List<String>> ask(CoalescedReads<List<String>> coalesced, String key) {
        return CompletableFuture.supplyAsync(
                () -> coalesced.read(key, Heartbeat.NONE, key + " in zone example.com.", Duration.ofSeconds(10)), pool);
    }
}
