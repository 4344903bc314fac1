package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.Targets;
import io.baran.detector.config.DetectorSettings;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.quorum.VantageVerdict;
import io.baran.detector.state.Health;
import io.baran.detector.state.HealthTracker;
import io.baran.events.KafkaTrace;
import io.baran.testinfra.InMemoryTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where a failover's trace begins: the probe whose result changed the vantage's vote, and only that one. */
class ProbeTraceTest {

    private static final Instant T0 = Instant.parse("2026-12-05T03:00:00Z");

    private final InMemoryTracing tracing = InMemoryTracing.install();
    private final List<VantageVerdict> votes = new ArrayList<>();
    private final List<Context> traces = new ArrayList<>();
    private final TargetDefinition target = Targets.http("a", "http://127.0.0.1:1/a", "svc/a", "1s", 2);
    private final HealthTracker tracker = new HealthTracker(
            new DetectorSettings.Vantage("v1", 1.0, DetectorSettings.Damping.OFF, false, Duration.ofSeconds(1)),
            verdict -> {
                votes.add(verdict);
                traces.add(ProbeTrace.changed(verdict)); // what VerdictPublisher does with a change
            },
            DetectorMetrics.inMemory(),
            Clock.fixed(T0, ZoneOffset.UTC));

    @AfterEach
    void stop() {
        tracing.close();
    }

    private void probe(long startMillis, boolean passed) {
        Instant started = T0.plusMillis(startMillis);
        ProbeResult result =
                new ProbeResult(passed, passed ? "HTTP 200" : "HTTP 503, expected 200", started.plusMillis(10));
        ProbeTrace.recording(target, started, result, () -> tracker.record("a", result, started));
    }

    @Test
    void theProbeThatTurnsTheVoteDownIsTheSpanItsVerdictTravelsWith() {
        tracker.track(List.of(target));
        probe(0, true);
        probe(1000, true); // UP: a vote
        probe(2000, false);
        probe(3000, false); // DOWN: a vote
        probe(4000, false); // no change, no span

        List<SpanData> spans = tracing.spans();
        assertEquals(2, spans.size(), "one span per changed vote, not per probe: " + spans);
        assertEquals(
                List.of(Health.UP, Health.DOWN),
                votes.stream().map(VantageVerdict::verdict).toList());
        SpanData down = spans.get(1);
        assertEquals("probe a", down.getName());
        assertEquals(StatusCode.ERROR, down.getStatus().getStatusCode());
        assertEquals(
                TimeUnit.MILLISECONDS.toNanos(T0.plusMillis(3000).toEpochMilli()),
                down.getStartEpochNanos(),
                "the span starts when the probe started");
        assertFalse(down.getParentSpanContext().isValid(), "a failover's trace starts here");
        assertEquals(down.getSpanContext(), Span.fromContext(traces.get(1)).getSpanContext());
    }

    @Test
    void aVerdictNotChangedByAProbeTravelsWithoutATrace() {
        tracker.track(List.of(target));
        probe(0, true);
        probe(1000, true);
        VantageVerdict up = votes.get(0);

        assertTrue(KafkaTrace.traced(traces.get(0)));
        assertFalse(KafkaTrace.traced(ProbeTrace.changed(up)), "outside a probe's recording");
        assertFalse(KafkaTrace.traced(ProbeTrace.changed(up.repeatedAt(T0.plusSeconds(5)))), "a heartbeat");
    }
}
