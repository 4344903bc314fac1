package io.baran.worker.provider;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.worker.budget.CallPriority;
import io.baran.workflow.FailureTypes;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serializes and batches the changes this worker makes to one hosted zone, whichever steps and executions they
 * come from (Route 53's {@code ChangeResourceRecordSets}, Cloud DNS's {@code changes.create}). Route 53 refuses a change
 * while it is still processing an earlier one to the same zone ({@code PriorRequestNotComplete}) and limits the rate of
 * requests per account, so every change to one zone goes in as few change batches as its limits allow: the first
 * request waits a few milliseconds for others, and requests arriving while a batch is in flight wait until it is
 * accepted, then go together in the next one (up to {@link #MAX_REQUESTS} requests are prepared together, and sent in
 * as many batches as {@link #MAX_CHANGES} changes and {@link #MAX_CHARACTERS} characters require).
 *
 * <p>A request's result comes when its batch is served (Route 53: INSYNC, every name server answers with it). For a
 * zone whose reads show a change as soon as the provider accepts it ({@link Zone#readsSeeAcceptedChanges}: Route 53)
 * the next batch does not wait for that: batches go one after the other as fast as they are accepted, and the batches
 * accepted and not yet served are watched by one thread, oldest first, each asked about only once the one before it is
 * served (one status call at a time per zone, however many batches propagate). Otherwise the next batch waits until
 * this one is served.
 *
 * <p>Each request is prepared (observed and checked against what its step expects) just before its batch
 * is sent, after every earlier batch of this worker is accepted (or served), so a check is never made against a state
 * one of this worker's own batches is about to change; the requests prepared together read the zone once
 * ({@link Zone#view}), or, for a batch that follows another without a pause in a zone whose changes are all
 * conditional at the provider, not at all ({@link Zone#recentView}). A request whose check fails, fails alone. A batch refused as a
 * whole (Route 53 refuses every change of a batch when one of them conflicts, e.g. a CREATE of a record someone made
 * meanwhile:
 * {@code InvalidChangeBatch}) is split in halves, each prepared afresh and sent again, down to single requests,
 * so only the conflicting request fails and the others cost a few more batches, not one each. Two requests for
 * one record set never share a batch.
 *
 * @param <C> one change of a batch (Route 53's {@code Change})
 * @param <V> what the requests of a batch read of the zone, once for all of them
 */
public final class ZoneBatcher<C, V> {

    /** What the batcher needs of the provider's API for one zone. */
    public interface Zone<C, V> {
        /** Sends the changes as one batch and returns its id; throws when the batch is refused, as a whole. */
        String submit(List<C> changes);

        /** Returns once the batch is served everywhere; throws (retryably) past the sync timeout. */
        void awaitInSync(String changeId);

        /**
         * Whether a batch the provider accepted shows at once in {@link #view} and is applied before the next batch, so
         * the next batch may be prepared and sent while this one propagates. False by default: the next batch waits
         * until this one is served.
         */
        default boolean readsSeeAcceptedChanges() {
            return false;
        }

        /** Reads what the requests with these record keys need to prepare their changes; null when they read nothing. */
        default V view(List<String> recordKeys) {
            return null;
        }

        /**
         * What the requests with these record keys need, from what is known of the zone already instead of a read (Route
         * 53: its last listing and this worker's changes accepted since); null when it is not known. Asked only for a
         * batch that follows another without a pause (the first after a pause reads). Only a zone whose every change is
         * conditional at the provider may answer (Route 53: a DELETE of the set as read, a CREATE), so a record that is
         * no longer as the view says makes the provider refuse the batch: it is then prepared again from a read and sent
         * again. A request prepared from it that finds nothing to change, or fails, is prepared again
         * from a read: only a change may come of an old view. None by default.
         */
        default V recentView(List<String> recordKeys) {
            return null;
        }

        /**
         * Waits, on the thread that then prepares the batch, until its read of the zone may be sent (Route 53: takes the
         * API budget's token for it), before the batch's requests are gathered: those queued meanwhile join it. Does
         * nothing by default.
         */
        default void awaitTurn() {}

        /** Gives up what {@link #awaitTurn} took and the batch did not use. */
        default void forfeitTurn() {}

        /** How many elements a change counts for towards {@link #MAX_CHANGES}; one by default. */
        default int elements(C change) {
            return 1;
        }

        /** How many characters a change counts for towards {@link #MAX_CHARACTERS}; none by default. */
        default int characters(C change) {
            return 0;
        }

        /** How many elements ({@link #elements}) one batch may hold: Route 53's by default. */
        default int maxChanges() {
            return MAX_CHANGES;
        }

        /** How many characters ({@link #characters}) one batch may hold: Route 53's by default. */
        default int maxCharacters() {
            return MAX_CHARACTERS;
        }
    }

    /**
     * How much later than they are asked, in the API budget's queue, the calls confirming a batch accepted and
     * propagating count as asked ({@link CallPriority#deferred}).
     */
    static final Duration CONFIRMATIONS_DEFERRED = Duration.ofSeconds(5);

    /** At most this many preparations of one batch run at once. */
    static final int PREPARERS = 16;
    /** At most this many requests are prepared together (their changes may then take several batches). */
    public static final int MAX_REQUESTS = 1000;
    /** Route 53: at most 1,000 ResourceRecord elements in a batch (an UPSERT's count twice). */
    public static final int MAX_CHANGES = 1000;
    /** Route 53: at most 32,000 characters of record values in a batch (an UPSERT's count twice). */
    public static final int MAX_CHARACTERS = 32_000;

    private final Zone<C, V> zone;
    private final Duration window;
    private final Executor executor;
    private final Object lock = new Object();
    private final List<Request<C, V>> queue = new ArrayList<>();
    private final AtomicInteger batchesSent = new AtomicInteger();
    /** Batches accepted and not yet served, oldest first ({@link Zone#readsSeeAcceptedChanges}). */
    private final ArrayDeque<Accepted<C, V>> unserved = new ArrayDeque<>();

    private boolean draining;
    private boolean sending;
    private boolean watching;

    /**
     * @param window   how long the first request of a batch waits for others
     * @param executor runs the batches, one at a time per zone
     */
    public ZoneBatcher(Zone<C, V> zone, Duration window, Executor executor) {
        this.zone = zone;
        this.window = window;
        this.executor = executor;
    }

    /**
     * Queues one request and returns its result: true when its changes were made and served, false when
     * {@code prepare} found nothing to change; failed with what its preparation or its batch threw.
     *
     * @param recordKey identifies the record set(s) the request changes: two requests with one key go in different batches
     * @param prepare   observes and checks, then returns the changes to make (empty: nothing to do), or throws
     */
    public CompletableFuture<Boolean> submit(String recordKey, Supplier<List<C>> prepare) {
        return submit(recordKey, (Function<V, List<C>>) view -> prepare.get());
    }

    /** As {@link #submit(String, Supplier)}, preparing from what the batch read of the zone ({@link Zone#view}). */
    public CompletableFuture<Boolean> submit(String recordKey, Function<V, List<C>> prepare) {
        Request<C, V> request = new Request<>(
                recordKey,
                prepare,
                new CompletableFuture<>(),
                CallPriority.current(),
                Context.current(),
                new java.util.concurrent.atomic.AtomicBoolean());
        synchronized (lock) {
            queue.add(request);
            if (!draining) {
                draining = true;
                executor.execute(this::drain);
            }
        }
        return request.result;
    }

    /**
     * Submits and waits for the result, heartbeating while it waits; gives up (ProviderUnavailable, retryable)
     * after {@code patience}, withdrawing the request if it was not sent yet.
     */
    public boolean run(
            String recordKey, Supplier<List<C>> prepare, Heartbeat heartbeat, String what, Duration patience) {
        return run(recordKey, (Function<V, List<C>>) view -> prepare.get(), heartbeat, what, patience);
    }

    /** As {@link #run(String, Supplier, Heartbeat, String, Duration)}, preparing from what the batch read of the zone. */
    public boolean run(
            String recordKey, Function<V, List<C>> prepare, Heartbeat heartbeat, String what, Duration patience) {
        CompletableFuture<Boolean> result = submit(recordKey, prepare);
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return result.get(
                        Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() >= deadline) {
                    result.cancel(false);
                    throw Failures.of(
                            FailureTypes.PROVIDER_UNAVAILABLE,
                            what + ": not made within " + patience.toSeconds()
                                    + " s (earlier changes to the zone are still pending)");
                }
                try {
                    heartbeat.beat("waiting for the change of " + what);
                } catch (RuntimeException cancelled) {
                    // The step was cancelled: its change must not be made later behind its back.
                    result.cancel(false);
                    throw cancelled;
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                result.cancel(false);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the change of " + what, e);
            }
        }
    }

    /** How many batches were sent to the provider; for tests and logs. */
    public int batchesSent() {
        return batchesSent.get();
    }

    /** Whether a batch is being prepared or sent, or requests wait for one (not the pause after the last one). */
    public boolean busy() {
        synchronized (lock) {
            return sending || !queue.isEmpty();
        }
    }

    /** How many batches were accepted and are not served yet; for tests. */
    public int unserved() {
        synchronized (lock) {
            return unserved.size();
        }
    }

    /** Whether a thread sends the zone's batches, one after the other (ends once none is left); for tests. */
    boolean draining() {
        synchronized (lock) {
            return draining;
        }
    }

    /** How many requests wait for a batch; for tests. */
    public int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private void drain() {
        try {
            drainQueue();
        } catch (RuntimeException | Error unexpected) {
            synchronized (lock) {
                queue.forEach(r -> r.result.completeExceptionally(unexpected));
                queue.clear();
                draining = false;
            }
            throw unexpected;
        }
    }

    private void drainQueue() {
        // A batch that follows another without a pause (a burst) may be prepared from what is known of the zone; the
        // first one after a pause reads it: a record someone changed meanwhile is planned as it is.
        boolean following = false;
        while (true) {
            pause(window);
            int waitingTier;
            synchronized (lock) {
                queue.removeIf(r -> r.result.isDone());
                if (queue.isEmpty()) {
                    draining = false;
                    return;
                }
                waitingTier = queue.stream().mapToInt(Request::tier).min().orElse(CallPriority.DEFAULT);
            }
            try {
                CallPriority.run(waitingTier, zone::awaitTurn);
            } catch (RuntimeException | Error noTurn) {
                // Nothing is sent: the requests waiting hear why (no token of the budget before the deadline).
                synchronized (lock) {
                    queue.forEach(r -> r.result.completeExceptionally(noTurn));
                    queue.clear();
                }
                continue;
            }
            List<Request<C, V>> batch = new ArrayList<>();
            synchronized (lock) {
                Set<String> keys = new HashSet<>();
                for (Iterator<Request<C, V>> it = queue.iterator(); it.hasNext() && batch.size() < MAX_REQUESTS; ) {
                    Request<C, V> r = it.next();
                    if (r.result.isDone()) {
                        it.remove();
                    } else if (keys.add(r.recordKey)) {
                        batch.add(r);
                        it.remove();
                    }
                }
                if (batch.isEmpty()) {
                    zone.forfeitTurn();
                    draining = false;
                    return;
                }
                sending = true;
            }
            // The batch is sent for the best tier among its steps: a tier-1 step never waits for the budget behind
            // tier-3 calls because it shares their batch.
            int tier = batch.stream().mapToInt(Request::tier).min().orElse(CallPriority.DEFAULT);
            boolean read = !following;
            following = true;
            try {
                CallPriority.run(tier, () -> traced(batch, read));
            } finally {
                zone.forfeitTurn();
                synchronized (lock) {
                    sending = false;
                }
            }
        }
    }

    /**
     * Sends a batch in a span of its own, a child of its first request's trace (the activity that asked first) and
     * linked to the others', so each step's trace shows the provider calls made for it.
     */
    private void traced(List<Request<C, V>> batch, boolean read) {
        SpanBuilder builder = GlobalOpenTelemetry.getOrNoop()
                .getTracer("io.baran.worker")
                .spanBuilder("change batch")
                .setParent(batch.get(0).trace())
                .setAttribute("baran.batch.requests", batch.size());
        for (Request<C, V> r : batch.subList(1, batch.size())) {
            SpanContext other = Span.fromContext(r.trace()).getSpanContext();
            if (other.isValid()) {
                builder.addLink(other);
            }
        }
        Span span = builder.startSpan();
        try (Scope ignored = batch.get(0).trace().with(span).makeCurrent()) {
            send(batch, read);
        } finally {
            span.end();
        }
    }

    /**
     * Each request's preparation from the view (its changes, or what it threw), in order. They run on up to {@link
     * #PREPARERS} threads at once, this one included: a preparation may wait on the network (a failover step records
     * its plan on the Temporal server before its change may go), and a batch holds up to {@link #MAX_REQUESTS}.
     * Threads of the executor that start after the work is taken find none; this thread never waits for one that did
     * not start.
     */
    private List<Object> prepareAll(List<Request<C, V>> requests, V view) {
        int n = requests.size();
        Object[] results = new Object[n];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch prepared = new CountDownLatch(n);
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                try {
                    results[i] = requests.get(i).prepare.apply(view);
                } catch (RuntimeException e) {
                    results[i] = e;
                } catch (Error e) {
                    results[i] = new IllegalStateException("preparing a change failed: " + e, e);
                } finally {
                    prepared.countDown();
                }
            }
        };
        // Preparations that call the provider (Cloud DNS reads each record) do so at the batch's tier.
        int tier = CallPriority.current();
        for (int helper = 1; helper < Math.min(PREPARERS, n); helper++) {
            try {
                executor.execute(() -> CallPriority.run(tier, work));
            } catch (RejectedExecutionException busy) {
                break;
            }
        }
        work.run();
        try {
            prepared.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing a batch", e);
        }
        return java.util.Arrays.asList(results);
    }

    /**
     * Prepares each request from one view of the zone (what is known of it unless {@code read}, when the zone knows,
     * else one read), sends what they change in as few batches as the limits allow, and
     * completes each request with its own result. A request that finds nothing to change, or fails, from what was
     * known is prepared again from a read, and so is every request of a batch the provider refuses.
     */
    private void send(List<Request<C, V>> requests, boolean read) {
        requests = requests.stream().filter(r -> !r.result.isDone()).toList();
        if (requests.isEmpty()) {
            return;
        }
        List<String> keys = requests.stream().map(Request::recordKey).toList();
        V view = null;
        if (!read) {
            view = zone.recentView(keys);
        }
        boolean recent = view != null;
        if (!recent) {
            try {
                view = zone.view(keys);
            } catch (RuntimeException unreadable) {
                requests.forEach(r -> r.result.completeExceptionally(unreadable));
                return;
            }
        }
        List<Prepared<C, V>> included = new ArrayList<>();
        List<Request<C, V>> again = new ArrayList<>();
        List<Object> preparations = prepareAll(requests, view);
        for (int i = 0; i < requests.size(); i++) {
            Request<C, V> r = requests.get(i);
            if (preparations.get(i) instanceof RuntimeException e) {
                if (recent) {
                    again.add(r);
                } else {
                    r.result.completeExceptionally(e);
                }
            } else {
                @SuppressWarnings("unchecked")
                List<C> prepared = (List<C>) preparations.get(i);
                if (!prepared.isEmpty()) {
                    included.add(new Prepared<>(r, prepared));
                } else if (recent) {
                    again.add(r);
                } else {
                    r.result.complete(false);
                }
            }
        }
        for (List<Prepared<C, V>> chunk : chunks(included)) {
            sendPrepared(chunk, recent);
        }
        send(again, true);
    }

    /** The prepared requests in order, cut into batches within the zone's limits; a request's changes are never cut. */
    private List<List<Prepared<C, V>>> chunks(List<Prepared<C, V>> prepared) {
        List<List<Prepared<C, V>>> chunks = new ArrayList<>();
        List<Prepared<C, V>> chunk = new ArrayList<>();
        int changes = 0;
        int characters = 0;
        for (Prepared<C, V> p : prepared) {
            int c = p.changes.stream().mapToInt(zone::elements).sum();
            int chars = p.changes.stream().mapToInt(zone::characters).sum();
            if (!chunk.isEmpty() && (changes + c > zone.maxChanges() || characters + chars > zone.maxCharacters())) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                changes = 0;
                characters = 0;
            }
            chunk.add(p);
            changes += c;
            characters += chars;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    private void sendPrepared(List<Prepared<C, V>> gathered, boolean recent) {
        // A request whose step gave up meanwhile (its attempt timed out) is not sent: its retry does it.
        List<Prepared<C, V>> included =
                gathered.stream().filter(p -> !p.request.result.isDone()).toList();
        if (included.isEmpty()) {
            return;
        }
        String changeId;
        try {
            batchesSent.incrementAndGet();
            changeId = zone.submit(
                    included.stream().flatMap(p -> p.changes.stream()).toList());
        } catch (RuntimeException refused) {
            if (recent && refusedAsAWhole(refused)) {
                // Prepared from what was known of the zone: maybe a record someone changed since. All again from a
                // read.
                included.forEach(p -> p.request.refusedBefore().set(true));
                send(included.stream().map(Prepared::request).toList(), true);
            } else if (included.size() == 1
                    && refusedAsAWhole(refused)
                    && included.get(0).request.refusedBefore().compareAndSet(false, true)) {
                // Prepared from a read, and refused: the record changed in between, maybe by this step's own earlier
                // attempt (timed out while its batch was already on its way, or sent by another worker replica).
                // Prepared once more from a read: already as planned, it is done; changed by someone else, its
                // preparation says so.
                send(included.stream().map(Prepared::request).toList(), true);
            } else if (included.size() == 1) {
                included.get(0).request.result.completeExceptionally(refused);
            } else if (refusedAsAWhole(refused)) {
                // Refused as a whole, maybe for one request's conflict: each half again, prepared afresh, so only that
                // one fails.
                included.forEach(p -> p.request.refusedBefore().set(true));
                int half = included.size() / 2;
                send(included.subList(0, half).stream().map(Prepared::request).toList(), true);
                send(
                        included.subList(half, included.size()).stream()
                                .map(Prepared::request)
                                .toList(),
                        true);
            } else {
                included.forEach(p -> p.request.result.completeExceptionally(refused));
            }
            return;
        }
        if (zone.readsSeeAcceptedChanges()) {
            watch(new Accepted<>(changeId, included, CallPriority.current(), Context.current()));
        } else {
            serve(changeId, included);
        }
    }

    /** Waits until the batch is served and gives each of its requests its result. */
    private void serve(String changeId, List<Prepared<C, V>> included) {
        try {
            zone.awaitInSync(changeId);
            included.forEach(p -> p.request.result.complete(true));
        } catch (RuntimeException notServed) {
            included.forEach(p -> p.request.result.completeExceptionally(notServed));
        }
    }

    /**
     * Queues an accepted batch for the thread that waits until the zone's batches are served, oldest first, and starts
     * that thread if none runs; when the executor takes no more work, this thread waits for them itself.
     */
    private void watch(Accepted<C, V> accepted) {
        synchronized (lock) {
            unserved.add(accepted);
            if (watching) {
                return;
            }
            watching = true;
        }
        try {
            executor.execute(this::watchUnserved);
        } catch (RejectedExecutionException busy) {
            watchUnserved();
        }
    }

    private void watchUnserved() {
        while (true) {
            Accepted<C, V> next;
            synchronized (lock) {
                next = unserved.peek();
                if (next == null) {
                    watching = false;
                    return;
                }
            }
            try (Scope ignored = next.trace().makeCurrent()) {
                // At the batch's tier, the changes arriving within a few seconds first: they move traffic, this only
                // ends steps. Never later than that: an execution whose step has not ended cannot go on (nor fail
                // back).
                CallPriority.run(
                        next.tier(),
                        () -> CallPriority.deferred(
                                CONFIRMATIONS_DEFERRED, () -> serve(next.changeId(), next.included())));
            } catch (RuntimeException | Error unexpected) {
                synchronized (lock) {
                    unserved.forEach(
                            a -> a.included().forEach(p -> p.request.result.completeExceptionally(unexpected)));
                    unserved.clear();
                    watching = false;
                }
                throw unexpected;
            } finally {
                synchronized (lock) {
                    if (unserved.peek() == next) {
                        unserved.poll();
                    }
                }
            }
        }
    }

    /**
     * Whether a refused batch may hold requests that would pass alone: the provider rejected its content. A batch that
     * never arrived or was throttled past the step's deadline says nothing of its requests: they all fail, retryably.
     */
    private static boolean refusedAsAWhole(RuntimeException refused) {
        return !(refused instanceof ApplicationFailure failure)
                || FailureTypes.PROVIDER_REJECTED.equals(failure.getType())
                || FailureTypes.PLAN_UNSAFE.equals(failure.getType());
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @param trace the trace of the call that asked (the activity's span), for the batch's span */
    private record Request<C, V>(
            String recordKey,
            Function<V, List<C>> prepare,
            CompletableFuture<Boolean> result,
            int tier,
            Context trace,
            // refused once already, and prepared again from a read since: a further refusal of it alone is final
            java.util.concurrent.atomic.AtomicBoolean refusedBefore) {}

    private record Prepared<C, V>(Request<C, V> request, List<C> changes) {}

    /** A batch the provider accepted, its requests, and the tier and trace it was sent for. */
    private record Accepted<C, V>(String changeId, List<Prepared<C, V>> included, int tier, Context trace) {}
}
