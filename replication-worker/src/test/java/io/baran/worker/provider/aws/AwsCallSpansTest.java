package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.baran.testinfra.InMemoryTracing;
import io.baran.worker.provider.ProviderSettings;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * Every AWS client made by {@link AwsClients} traces its calls: one span per API call, a child of the span that runs
 * it (the activity's). Against a stand-in for the Route 53 API on 127.0.0.1 that answers each call with a fixed status.
 */
class AwsCallSpansTest {

    private static final String EMPTY_ZONES =
            "<ListHostedZonesResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><HostedZones/>"
                    + "<IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>";

    private InMemoryTracing tracing;
    private HttpServer api;
    private volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        tracing = InMemoryTracing.install();
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = (status == 200 ? EMPTY_ZONES : "<ErrorResponse/>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop(0);
        tracing.close();
    }

    private Route53Client route53() {
        URI endpoint = URI.create("http://127.0.0.1:" + api.getAddress().getPort());
        return AwsClients.build(
                Route53Client.builder(),
                new ProviderSettings("aws-test", "aws", "us-east-1", Optional.of(endpoint)),
                Region.AWS_GLOBAL,
                true);
    }

    @Test
    void aCallIsAClientSpanOfTheActivityThatMadeIt() {
        Span activity = tracing.tracer().spanBuilder("activity ApplyStep").startSpan();
        try (Route53Client route53 = route53();
                Scope ignored = activity.makeCurrent()) {
            route53.listHostedZones();
        } finally {
            activity.end();
        }

        SpanData call = tracing.span("Route53.ListHostedZones");
        assertEquals(SpanKind.CLIENT, call.getKind());
        assertEquals(activity.getSpanContext().getTraceId(), call.getTraceId());
        assertEquals(activity.getSpanContext().getSpanId(), call.getParentSpanId());
        assertEquals(
                200L,
                call.getAttributes().asMap().entrySet().stream()
                        .filter(e -> e.getKey().getKey().equals("http.response.status_code"))
                        .findFirst()
                        .orElseThrow()
                        .getValue());
    }

    @Test
    void aRefusedCallIsAnErrorSpan() {
        status = 500;
        try (Route53Client route53 = route53()) {
            route53.listHostedZones();
        } catch (RuntimeException expected) {
            // the span is what this test reads
        }

        assertEquals(
                StatusCode.ERROR,
                tracing.span("Route53.ListHostedZones").getStatus().getStatusCode());
    }
}
