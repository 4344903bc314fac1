package io.baran.detector.probe;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Bounds a probe's whole exchange with a Vert.x timer on the event loop the probe runs on. Mutiny's own
 * {@code ifNoItem().after()} would fire on a thread pool of its own, so every timed-out probe would finish (record
 * its result, schedule the next one) off the event loop, and with thousands of targets timing out that pool grows
 * to hundreds of threads fighting over one core.
 */
final class Deadline {

    private Deadline() {
    }

    /** The source's item, or a {@link TimeoutException} after {@code timeout}; the source is cancelled then. */
    static <T> Uni<T> within(Vertx vertx, Duration timeout, Supplier<Uni<T>> source) {
        if (vertx == null) {
            return Uni.createFrom().<T>deferred(source::get).ifNoItem().after(timeout).failWith(TimeoutException::new);
        }
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean over = new AtomicBoolean();
            AtomicReference<Cancellable> subscription = new AtomicReference<>();
            long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
                if (over.compareAndSet(false, true)) {
                    Cancellable running = subscription.get();
                    if (running != null) {
                        running.cancel();
                    }
                    emitter.fail(new TimeoutException());
                }
            });
            subscription.set(source.get().subscribe().with(item -> {
                if (over.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer);
                    emitter.complete(item);
                }
            }, failure -> {
                if (over.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer);
                    emitter.fail(failure);
                }
            }));
        });
    }
}
