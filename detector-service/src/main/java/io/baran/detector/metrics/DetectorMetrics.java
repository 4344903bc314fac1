package io.baran.detector.metrics;

import io.baran.detector.state.Health;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The detector's meters, served by Quarkus on {@code /q/metrics} in the Prometheus format:
 * <ul>
 *   <li>{@code baran_probe_duration_seconds} (histogram; tags kind, outcome) — how long probes take;</li>
 *   <li>{@code baran_probe_schedule_lag_seconds} (histogram) — how late probes start against their schedule;</li>
 *   <li>{@code baran_target_state} (tags target, scope) and {@code baran_scope_state} (tag scope) — this vantage's
 *       view, 1 UP, 0 DOWN, -1 UNKNOWN; {@code baran_target_flap_penalty} (tags target, scope);</li>
 *   <li>{@code baran_quorum_scope_state} (tag scope) — the quorum's decision on the scopes this instance aggregates;</li>
 *   <li>{@code baran_quorum_decision_latency_seconds} (histogram; tag event) — from the moment the first agreeing
 *       vantage saw the change to the moment the event was published;</li>
 *   <li>{@code baran_quorum_verdicts_refused_total} (tag reason) — verdicts the aggregator did not count: unsigned,
 *       unknown-key, bad-signature, malformed-signature, wrong-vantage, wrong-scope, replayed, stale.</li>
 * </ul>
 * Probe timers are not tagged per target, so that ten thousand targets do not make ten thousand histograms.
 */
public final class DetectorMetrics {

    private static final Duration MIN = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofSeconds(30);

    private final MeterRegistry registry;
    private final Timer lag;
    private final Map<String, Timer[]> probes = new ConcurrentHashMap<>();
    private final Map<String, List<Gauge>> targetGauges = new ConcurrentHashMap<>();
    private final Map<String, Gauge> scopeGauges = new ConcurrentHashMap<>();
    private final Map<String, Gauge> quorumGauges = new ConcurrentHashMap<>();

    public DetectorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lag = Timer.builder("baran.probe.schedule.lag")
                .description("How late a probe starts against its schedule")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(MAX)
                .register(registry);
    }

    /** Meters kept in memory only, for tests and the benchmark. */
    public static DetectorMetrics inMemory() {
        return new DetectorMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void probe(String kind, boolean passed, long nanos) {
        // Once per probe, ten thousand times a second: one lookup by kind, no string built.
        Timer[] timers =
                probes.computeIfAbsent(kind, k -> new Timer[] {probeTimer(k, "failed"), probeTimer(k, "passed")});
        timers[passed ? 1 : 0].record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer probeTimer(String kind, String outcome) {
        return Timer.builder("baran.probe.duration")
                .description("How long a probe takes, connection included")
                .tags(Tags.of("kind", kind, "outcome", outcome))
                .publishPercentileHistogram()
                .minimumExpectedValue(MIN)
                .maximumExpectedValue(MAX)
                .register(registry);
    }

    public void lag(long nanos) {
        lag.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    public void trackTarget(String target, String scope, Supplier<Health> state, DoubleSupplier penalty) {
        untrackTarget(target);
        Tags tags = Tags.of("target", target, "scope", scope);
        targetGauges.put(
                target,
                List.of(
                        Gauge.builder("baran.target.state", () -> code(state.get()))
                                .tags(tags)
                                .description("This vantage's view of the target: 1 UP, 0 DOWN, -1 UNKNOWN")
                                .strongReference(true)
                                .register(registry),
                        Gauge.builder("baran.target.flap.penalty", penalty::getAsDouble)
                                .tags(tags)
                                .description(
                                        "Flap penalty; the target is held DOWN while it is above the suppress threshold")
                                .strongReference(true)
                                .register(registry)));
    }

    public void untrackTarget(String target) {
        List<Gauge> gauges = targetGauges.remove(target);
        if (gauges != null) {
            gauges.forEach(registry::remove);
        }
    }

    public void trackScope(String scope, Supplier<Health> state) {
        untrackScope(scope);
        scopeGauges.put(
                scope,
                Gauge.builder("baran.scope.state", () -> code(state.get()))
                        .tags("scope", scope)
                        .description("This vantage's view of the scope: 1 UP, 0 DOWN, -1 UNKNOWN")
                        .strongReference(true)
                        .register(registry));
    }

    public void untrackScope(String scope) {
        Gauge gauge = scopeGauges.remove(scope);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    public void trackDecision(String scope, Supplier<Health> state) {
        quorumGauges.computeIfAbsent(
                scope,
                s -> Gauge.builder("baran.quorum.scope.state", () -> code(state.get()))
                        .tags("scope", s)
                        .description(
                                "The quorum's decision on a scope this instance aggregates: 1 UP, 0 DOWN, -1 UNKNOWN")
                        .strongReference(true)
                        .register(registry));
    }

    public void untrackDecision(String scope) {
        Gauge gauge = quorumGauges.remove(scope);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    public void decision(String event, Duration latency) {
        Timer.builder("baran.quorum.decision.latency")
                .description("From the first agreeing vantage seeing the change to the outage event being published")
                .tags("event", event)
                .publishPercentileHistogram()
                .minimumExpectedValue(MIN)
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)
                .record(latency.isNegative() ? Duration.ZERO : latency);
    }

    /** A verdicts-topic record that did not count: unsigned, unknown key, bad signature, wrong vantage, replayed, stale. */
    public void verdictRefused(String reason) {
        registry.counter("baran.quorum.verdicts.refused", "reason", reason).increment();
    }

    private static double code(Health health) {
        return switch (health) {
            case UP -> 1;
            case DOWN -> 0;
            case UNKNOWN -> -1;
        };
    }
}
