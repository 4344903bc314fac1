package io.baran.detector.probe;

import com.sun.management.UnixOperatingSystemMXBean;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.state.HealthTracker;
import io.netty.util.concurrent.ScheduledFuture;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import io.vertx.core.Handler;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.mutiny.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Probes targets on one event loop's timers: no thread per target, and nothing here blocks the loop. Each target's next
 * probe is scheduled when its previous one ends, on the target's fixed grid of slots one interval apart
 * ({@link ProbeSchedule}), so probes of one target never overlap and a late start does not shift the ones after it.
 * Targets can be added and removed while it runs.
 */
public final class ProbeLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProbeLoop.class);

    /** The event loop context every probe runs on: one thread, no hand-offs between threads on the way. */
    private final ContextInternal context;

    private final HealthTracker tracker;
    private final Probes probes;
    private final DetectorMetrics metrics;
    private final LongConsumer lagObserver;
    private final Map<String, Scheduled> running = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Open files the detector needs besides its targets' connections: jars, Kafka, its HTTP server, DNS. */
    static final int DESCRIPTORS_BESIDES_TARGETS = 512;

    private volatile boolean warnedDescriptors;

    /**
     * @param lagObserver told every probe's scheduling lag in nanoseconds (how late it started against its
     *                    schedule); the benchmark's measuring point
     */
    public ProbeLoop(
            Vertx vertx, HealthTracker tracker, Probes probes, DetectorMetrics metrics, LongConsumer lagObserver) {
        this.context = ((VertxInternal) vertx.getDelegate()).createEventLoopContext();
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
        if (!warnedDescriptors
                && ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            String shortfall = descriptorShortfall(running.size(), os.getMaxFileDescriptorCount());
            if (shortfall != null) {
                warnedDescriptors = true;
                LOG.warn(shortfall);
            }
        }
        // Spread the first probes over one interval so many targets do not fire in step.
        scheduled.after(
                ThreadLocalRandom.current().nextLong(1, target.interval().toMillis() + 1));
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

    /**
     * Each target holds a connection (HTTP) or opens one per probe (TCP, TLS checks): past the process's limit on open
     * files, probes fail with "Too many open files" and the JVM cannot even load classes.
     *
     * @return what to tell the operator when the limit is too low for this many targets, or null
     */
    static String descriptorShortfall(int targets, long maxDescriptors) {
        long needed = targets + (long) DESCRIPTORS_BESIDES_TARGETS;
        return needed <= maxDescriptors
                ? null
                : "probing " + targets + " targets takes about " + needed
                        + " open files (one per target, " + DESCRIPTORS_BESIDES_TARGETS
                        + " for the rest of the detector), but this process may open only "
                        + maxDescriptors
                        + ": raise its limit (ulimit -n, or the container's nofile limit), or probes will fail with 'Too many open files'";
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

    /**
     * One target's schedule. It is its own timer task and its own subscriber to each probe's result (a target's probes
     * never overlap), so a probe costs no scheduling objects beyond the event loop's task.
     */
    private final class Scheduled implements Runnable, Handler<Void>, UniSubscriber<ProbeResult> {
        final Probe probe;
        final TargetDefinition target;
        volatile boolean cancelled;
        volatile ScheduledFuture<?> timer;
        /** The running probe's slot, start and start time; set when it starts, read when it ends. */
        long dueNanos;

        long startedNanos;
        Instant startedAt;

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
            timer = context.nettyEventLoop().schedule(this, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> scheduled = timer;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            probe.close();
        }

        /** Due, on the event loop: the probe runs on the loop's context, where its connections live. */
        @Override
        public void run() {
            context.dispatch((Handler<Void>) this);
        }

        @Override
        public void handle(Void ignored) {
            if (cancelled || closed) {
                return;
            }
            startedNanos = System.nanoTime();
            long lag = startedNanos - dueNanos;
            metrics.lag(lag);
            if (lagObserver != null) {
                lagObserver.accept(lag);
            }
            startedAt = Instant.now();
            probe.run().subscribe().withSubscriber(this);
        }

        @Override
        public void onSubscribe(UniSubscription subscription) {}

        @Override
        public void onItem(ProbeResult result) {
            long due = dueNanos;
            long took = System.nanoTime() - startedNanos;
            try {
                if (!cancelled) {
                    metrics.probe(target.endpoint().kind(), result.passed(), took);
                    // A result that changes a vote becomes the span a failover's trace starts from. The target may
                    // be replaced between the check above and here (the REST API runs on other threads): the
                    // tracker discards a result of a definition it no longer tracks.
                    ProbeTrace.recording(target, startedAt, result, () -> tracker.record(target, result, startedAt));
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "target %s: recording the probe result failed; probing goes on", target.name());
            } finally {
                at(ProbeSchedule.next(due, System.nanoTime(), target.interval().toNanos()));
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            // Probes turn every failure into a failed result; should one slip through, it counts as one.
            onItem(Probe.describe(failure));
        }
    }
}
