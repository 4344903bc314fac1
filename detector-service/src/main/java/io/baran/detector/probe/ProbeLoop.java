package io.baran.detector.probe;

import io.baran.detector.config.TargetDefinition;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.state.HealthTracker;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Probes targets on Vert.x timers: no thread per target, and nothing here blocks an event loop. Each target's next
 * probe is scheduled when its previous one ends, on the target's fixed grid of slots one interval apart
 * ({@link ProbeSchedule}), so probes of one target never overlap and a late start does not shift the ones after it.
 * Targets can be added and removed while it runs.
 */
public final class ProbeLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProbeLoop.class);

    private final Vertx vertx;
    private final HealthTracker tracker;
    private final Probes probes;
    private final DetectorMetrics metrics;
    private final LongConsumer lagObserver;
    private final Map<String, Scheduled> running = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param lagObserver told every probe's scheduling lag in nanoseconds (how late it started against its
     *                    schedule); the benchmark's measuring point
     */
    public ProbeLoop(Vertx vertx, HealthTracker tracker, Probes probes, DetectorMetrics metrics, LongConsumer lagObserver) {
        this.vertx = vertx;
        this.tracker = tracker;
        this.probes = probes;
        this.metrics = metrics;
        this.lagObserver = lagObserver;
    }

    /** Starts probing a target, replacing any running probe of the same name; the first probe comes within one interval. */
    public void start(TargetDefinition target) {
        Scheduled scheduled = new Scheduled(probes.create(target));
        Scheduled previous = running.put(target.name(), scheduled);
        if (previous != null) {
            previous.cancel();
        }
        // Spread the first probes over one interval so many targets do not fire in step.
        scheduled.after(ThreadLocalRandom.current().nextLong(1, target.interval().toMillis() + 1));
    }

    /** Stops probing a target; a probe in flight ends unrecorded. */
    public boolean stop(String name) {
        Scheduled scheduled = running.remove(name);
        if (scheduled == null) {
            return false;
        }
        scheduled.cancel();
        return true;
    }

    public int size() {
        return running.size();
    }

    @Override
    public void close() {
        closed = true;
        running.values().forEach(Scheduled::cancel);
        running.clear();
    }

    private final class Scheduled {
        final Probe probe;
        final TargetDefinition target;
        volatile boolean cancelled;
        volatile long timer = -1;
        long dueNanos;

        Scheduled(Probe probe) {
            this.probe = probe;
            this.target = probe.target();
        }

        void after(long delayMillis) {
            at(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, delayMillis)));
        }

        /** Schedules the next probe for {@code due} ({@link System#nanoTime()} scale), or for now when that has passed. */
        void at(long due) {
            if (cancelled || closed) {
                return;
            }
            dueNanos = due;
            // Vert.x timers count whole milliseconds: round up, so a probe never starts before its slot.
            long delay = Math.max(1, (due - System.nanoTime() + 999_999) / 1_000_000);
            timer = vertx.setTimer(delay, id -> fire());
        }

        void cancel() {
            cancelled = true;
            long id = timer;
            if (id >= 0) {
                vertx.cancelTimer(id);
            }
        }

        private void fire() {
            if (cancelled || closed) {
                return;
            }
            long startedNanos = System.nanoTime();
            long due = dueNanos;
            long lag = startedNanos - due;
            metrics.lag(lag);
            if (lagObserver != null) {
                lagObserver.accept(lag);
            }
            Instant startedAt = Instant.now();
            probe.run().subscribe().with(result -> {
                long took = System.nanoTime() - startedNanos;
                try {
                    if (!cancelled) {
                        metrics.probe(target.endpoint().kind(), result.passed(), took);
                        tracker.record(target.name(), result, startedAt);
                    }
                } catch (RuntimeException e) {
                    LOG.errorf(e, "target %s: recording the probe result failed; probing goes on", target.name());
                } finally {
                    at(ProbeSchedule.next(due, System.nanoTime(), target.interval().toNanos()));
                }
            });
        }
    }
}
