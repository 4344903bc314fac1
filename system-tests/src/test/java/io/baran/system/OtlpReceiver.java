package io.baran.system;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on 127.0.0.1: it takes the services' {@code ExportTraceServiceRequest}s (protobuf) and
 * keeps their spans in memory, the in-memory exporter of the receiving side. It decodes only what the tests read:
 * trace id, span id, parent span id, name, and the resource's {@code service.name}.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One received span. Ids are lower-case hex; {@code parentSpanId} is empty for a root span. */
    record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name) {}

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                byte[] bytes = body.readAllBytes();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
                }
                spans.addAll(decode(bytes));
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, 0); // an empty ExportTraceServiceResponse
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Where the services send their traces ({@code quarkus.otel.exporter.otlp.traces.endpoint}). */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What a service needs to export its traces here, fast. */
    Map<String, String> serviceProperties() {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.traces.endpoint", endpoint(),
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "200ms");
    }

    /** The spans by trace, each as service, name, span id and parent: for a failure's message. */
    static String describe(List<ReceivedSpan> spans) {
        StringBuilder out = new StringBuilder();
        spans.stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        ReceivedSpan::traceId, java.util.LinkedHashMap::new, java.util.stream.Collectors.toList()))
                .forEach((trace, members) -> {
                    out.append("trace ").append(trace).append('\n');
                    members.forEach(s -> out.append("  ")
                            .append(s.service())
                            .append(' ')
                            .append(s.name())
                            .append(" span ")
                            .append(s.spanId())
                            .append(" parent ")
                            .append(s.parentSpanId().isEmpty() ? "-" : s.parentSpanId())
                            .append('\n'));
                });
        return out.toString();
    }

    List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    static List<ReceivedSpan> decode(byte[] request) {
        List<ReceivedSpan> out = new ArrayList<>();
        for (Field rs : fields(request)) {
            if (rs.number == 1) {
                resourceSpans(rs.bytes, out);
            }
        }
        return out;
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    private static void resourceSpans(byte[] bytes, List<ReceivedSpan> out) {
        String service = "";
        List<byte[]> scopes = new ArrayList<>();
        for (Field f : fields(bytes)) {
            if (f.number == 1) {
                service = serviceName(f.bytes);
            } else if (f.number == 2) {
                scopes.add(f.bytes);
            }
        }
        for (byte[] scope : scopes) {
            // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
            for (Field f : fields(scope)) {
                if (f.number == 2) {
                    out.add(span(service, f.bytes));
                }
            }
        }
    }

    // Resource { repeated KeyValue attributes = 1; } KeyValue { string key = 1; AnyValue value = 2; }
    // AnyValue { string string_value = 1; ... }
    private static String serviceName(byte[] resource) {
        for (Field attribute : fields(resource)) {
            if (attribute.number != 1) {
                continue;
            }
            String key = null;
            String value = null;
            for (Field f : fields(attribute.bytes)) {
                if (f.number == 1) {
                    key = new String(f.bytes, StandardCharsets.UTF_8);
                } else if (f.number == 2) {
                    for (Field v : fields(f.bytes)) {
                        if (v.number == 1) {
                            value = new String(v.bytes, StandardCharsets.UTF_8);
                        }
                    }
                }
            }
            if ("service.name".equals(key)) {
                return value;
            }
        }
        return "";
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5;
    // }
    private static ReceivedSpan span(String service, byte[] bytes) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        for (Field f : fields(bytes)) {
            switch (f.number) {
                case 1 -> traceId = HexFormat.of().formatHex(f.bytes);
                case 2 -> spanId = HexFormat.of().formatHex(f.bytes);
                case 4 -> parent = HexFormat.of().formatHex(f.bytes);
                case 5 -> name = new String(f.bytes, StandardCharsets.UTF_8);
                default -> {}
            }
        }
        return new ReceivedSpan(service, traceId, spanId, parent, name);
    }

    /** A length-delimited field's bytes (other wire types are skipped: {@code bytes} is null). */
    private record Field(int number, byte[] bytes) {}

    private static List<Field> fields(byte[] message) {
        List<Field> fields = new ArrayList<>();
        int[] at = {0};
        while (at[0] < message.length) {
            long tag = varint(message, at);
            int number = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (wire) {
                case 0 -> varint(message, at);
                case 1 -> at[0] += 8;
                case 5 -> at[0] += 4;
                case 2 -> {
                    int length = (int) varint(message, at);
                    byte[] value = new byte[length];
                    System.arraycopy(message, at[0], value, 0, length);
                    at[0] += length;
                    fields.add(new Field(number, value));
                }
                default -> throw new IllegalArgumentException("wire type " + wire + " at byte " + at[0]);
            }
        }
        return fields;
    }

    private static long varint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
