package io.baran.detector.probe;

import io.netty.util.concurrent.ScheduledFuture;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Bounds a probe's whole exchange with a timer on the event loop the probe runs on. Mutiny's own
 * {@code ifNoItem().after()} would fire on a thread pool of its own, so every timed-out probe would finish (record
 * its result, schedule the next one) off the event loop, and with thousands of targets timing out that pool grows
 * to hundreds of threads fighting over one core.
 *
 * <p>Every probe sets one, so it costs one object and one task on the event loop's own scheduled queue: no Vert.x
 * timer (whose id is boxed and kept in a map), no callback objects, and a timeout without a stack trace, which a
 * mass outage would otherwise fill ten thousand times a second.
 */
final class Deadline {

    private Deadline() {}

    /** The source's item, or a {@link TimeoutException} after {@code timeout}; the source is cancelled then. */
    static <T> Uni<T> within(Vertx vertx, Duration timeout, Supplier<Uni<T>> source) {
        return Uni.createFrom().emitter(emitter -> {
            // The probe's own context: the timeout is handled there like the probe's answer would be.
            Bound<T> bound = new Bound<>(emitter, (ContextInternal) vertx.getOrCreateContext());
            bound.timer = bound.context
                    .nettyEventLoop()
                    .schedule(bound, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
            source.get().subscribe().withSubscriber(bound);
        });
    }

    /** A timeout, without the stack trace no one reads. */
    static final class Late extends TimeoutException {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** One bounded exchange: whichever of the item, the failure and the timer comes first wins; the others are dropped. */
    private static final class Bound<T> extends AtomicBoolean implements UniSubscriber<T>, Runnable, Handler<Void> {
        final UniEmitter<? super T> emitter;
        final ContextInternal context;
        volatile ScheduledFuture<?> timer;
        volatile UniSubscription subscription;

        Bound(UniEmitter<? super T> emitter, ContextInternal context) {
            this.emitter = emitter;
            this.context = context;
        }

        @Override
        public void onSubscribe(UniSubscription subscription) {
            this.subscription = subscription;
            if (get()) {
                // Timed out before the source even subscribed.
                subscription.cancel();
            }
        }

        @Override
        public void onItem(T item) {
            if (compareAndSet(false, true)) {
                cancelTimer();
                emitter.complete(item);
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            if (compareAndSet(false, true)) {
                cancelTimer();
                emitter.fail(failure);
            }
        }

        /** The timer, on the event loop: the rest runs on the probe's context. */
        @Override
        public void run() {
            context.dispatch((Handler<Void>) this);
        }

        @Override
        public void handle(Void ignored) {
            if (compareAndSet(false, true)) {
                UniSubscription running = subscription;
                if (running != null) {
                    running.cancel();
                }
                emitter.fail(new Late());
            }
        }

        private void cancelTimer() {
            ScheduledFuture<?> scheduled = timer;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }
}
