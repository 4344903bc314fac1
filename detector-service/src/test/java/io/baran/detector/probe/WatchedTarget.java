package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.fail;

import io.baran.detector.config.DetectorSettings;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.state.Health;
import io.baran.detector.state.HealthTracker;
import io.baran.detector.state.TargetStatus;
import io.vertx.mutiny.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** One target probed on its schedule by the detector's own loop and tracker (no Kafka), to watch its state change. */
final class WatchedTarget implements AutoCloseable {

    private final TargetDefinition target;
    private final HealthTracker tracker;
    private final ProbeLoop loop;

    WatchedTarget(Vertx vertx, Probes probes, TargetDefinition target) {
        this.target = target;
        this.tracker = new HealthTracker(
                new DetectorSettings.Vantage("test", 1.0, DetectorSettings.Damping.OFF, false, Duration.ofSeconds(1)),
                verdict -> {},
                DetectorMetrics.inMemory(),
                Clock.systemUTC());
        this.loop = new ProbeLoop(vertx, tracker, probes, DetectorMetrics.inMemory(), null);
        tracker.track(List.of(target));
        loop.start(target);
    }

    TargetStatus status() {
        return tracker.targets().get(0);
    }

    /** Waits for the state, failing after {@code bound}; returns how long it took. */
    Duration await(Health state, Duration bound) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < bound.toNanos()) {
            if (status().state() == state) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(20);
        }
        return fail(target.name() + " did not become " + state + " within " + bound.toMillis() + "ms: " + status());
    }

    /** The bound the issue sets on noticing a failure: interval × failure threshold + 1 s. */
    Duration detectionBound() {
        return target.interval().multipliedBy(target.failureThreshold()).plusSeconds(1);
    }

    @Override
    public void close() {
        loop.close();
    }
}
