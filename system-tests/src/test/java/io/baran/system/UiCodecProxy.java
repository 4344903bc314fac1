package io.baran.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Stands in for the Temporal Web UI's "pass the user's access token" (the dev server's UI has no login): forwards the
 * browser's codec calls, CORS pre-flights included, to the orchestrator's {@code /codec}, adding a viewer's bearer
 * token. The orchestrator answers them, CORS headers and all; nothing is decided here.
 */
final class UiCodecProxy implements AutoCloseable {

    private static final List<String> FORWARDED = List.of(
            "Origin", "Content-Type", "X-Namespace", "Access-Control-Request-Method", "Access-Control-Request-Headers");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpServer server;
    private volatile String target;
    private volatile Supplier<String> token;

    UiCodecProxy() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Where to forward ({@code http://host:port/codec}) and whose token to add. */
    void forwardTo(String codecEndpoint, Supplier<String> viewerToken) {
        this.target = codecEndpoint;
        this.token = viewerToken;
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (target == null) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(target + exchange.getRequestURI().getPath()))
                    .timeout(Duration.ofSeconds(10))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : FORWARDED) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            if (!exchange.getRequestMethod().equals("OPTIONS")) {
                request.header("Authorization", "Bearer " + token.get());
            }
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (name.toLowerCase().startsWith("access-control-")
                        || name.equalsIgnoreCase("content-type")
                        || name.equalsIgnoreCase("vary")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
