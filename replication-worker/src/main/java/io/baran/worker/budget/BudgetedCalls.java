package io.baran.worker.budget;

import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The calls of one provider account to one API: each takes a token of the account's budget first (when the API has
 * one), and an answer that says "slow down" (a failure of type ProviderThrottled: Route 53's {@code Throttling} and
 * {@code PriorRequestNotComplete}, HTTP 429 of Google and Azure…) is answered by waiting and sending it again, with
 * jittered exponential backoff, heartbeating, for as long as the activity's own timeout allows. Only then does the
 * step see ProviderThrottled, which Temporal retries too: throttling never fails a step by itself.
 */
public final class BudgetedCalls {

    private static final Logger LOG = Logger.getLogger(BudgetedCalls.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** Left of the activity's start-to-close timeout for the step to report its outcome. */
    static final Duration MARGIN = Duration.ofSeconds(3);
    /** Outside an activity (a tool, a test), how long throttling may be waited out. */
    static final Duration OUTSIDE_AN_ACTIVITY = Duration.ofSeconds(60);

    private static final AtomicLong THROTTLED = new AtomicLong();
    /** The budget whose token this thread took ahead of its next call ({@link #prepay}). */
    private static final ThreadLocal<BudgetedCalls> PREPAID = new ThreadLocal<>();

    private final ApiBudget budget;
    private final String bucket;
    private final Optional<Limit> limit;
    private final Heartbeat heartbeat;

    /**
     * @param bucket the account and API, e.g. {@code aws:shop-prod:route53}: every call naming it draws from one bucket
     * @param limit  the budget, or empty for an API without one (its throttling is still waited out)
     */
    public BudgetedCalls(ApiBudget budget, String bucket, Optional<Limit> limit, Heartbeat heartbeat) {
        this.budget = budget;
        this.bucket = bucket;
        this.limit = limit;
        this.heartbeat = heartbeat;
    }

    public String bucket() {
        return bucket;
    }

    /**
     * The bucket as this budget holds it: calls that share it may share batches and reads too. Two providers of one worker
     * naming one account share it; two worker replicas (two budgets, even in one JVM, as tests run them) do not.
     */
    public String scope() {
        return bucket + "@" + Integer.toHexString(System.identityHashCode(budget));
    }

    public Optional<Limit> limit() {
        return limit;
    }

    /**
     * Sends the request within the budget, again after each throttled answer until the deadline.
     *
     * @param what    the call, e.g. {@code ChangeResourceRecordSets on 3 change(s) to zone example.com.}
     * @param request the call, throwing Baran's failure types (the provider's failure mapper has run)
     */
    public <T> T call(String what, Supplier<T> request) {
        long deadline = deadline();
        boolean prepaid = PREPAID.get() == this;
        if (prepaid) {
            PREPAID.remove();
        }
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1 || !prepaid) {
                limit.ifPresent(l -> budget.take(bucket, l, deadline, heartbeat, what));
            }
            try {
                return request.get();
            } catch (ApplicationFailure failure) {
                if (!FailureTypes.PROVIDER_THROTTLED.equals(failure.getType())) {
                    throw failure;
                }
                THROTTLED.incrementAndGet();
                Duration pause = backoff(attempt, ThreadLocalRandom.current().nextDouble());
                if (System.nanoTime() + pause.toNanos() > deadline) {
                    LOG.warnf(
                            "%s (given up after %d throttled answers: the step's deadline is near)",
                            failure.getOriginalMessage(), attempt);
                    throw failure;
                }
                LOG.debugf(
                        "%s; sent again in %d ms (throttled answer %d)",
                        failure.getOriginalMessage(), pause.toMillis(), attempt);
                heartbeat.beat("throttled by the provider, " + what + " sent again in " + pause.toMillis() + " ms");
                sleep(pause);
            }
        }
    }

    /**
     * Waits for a token of the budget now, for the next call this thread sends through it, which then takes none. A
     * caller that gathers questions while it waits for its turn ({@code CoalescedReads}) then answers with one call all
     * those asked by the time the budget let it go, instead of those asked before it began to wait.
     */
    public void prepay(String what) {
        limit.ifPresent(l -> budget.take(bucket, l, deadline(), heartbeat, what));
        PREPAID.set(this);
    }

    /** Forgets a token this thread prepaid and did not use (nothing was left to ask); it is not given back. */
    public static void forfeitPrepaid() {
        PREPAID.remove();
    }

    /**
     * The backoff after the {@code attempt}-th throttled answer: 200 ms doubling up to 5 s, of which a random share of
     * the upper half ("equal jitter"), so replicas throttled together do not come back together.
     */
    static Duration backoff(int attempt, double random) {
        long backoff =
                Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(16, Math.max(0, attempt - 1)));
        return Duration.ofMillis(backoff / 2 + (long) (random * (backoff - backoff / 2)));
    }

    /** How many throttled answers this worker has waited out or given up on since it started; for logs and benchmarks. */
    public static long throttledAnswers() {
        return THROTTLED.get();
    }

    /** The {@link System#nanoTime()} by which the current activity must end, less a margin; a minute outside one. */
    static long deadline() {
        long now = System.nanoTime();
        ActivityInfo info;
        try {
            info = Activity.getExecutionContext().getInfo();
        } catch (IllegalStateException | NullPointerException notInAnActivity) {
            return now + OUTSIDE_AN_ACTIVITY.toNanos();
        }
        Duration timeout = info.getStartToCloseTimeout();
        if (timeout == null || timeout.isZero()) {
            timeout = info.getScheduleToCloseTimeout();
        }
        if (timeout == null || timeout.isZero()) {
            return now + OUTSIDE_AN_ACTIVITY.toNanos();
        }
        long elapsedMillis = Math.max(0, System.currentTimeMillis() - info.getCurrentAttemptScheduledTimestamp());
        return now + Math.max(0, timeout.minus(MARGIN).toNanos() - TimeUnit.MILLISECONDS.toNanos(elapsedMillis));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off a throttled call", e);
        }
    }
}
