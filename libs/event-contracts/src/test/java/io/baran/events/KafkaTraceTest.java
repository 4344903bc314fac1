package io.baran.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.testinfra.InMemoryTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KafkaTraceTest {

    private InMemoryTracing tracing;

    @BeforeEach
    void tracing() {
        tracing = InMemoryTracing.install();
    }

    @AfterEach
    void noTracing() {
        tracing.close();
    }

    @Test
    void theConsumersSpanIsAChildOfTheProducersSpanThroughTheRecordsHeaders() {
        Span probe = tracing.tracer().spanBuilder("probe").startSpan();
        RecordHeaders headers = new RecordHeaders();

        Span published = KafkaTrace.publish(
                Context.root().with(probe), "baran.health-events", OutageEvent.DETECTED, "aws/us-east-1", headers);
        published.end();
        probe.end();
        assertNotNull(headers.lastHeader("traceparent"), "the record carries a traceparent header");

        Span received = KafkaTrace.receive(headers, "baran.health-events", "outage event");
        received.end();

        SpanData producer = span("publish " + OutageEvent.DETECTED);
        SpanData consumer = span("process outage event");
        assertEquals(probe.getSpanContext().getSpanId(), producer.getParentSpanId());
        assertEquals(producer.getTraceId(), consumer.getTraceId());
        assertEquals(producer.getSpanId(), consumer.getParentSpanId());
        assertTrue(consumer.getParentSpanContext().isRemote(), "the parent came over the wire");
    }

    @Test
    void aRecordWithoutTraceHeadersStartsANewTrace() {
        RecordHeaders headers = new RecordHeaders();
        assertFalse(KafkaTrace.traced(KafkaTrace.extract(headers)));

        KafkaTrace.receive(headers, "baran.health-events", "outage event").end();

        assertFalse(span("process outage event").getParentSpanContext().isValid());
    }

    @Test
    void withTracingOffNothingIsWritten() {
        GlobalOpenTelemetry.resetForTest(); // the no-op OpenTelemetry, as in a service without an OTLP endpoint
        RecordHeaders headers = new RecordHeaders();

        KafkaTrace.publish(Context.root(), "baran.health-events", OutageEvent.DETECTED, "k", headers)
                .end();

        assertFalse(headers.iterator().hasNext(), "no header on the record");
    }

    private SpanData span(String name) {
        return tracing.span(name);
    }
}
