package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.Heartbeat;
import io.baran.workflow.FailureTypes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Serializes and batches the changes this worker makes to one hosted zone. Route 53 refuses a change
 * while an earlier one to the same zone is still PENDING ({@code PriorRequestNotComplete}) and limits the
 * rate of changes per account, so steps of a parallel group that change one zone are sent as one change
 * batch: the first request waits a few milliseconds for others, and requests arriving while a batch is in
 * flight wait until it is served (INSYNC), then go together in the next one.
 *
 * <p>Each request is prepared (observed and checked against what its step expects) just before its batch
 * is sent, after every earlier batch of this worker is served, so a check is never made against a state
 * one of this worker's own batches is about to change. A request whose check fails, fails alone. A batch
 * refused as a whole (Route 53 refuses every change of a batch when one of them conflicts, e.g. a CREATE
 * of a record someone made meanwhile) is sent again one request at a time, each prepared afresh, so only
 * the conflicting request fails. Two requests for one record set never share a batch.
 *
 * @param <C> one change of a batch (Route 53's {@code Change})
 */
final class ZoneBatcher<C> {

    /** What the batcher needs of the provider's API for one zone. */
    interface Zone<C> {
        /** Sends the changes as one batch and returns its id; throws when the batch is refused, as a whole. */
        String submit(List<C> changes);

        /** Returns once the batch is served everywhere; throws (retryably) past the sync timeout. */
        void awaitInSync(String changeId);
    }

    /** At most this many requests share a batch: Route 53 limits a batch to 1,000 records and 32,000 characters. */
    static final int MAX_REQUESTS = 50;

    private final Zone<C> zone;
    private final Duration window;
    private final Executor executor;
    private final Object lock = new Object();
    private final List<Request<C>> queue = new ArrayList<>();
    private final AtomicInteger batchesSent = new AtomicInteger();
    private boolean draining;

    /**
     * @param window   how long the first request of a batch waits for others
     * @param executor runs the batches, one at a time per zone
     */
    ZoneBatcher(Zone<C> zone, Duration window, Executor executor) {
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
    CompletableFuture<Boolean> submit(String recordKey, Supplier<List<C>> prepare) {
        Request<C> request = new Request<>(recordKey, prepare, new CompletableFuture<>());
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
    boolean run(String recordKey, Supplier<List<C>> prepare, Heartbeat heartbeat, String what, Duration patience) {
        CompletableFuture<Boolean> result = submit(recordKey, prepare);
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return result.get(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() >= deadline) {
                    result.cancel(false);
                    throw Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, what + ": not made within " + patience.toSeconds()
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
    int batchesSent() {
        return batchesSent.get();
    }

    /** How many requests wait for a batch; for tests. */
    int queued() {
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
        while (true) {
            pause(window);
            List<Request<C>> batch = new ArrayList<>();
            synchronized (lock) {
                Set<String> keys = new HashSet<>();
                for (Iterator<Request<C>> it = queue.iterator(); it.hasNext() && batch.size() < MAX_REQUESTS; ) {
                    Request<C> r = it.next();
                    if (r.result.isDone()) {
                        it.remove();
                    } else if (keys.add(r.recordKey)) {
                        batch.add(r);
                        it.remove();
                    }
                }
                if (batch.isEmpty()) {
                    draining = false;
                    return;
                }
            }
            send(batch);
        }
    }

    /** Prepares each request, sends what they change as one batch, and completes each with its own result. */
    private void send(List<Request<C>> requests) {
        List<Request<C>> included = new ArrayList<>();
        List<C> changes = new ArrayList<>();
        for (Request<C> r : requests) {
            try {
                List<C> prepared = r.prepare.get();
                if (prepared.isEmpty()) {
                    r.result.complete(false);
                } else {
                    included.add(r);
                    changes.addAll(prepared);
                }
            } catch (RuntimeException e) {
                r.result.completeExceptionally(e);
            }
        }
        if (included.isEmpty()) {
            return;
        }
        String changeId;
        try {
            batchesSent.incrementAndGet();
            changeId = zone.submit(changes);
        } catch (RuntimeException refused) {
            if (included.size() == 1) {
                included.get(0).result.completeExceptionally(refused);
            } else {
                // Refused as a whole, maybe for one request's conflict: each again alone, so only that one fails.
                included.forEach(r -> send(List.of(r)));
            }
            return;
        }
        try {
            zone.awaitInSync(changeId);
            included.forEach(r -> r.result.complete(true));
        } catch (RuntimeException notServed) {
            included.forEach(r -> r.result.completeExceptionally(notServed));
        }
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

    private record Request<C>(String recordKey, Supplier<List<C>> prepare, CompletableFuture<Boolean> result) {
    }
}
