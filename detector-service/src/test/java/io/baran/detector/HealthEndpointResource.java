package io.baran.detector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.baran.testinfra.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP target on 127.0.0.1 for the detector to probe, started before Quarkus so its URL can be configured.
 * {@code /healthz} answers the status last set through {@code PUT /control/status}; {@code GET /control/authorization}
 * tells which Authorization header the last probe sent. The test talks to it over HTTP, which works whatever class
 * loader each side runs in.
 */
public class HealthEndpointResource implements QuarkusTestResourceLifecycleManager {

    /** Test-only property: where the test reaches the control paths. */
    public static final String CONTROL = "baran.test.health-endpoint";

    public static final String TARGET = "demo";
    public static final String SCOPE = "local/demo/web";
    /** The probe's credentials sit in the configured URL; the '@' in the password is percent-encoded there. */
    public static final String USER = "probe";

    public static final String PASSWORD = "s3cr@t-pw";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        int port = Ports.free();
        AtomicInteger status = new AtomicInteger(200);
        AtomicReference<String> authorization = new AtomicReference<>("");
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the test target on 127.0.0.1:" + port, e);
        }
        server.createContext("/healthz", exchange -> {
            authorization.set(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            answer(exchange, status.get(), "status " + status.get());
        });
        server.createContext("/control/status", exchange -> {
            if ("PUT".equals(exchange.getRequestMethod())) {
                status.set(Integer.parseInt(
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).strip()));
            }
            answer(exchange, 200, String.valueOf(status.get()));
        });
        server.createContext("/control/authorization", exchange -> answer(exchange, 200, authorization.get()));
        server.start();
        String target = "baran.detector.targets." + TARGET + ".";
        return Map.of(
                CONTROL,
                "http://127.0.0.1:" + port,
                target + "url",
                "http://" + USER + ":" + PASSWORD.replace("@", "%40") + "@127.0.0.1:" + port + "/healthz",
                target + "scope",
                SCOPE,
                target + "interval",
                "200ms",
                target + "timeout",
                "1s",
                target + "failure-threshold",
                "3",
                target + "success-threshold",
                "3");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
