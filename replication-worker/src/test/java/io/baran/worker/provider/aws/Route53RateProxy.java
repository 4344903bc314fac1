package io.baran.worker.provider.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code route53_rate_proxy.py} (the one bench/mass-failover-bench.sh runs) in front of moto: Route 53's five requests
 * per second per account, answered beyond it with HTTP 400 {@code Throttling} as Route 53 answers. Counts what it
 * forwards and what it refuses, so a test asserts on what the provider saw, not on the clock.
 */
final class Route53RateProxy implements AutoCloseable {

    private final LocalProcess process;
    private final String endpoint;

    private Route53RateProxy(LocalProcess process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static Route53RateProxy start(Path work, String target, double rate, int burst, String... more) {
        int port = Ports.free();
        List<String> args = new ArrayList<>(List.of(
                "--listen",
                "127.0.0.1:" + port,
                "--target",
                target,
                "--rate",
                String.valueOf(rate),
                "--burst",
                String.valueOf(burst)));
        args.addAll(List.of(more));
        return new Route53RateProxy(
                MotoFixture.startScript("route53_rate_proxy.py", "route53-rate-proxy", work, port, args),
                "http://127.0.0.1:" + port);
    }

    String endpoint() {
        return endpoint;
    }

    /** What the proxy saw: requests, forwarded, throttled, prior_request_not_complete, by_operation (forwarded). */
    JsonNode stats() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(endpoint + "/__proxy/stats"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
