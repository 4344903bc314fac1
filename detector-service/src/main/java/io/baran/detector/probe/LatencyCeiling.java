package io.baran.detector.probe;

import io.baran.detector.config.TargetDefinition;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** Fails a probe that passed but took longer than the target's {@code max-latency}: slow is a symptom too. */
final class LatencyCeiling implements Probe {

    private final Probe probe;
    private final Duration ceiling;

    LatencyCeiling(Probe probe, Duration ceiling) {
        this.probe = probe;
        this.ceiling = ceiling;
    }

    @Override
    public TargetDefinition target() {
        return probe.target();
    }

    @Override
    public void close() {
        probe.close();
    }

    @Override
    public Uni<ProbeResult> run() {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return probe.run().map(result -> {
                long millis = (System.nanoTime() - started) / 1_000_000;
                return result.passed() && millis > ceiling.toMillis()
                        ? ProbeResult.failed(result.detail() + " in " + millis + "ms, above max-latency "
                                + ceiling.toMillis() + "ms")
                        : result;
            });
        });
    }
}
