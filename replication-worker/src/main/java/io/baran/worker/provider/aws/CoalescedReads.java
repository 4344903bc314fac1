package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.budget.CallPriority;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Reads of one zone asked for at about the same time, answered by one read: the first waits a few milliseconds for
 * others, and those asked while a read is under way wait for the next one, so every answer is at least as fresh as
 * its question. Many steps observing records of one zone (the plans and the checks of a mass failover) then cost a
 * few listings of the zone instead of one call each. A read first waits for its {@link Turn} (a token of the account's
 * API budget) and only then gathers its questions: those asked while it waited for the budget share it, so the more
 * the budget holds reads back, the more each answers. A read goes for the best tier ({@link CallPriority}) among the
 * questions waiting when it begins to wait for its turn.
 *
 * @param <V> what one read returns for all the keys asked (Route 53: the record sets by name and type)
 */
final class CoalescedReads<V> {

    private final Function<List<String>, V> reader;
    private final Turn turn;
    private final Duration window;
    private final Executor executor;
    private final Object lock = new Object();
    private final List<Pending<V>> pending = new ArrayList<>();
    private boolean reading;
    private boolean underWay;
    private int reads;

    /** What a read waits for before it gathers its questions, on the thread that then reads. */
    interface Turn {
        Turn NONE = new Turn() {
            @Override
            public void await() {}

            @Override
            public void forfeit() {}
        };

        /** Waits until the read may be sent (e.g. takes a token of the budget for this thread's next call). */
        void await();

        /** Gives up what {@link #await} took and the read did not use. */
        void forfeit();
    }

    /** @param reader reads the zone for the keys asked (distinct, in the order asked) */
    CoalescedReads(Function<List<String>, V> reader, Duration window, Executor executor) {
        this(reader, Turn.NONE, window, executor);
    }

    /**
     * @param reader reads the zone for the keys asked (distinct, in the order asked)
     * @param turn   waited for before the questions are gathered
     */
    CoalescedReads(Function<List<String>, V> reader, Turn turn, Duration window, Executor executor) {
        this.reader = reader;
        this.turn = turn;
        this.window = window;
        this.executor = executor;
    }

    /** The read that answers {@code key}, heartbeating while it waits; ProviderUnavailable (retryable) past {@code patience}. */
    V read(String key, Heartbeat heartbeat, String what, Duration patience) {
        Pending<V> p = new Pending<>(key, new CompletableFuture<>(), CallPriority.current());
        synchronized (lock) {
            pending.add(p);
            if (!reading) {
                reading = true;
                executor.execute(this::drain);
            }
        }
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return p.result.get(
                        Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() >= deadline) {
                    p.result.cancel(false);
                    throw Failures.of(
                            FailureTypes.PROVIDER_UNAVAILABLE,
                            what + ": not read within " + patience.toSeconds() + " s");
                }
                heartbeat.beat("reading " + what);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + what, e);
            }
        }
    }

    /** Whether a read is under way or waits to be made (not the pause after the last one). */
    boolean busy() {
        synchronized (lock) {
            return underWay || !pending.isEmpty();
        }
    }

    /** How many questions wait for a read not yet sent; for tests. */
    int waiting() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /** How many reads were made; for tests. */
    int reads() {
        synchronized (lock) {
            return reads;
        }
    }

    private void drain() {
        while (true) {
            if (!window.isZero()) {
                try {
                    Thread.sleep(window.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (lock) {
                pending.removeIf(p -> p.result.isDone());
                if (pending.isEmpty()) {
                    reading = false;
                    return;
                }
            }
            int tier;
            synchronized (lock) {
                tier = pending.stream().mapToInt(Pending::tier).min().orElse(CallPriority.DEFAULT);
            }
            try {
                CallPriority.run(tier, turn::await);
            } catch (RuntimeException | Error e) {
                // No read is made: those waiting hear why (a budget that could not be had before the deadline).
                List<Pending<V>> waiting;
                synchronized (lock) {
                    waiting = new ArrayList<>(pending);
                    pending.clear();
                }
                waiting.forEach(p -> p.result.completeExceptionally(e));
                continue;
            }
            List<Pending<V>> asked;
            synchronized (lock) {
                asked = new ArrayList<>(pending);
                pending.clear();
                asked.removeIf(p -> p.result.isDone());
                if (asked.isEmpty()) {
                    turn.forfeit();
                    reading = false;
                    return;
                }
                reads++;
                underWay = true;
            }
            LinkedHashSet<String> keys = new LinkedHashSet<>();
            asked.forEach(p -> keys.add(p.key));
            try {
                V answer = CallPriority.with(tier, () -> reader.apply(List.copyOf(keys)));
                asked.forEach(p -> p.result.complete(answer));
            } catch (RuntimeException | Error e) {
                asked.forEach(p -> p.result.completeExceptionally(e));
            } finally {
                turn.forfeit();
                synchronized (lock) {
                    underWay = false;
                }
            }
        }
    }

    private record Pending<V>(String key, CompletableFuture<V> result, int tier) {}
}
