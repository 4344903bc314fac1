package io.baran.worker.budget;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The API budget of every provider account: one token per call, taken before the call is sent. A step that finds
 * the bucket empty waits (heartbeating) until a token is due, tier 1 first and in arrival order within a tier, for as long as its deadline
 * allows, and past it fails ProviderThrottled (retryable) without having called the provider.
 *
 * <p>Only the first of the calls waiting for a bucket in this process asks the {@link BucketStore}: the others queue
 * here, tier 1 first ({@link CallPriority}, from the execution's {@code baran-priority} header) and by arrival within
 * a tier, so a shared store is asked about once per token, however many steps wait. A call made {@link
 * CallPriority#deferred deferred} queues as if it had arrived that much later: the calls of its tier arriving meanwhile
 * go first, those arriving after that time do not.
 *
 * <p>A {@link CallPriority#BACKGROUND} call (a readiness check) takes a token only once no other call has waited for
 * the bucket for {@link #QUIET}: while executions call the provider (a mass failover), the tokens that fall due between
 * their calls are left for their next calls instead of going to readiness rounds.
 */
public final class ApiBudget implements AutoCloseable {

    private static final Duration BEAT = Duration.ofSeconds(1);

    /** How long a bucket must have had no call of an execution before a background call takes a token of it. */
    static final Duration QUIET = Duration.ofSeconds(2);

    private final BucketStore store;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Queue> queues = new ConcurrentHashMap<>();

    public ApiBudget(BucketStore store) {
        this(store, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()}: when a call arrives in the queue */
    ApiBudget(BucketStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A budget in this process only: one worker replica, tests. */
    public static ApiBudget local() {
        return new ApiBudget(new LocalBuckets());
    }

    public String describe() {
        return store.describe();
    }

    /**
     * Waits for a token of the bucket and takes it, after every waiting call of a better tier ({@link CallPriority} of
     * the calling thread) and every earlier call of the same tier.
     *
     * @param deadline  {@link System#nanoTime()} past which the call is not worth waiting for
     * @param what      the call, for the heartbeat and the failure, e.g. {@code ChangeResourceRecordSets on zone example.com.}
     */
    public void take(String bucket, Limit limit, long deadline, Heartbeat heartbeat, String what) {
        take(bucket, limit, deadline, heartbeat, what, CallPriority.current());
    }

    /** As {@link #take(String, Limit, long, Heartbeat, String)}, for a call of {@code tier} (1 first). */
    public void take(String bucket, Limit limit, long deadline, Heartbeat heartbeat, String what, int tier) {
        Queue queue = queues.computeIfAbsent(bucket, b -> new Queue(clock));
        Ticket ticket =
                queue.enter(tier, clock.getAsLong() + CallPriority.deferral().toNanos());
        try {
            while (true) {
                Duration wait = queue.askIfFirst(ticket, BEAT, () -> store.tryTake(bucket, limit));
                if (wait == null) {
                    checkDeadline(deadline, bucket, limit, what);
                    heartbeat.beat(
                            "waiting for the API budget of " + bucket + " (" + limit.describe() + ") for " + what);
                    continue;
                }
                if (wait.isZero()) {
                    return;
                }
                checkDeadline(deadline - wait.toNanos(), bucket, limit, what);
                long pause = Math.min(wait.toNanos(), BEAT.toNanos());
                // First in line while it sleeps, unless a call of a better tier arrives meanwhile: it then goes first.
                TimeUnit.NANOSECONDS.sleep(Math.max(1_000_000, pause));
                if (pause < wait.toNanos()) {
                    heartbeat.beat(
                            "waiting for the API budget of " + bucket + " (" + limit.describe() + ") for " + what);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the API budget of " + bucket, e);
        } finally {
            queue.leave(ticket);
        }
    }

    /** How many calls wait for a token of the bucket in this process; for tests. */
    int waiting(String bucket) {
        Queue queue = queues.get(bucket);
        return queue == null ? 0 : queue.size();
    }

    private static void checkDeadline(long deadline, String bucket, Limit limit, String what) {
        if (System.nanoTime() > deadline) {
            throw Failures.of(
                    FailureTypes.PROVIDER_THROTTLED,
                    what + ": the API budget of " + bucket + " (" + limit.describe()
                            + ") has no token left before the step's deadline; not sent, the step will be tried again");
        }
    }

    @Override
    public void close() {
        store.close();
    }

    /** @param queuedAs when the call counts as arrived (nanoseconds; later than it came when it is deferred) */
    private record Ticket(int tier, long queuedAs, long sequence) {}

    /**
     * The calls waiting for one bucket: the best tier first, then by arrival. Only the first asks the store, and a
     * background call only once the bucket has been {@link #QUIET}.
     */
    private static final class Queue {
        private final LongSupplier clock;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final PriorityQueue<Ticket> waiting = new PriorityQueue<>(Comparator.comparingInt(Ticket::tier)
                .thenComparing((a, b) -> Long.signum(a.queuedAs() - b.queuedAs()))
                .thenComparingLong(Ticket::sequence));
        private long arrivals;
        /** When a call of an execution (not background) last came or left; none yet when {@code urgentSeen} is false. */
        private long lastUrgent;

        private boolean urgentSeen;
        /** Whether a call of this queue is asking the store now: only one at a time does. */
        private boolean asking;

        Queue(LongSupplier clock) {
            this.clock = clock;
        }

        Ticket enter(int tier, long queuedAs) {
            lock.lock();
            try {
                sawUrgent(tier);
                Ticket ticket = new Ticket(tier, queuedAs, arrivals++);
                waiting.add(ticket);
                changed.signalAll();
                return ticket;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Waits at most {@code patience} for the ticket to be first and no other call to be asking, then asks the store;
         * null when it was not its turn in time. The store is asked outside the queue's lock: a store slow to answer
         * (a database, within its timeout) keeps the other calls waiting their turn, not stuck on the lock, so they go
         * on heartbeating and watching their deadlines.
         */
        Duration askIfFirst(Ticket ticket, Duration patience, Supplier<Duration> ask) throws InterruptedException {
            long left = patience.toNanos();
            lock.lock();
            try {
                while (asking || waiting.peek() != ticket || quietIn(ticket) > 0) {
                    if (left <= 0) {
                        return null;
                    }
                    long quiet = !asking && waiting.peek() == ticket ? quietIn(ticket) : left;
                    long waited = Math.min(left, Math.max(1_000_000, quiet));
                    left -= waited - changed.awaitNanos(waited);
                }
                asking = true;
            } finally {
                lock.unlock();
            }
            try {
                return ask.get();
            } finally {
                lock.lock();
                try {
                    asking = false;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        void leave(Ticket ticket) {
            lock.lock();
            try {
                sawUrgent(ticket.tier());
                waiting.remove(ticket);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** How long (nanoseconds) the ticket, a background call, must still wait for the bucket to be quiet; 0: none. */
        private long quietIn(Ticket ticket) {
            if (ticket.tier() < CallPriority.BACKGROUND || !urgentSeen) {
                return 0;
            }
            return Math.max(0, lastUrgent + QUIET.toNanos() - clock.getAsLong());
        }

        private void sawUrgent(int tier) {
            if (tier < CallPriority.BACKGROUND) {
                lastUrgent = clock.getAsLong();
                urgentSeen = true;
            }
        }

        int size() {
            lock.lock();
            try {
                return waiting.size();
            } finally {
                lock.unlock();
            }
        }
    }
}
