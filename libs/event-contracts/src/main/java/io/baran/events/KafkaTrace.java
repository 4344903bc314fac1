package io.baran.events;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The W3C trace context ({@code traceparent}, {@code tracestate}) of a Kafka record, in its headers. An event's
 * signature covers its value only, so the headers can carry the trace without touching what is signed; a record
 * without them is simply the start of a new trace on the consumer's side.
 *
 * <p>The OpenTelemetry instance is looked up at each call ({@link GlobalOpenTelemetry#getOrNoop()}, never set from
 * here): with tracing off nothing is written and nothing is read.
 */
public final class KafkaTrace {

    static final String INSTRUMENTATION = "io.baran.kafka";

    private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            for (Header h : headers) {
                keys.add(h.key());
            }
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header h = headers.lastHeader(key);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private KafkaTrace() {}

    /**
     * Starts the span of sending one record to {@code topic}, a child of {@code parent}, and writes its context into
     * the record's headers. The caller ends it once Kafka took the record (or did not).
     */
    public static Span publish(Context parent, String topic, String eventType, String key, Headers headers) {
        Span span = GlobalOpenTelemetry.getOrNoop()
                .getTracer(INSTRUMENTATION)
                .spanBuilder("publish " + eventType)
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.kafka.message.key", key)
                .startSpan();
        inject(parent.with(span), headers);
        return span;
    }

    /** Writes the context's trace fields into the headers (replacing any there). */
    public static void inject(Context context, Headers headers) {
        GlobalOpenTelemetry.getOrNoop().getPropagators().getTextMapPropagator().inject(context, headers, SETTER);
    }

    /** The trace context the headers carry; {@link Context#root()} when they carry none. */
    public static Context extract(Headers headers) {
        if (headers == null) {
            return Context.root();
        }
        return GlobalOpenTelemetry.getOrNoop()
                .getPropagators()
                .getTextMapPropagator()
                .extract(Context.root(), headers, GETTER);
    }

    /** Whether the context holds a span from somewhere (a record's headers, a running span). */
    public static boolean traced(Context context) {
        return Span.fromContext(context).getSpanContext().isValid();
    }

    /**
     * Starts the span of handling one received record, a child of the context its headers carry (or the start of a
     * trace when they carry none).
     */
    public static Span receive(Headers headers, String topic, String eventType) {
        return GlobalOpenTelemetry.getOrNoop()
                .getTracer(INSTRUMENTATION)
                .spanBuilder("process " + eventType)
                .setParent(extract(headers))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .startSpan();
    }
}
