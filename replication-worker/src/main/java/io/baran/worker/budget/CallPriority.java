package io.baran.worker.budget;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The tier ({@code spec.priority}, 1 first) of the execution a thread is calling a provider for: set by the worker's
 * activity interceptor from the call's {@code baran-priority} header, carried to the batches a step joins, and read by
 * {@link ApiBudget} to serve waiting tier-1 calls first. A call without one is tier {@value #DEFAULT} (a runbook's
 * default tier).
 */
public final class CallPriority {

    /** The tier of a call that carries none: a runbook without {@code spec.priority} is tier 3. */
    public static final int DEFAULT = 3;

    /** Calls no execution waits on (readiness checks): served after every waiting call of any tier. */
    public static final int BACKGROUND = 1_000;

    private static final ThreadLocal<Integer> TIER = new ThreadLocal<>();
    private static final ThreadLocal<Duration> DEFERRAL = new ThreadLocal<>();

    private CallPriority() {}

    /** The tier of the current thread's call. */
    public static int current() {
        Integer tier = TIER.get();
        return tier == null ? DEFAULT : tier;
    }

    /** Runs {@code work} as a call of {@code tier}, then restores the thread's tier. */
    public static <T> T with(int tier, Supplier<T> work) {
        Integer before = TIER.get();
        TIER.set(tier);
        try {
            return work.get();
        } finally {
            if (before == null) {
                TIER.remove();
            } else {
                TIER.set(before);
            }
        }
    }

    /** How much later than it arrives the current thread's call queues for the budget; zero unless {@link #deferred}. */
    public static Duration deferral() {
        Duration deferral = DEFERRAL.get();
        return deferral == null ? Duration.ZERO : deferral;
    }

    /**
     * Runs {@code work} with its calls queued for the budget as if they had arrived {@code by} later than they do: the
     * calls of their tier arriving within that time are served first, none arriving after it. For a call that only
     * confirms a change already made (Route 53's {@code GetChange}): the changes still waiting move traffic first, and
     * the confirmation is put off by no more than {@code by}, however many changes follow.
     */
    public static void deferred(Duration by, Runnable work) {
        Duration before = DEFERRAL.get();
        DEFERRAL.set(by);
        try {
            work.run();
        } finally {
            if (before == null) {
                DEFERRAL.remove();
            } else {
                DEFERRAL.set(before);
            }
        }
    }

    /** Runs {@code work} as a call of {@code tier}, then restores the thread's tier. */
    public static void run(int tier, Runnable work) {
        with(tier, () -> {
            work.run();
            return null;
        });
    }
}
