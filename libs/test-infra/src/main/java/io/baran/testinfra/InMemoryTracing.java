package io.baran.testinfra;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;

/**
 * Tracing for a unit test: an OpenTelemetry SDK with W3C trace-context propagation whose ended spans go to an
 * in-memory exporter, installed as {@link GlobalOpenTelemetry} (where the services' tracing code looks it up) until
 * {@link #close()}. Tests that use it must not run in parallel with others that trace.
 */
public final class InMemoryTracing implements AutoCloseable {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk;

    private InMemoryTracing() {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /** Installs it as the global OpenTelemetry. */
    public static InMemoryTracing install() {
        InMemoryTracing tracing = new InMemoryTracing();
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(tracing.sdk);
        return tracing;
    }

    /** A tracer for the test's own spans (the parent a hop starts from). */
    public Tracer tracer() {
        return sdk.getTracer("test");
    }

    /** The spans ended so far, in the order they ended. */
    public List<SpanData> spans() {
        return exporter.getFinishedSpanItems();
    }

    /** The one ended span of that name. */
    public SpanData span(String name) {
        List<SpanData> found =
                spans().stream().filter(s -> s.getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " spans named \"" + name + "\"; ended: "
                    + spans().stream().map(SpanData::getName).toList());
        }
        return found.get(0);
    }

    public void reset() {
        exporter.reset();
    }

    @Override
    public void close() {
        GlobalOpenTelemetry.resetForTest();
        sdk.close();
    }
}
