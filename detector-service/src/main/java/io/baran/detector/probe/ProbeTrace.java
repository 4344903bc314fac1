package io.baran.detector.probe;

import io.baran.detector.config.TargetDefinition;
import io.baran.detector.quorum.VantageVerdict;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The span of the probe that changed this vantage's vote: where a failover's trace begins. Probes run every second
 * per target, and a trace of each would be noise; so a probe's result is recorded with its facts at hand
 * ({@link #recording}), and only when recording it changes a vote ({@link #changed}, called by the verdict sink on the
 * same thread) does the probe become a span, after the fact, with the probe's own start time. Its context travels with
 * the verdict to Kafka.
 *
 * <p>With tracing off (the no-op OpenTelemetry) the span is invalid and no context travels.
 */
public final class ProbeTrace {

    static final String INSTRUMENTATION = "io.baran.detector";

    /** The probe whose result is being recorded on this thread, if any. */
    private static final ThreadLocal<Recording> RECORDING = new ThreadLocal<>();

    private ProbeTrace() {}

    /** Records one probe's result ({@code record}); a vote it changes gets the probe's span. */
    public static void recording(TargetDefinition target, Instant startedAt, ProbeResult result, Runnable record) {
        Recording recording = new Recording(target, startedAt, result);
        Recording outer = RECORDING.get();
        RECORDING.set(recording);
        try {
            record.run();
        } finally {
            RECORDING.set(outer);
            if (recording.span != null) {
                recording.span.end();
            }
        }
    }

    /**
     * A vote changed: the trace context it travels with, the probe's span when a probe's result changed it on this
     * thread; {@link Context#root()} otherwise (a target removed, a heartbeat).
     */
    public static Context changed(VantageVerdict verdict) {
        Recording recording = RECORDING.get();
        if (recording == null || !verdict.change()) {
            return Context.root();
        }
        if (recording.span == null) {
            TargetDefinition t = recording.target;
            ProbeResult r = recording.result;
            recording.span = GlobalOpenTelemetry.getOrNoop()
                    .getTracer(INSTRUMENTATION)
                    .spanBuilder("probe " + t.name())
                    .setNoParent()
                    .setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(
                            TimeUnit.SECONDS.toNanos(recording.startedAt.getEpochSecond())
                                    + recording.startedAt.getNano(),
                            TimeUnit.NANOSECONDS)
                    .setAttribute("baran.target", t.name())
                    .setAttribute("baran.scope", t.scope())
                    .setAttribute("baran.probe.kind", t.endpoint().kind())
                    .setAttribute("baran.probe.endpoint", t.endpoint().shown())
                    .setAttribute("baran.probe.passed", r.passed())
                    .setAttribute("baran.probe.detail", r.detail())
                    .startSpan();
            if (!r.passed()) {
                recording.span.setStatus(StatusCode.ERROR, r.detail());
            }
        }
        recording.span.addEvent(
                "vote " + verdict.verdict() + (verdict.isolated() ? " (abstaining)" : "") + " on " + verdict.scope());
        return Context.root().with(recording.span);
    }

    private static final class Recording {
        final TargetDefinition target;
        final Instant startedAt;
        final ProbeResult result;
        Span span;

        Recording(TargetDefinition target, Instant startedAt, ProbeResult result) {
            this.target = target;
            this.startedAt = startedAt;
            this.result = result;
        }
    }
}
