package io.baran.orchestrator.workflow;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The waiting side of {@link ProviderSlots#await}: a queued execution waits for its provider slots in <em>one</em>
 * activity, however long the queue, so its history does not grow while it waits (change
 * {@code provider-slot-wait}).
 *
 * <p>The activity asks once; when the slots are taken it returns without completing (asynchronous completion) and the
 * execution joins this waiting list. One thread asks for every waiter every {@code poll} (each ask also keeps the
 * waiter's freshness, {@code seen_at}, up to date, so it keeps its place in the queue), heartbeats each waiter's
 * activity every {@code heartbeatEvery} with the current reason, and completes it once granted. Waiters hold no
 * thread and no activity slot of the worker, so a thousand queued executions do not starve the journal or the
 * {@code ReleaseProviderSlots} calls that would free their slots.
 *
 * <p>A heartbeat that finds the activity cancelled (the execution aborted) reports the cancellation and drops the
 * waiter; one that finds it gone (timed out, its orchestrator replaced) drops it: the next attempt waits again,
 * here or on another orchestrator instance. Asks that fail three times in a row complete the activity with a
 * non-retryable {@value #UNAVAILABLE}: the execution then goes on without the cap, as it does when the first ask
 * fails.
 */
public final class SlotWaiters implements AutoCloseable {

    /** Failure type of a wait the slot store could not answer. */
    public static final String UNAVAILABLE = "ProviderSlotsUnavailable";

    private static final Logger LOG = Logger.getLogger(SlotWaiters.class);
    private static final int FAILURES_IN_A_ROW = 3;

    private final Function<ProviderSlots.Ask, ProviderSlots.Grant> asker;
    private final ActivityCompletionClient completions;
    private final Duration heartbeatEvery;
    private final Map<String, Waiter> waiting = new ConcurrentHashMap<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final ScheduledExecutorService ticker;

    private static final class Waiter {
        final byte[] token;
        final ProviderSlots.Ask ask;
        final long arrival;
        long lastBeat;
        int failures;

        Waiter(byte[] token, ProviderSlots.Ask ask, long arrival, long now) {
            this.token = token;
            this.ask = ask;
            this.arrival = arrival;
            this.lastBeat = now;
        }
    }

    /**
     * @param asker          one ask, as {@link ProviderSlots#acquire} answers it
     * @param completions    completes, heartbeats and cancels the waiting activities
     * @param poll           how often every waiter asks again
     * @param heartbeatEvery how often each waiting activity heartbeats (well within its heartbeat timeout)
     */
    public SlotWaiters(
            Function<ProviderSlots.Ask, ProviderSlots.Grant> asker,
            ActivityCompletionClient completions,
            Duration poll,
            Duration heartbeatEvery) {
        this.asker = asker;
        this.completions = completions;
        this.heartbeatEvery = heartbeatEvery;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "baran-provider-slot-waiters");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(10, poll.toMillis());
        ticker.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Called from the activity {@code AwaitProviderSlots}: the grant when the slots are free now; otherwise it returns
     * null and the activity completes later, from the waiting list.
     */
    public ProviderSlots.Grant await(ProviderSlots.Ask ask) {
        ProviderSlots.Grant now = asker.apply(ask);
        if (now.granted()) {
            return now;
        }
        ActivityExecutionContext context = Activity.getExecutionContext();
        byte[] token = context.getTaskToken();
        context.doNotCompleteOnReturn();
        // A later attempt of the same execution's wait replaces an earlier one (which timed out).
        waiting.put(ask.executionId(), new Waiter(token, ask, arrivals.incrementAndGet(), System.nanoTime()));
        return null;
    }

    /** How many executions wait here. */
    public int size() {
        return waiting.size();
    }

    /** Asks for every waiter, tier first, then by arrival here; the store decides who gets a slot. */
    void tick() {
        List<Waiter> all = waiting.values().stream()
                .sorted(Comparator.comparingInt((Waiter w) -> w.ask.tier()).thenComparingLong(w -> w.arrival))
                .toList();
        for (Waiter waiter : all) {
            try {
                settle(waiter);
            } catch (RuntimeException e) {
                LOG.warnf(e, "provider slot wait of execution %s", waiter.ask.executionId());
            }
        }
    }

    private void settle(Waiter waiter) {
        String id = waiter.ask.executionId();
        ProviderSlots.Grant grant;
        try {
            grant = asker.apply(waiter.ask);
            waiter.failures = 0;
        } catch (RuntimeException e) {
            if (++waiter.failures < FAILURES_IN_A_ROW) {
                return;
            }
            waiting.remove(id, waiter);
            completeQuietly(
                    waiter,
                    () -> completions.completeExceptionally(
                            waiter.token,
                            ApplicationFailure.newNonRetryableFailure(
                                    "the provider slot store did not answer " + FAILURES_IN_A_ROW + " times in a row: "
                                            + e,
                                    UNAVAILABLE)));
            return;
        }
        if (grant.granted()) {
            waiting.remove(id, waiter);
            completeQuietly(waiter, () -> completions.complete(waiter.token, grant));
            return;
        }
        long now = System.nanoTime();
        if (now - waiter.lastBeat < heartbeatEvery.toNanos()) {
            return;
        }
        waiter.lastBeat = now;
        try {
            completions.heartbeat(waiter.token, grant.waitingFor());
        } catch (ActivityCompletionException e) {
            waiting.remove(id, waiter);
            // The client wraps what the heartbeat learnt: cancelled (the execution aborted) or gone (timed out: a later
            // attempt, if any, waits again).
            if (e instanceof ActivityCanceledException || e.getCause() instanceof ActivityCanceledException) {
                completeQuietly(waiter, () -> completions.reportCancellation(waiter.token, null));
            }
        }
    }

    private static void completeQuietly(Waiter waiter, Runnable completion) {
        try {
            completion.run();
        } catch (ActivityCompletionException e) {
            LOG.debugf("provider slot wait of execution %s already ended: %s", waiter.ask.executionId(), e);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
