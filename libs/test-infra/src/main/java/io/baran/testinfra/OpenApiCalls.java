package io.baran.testinfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every operation a service's OpenAPI document declares, as a call a test can make: path parameters filled with a
 * harmless value. A test that walks them all cannot forget an endpoint added later.
 */
public final class OpenApiCalls {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One operation: its method, a concrete path, and the media type of the body it takes (JSON when it declares
     * none), so a refusal is never only about the media type.
     */
    public record Call(String method, String path, String mediaType) {

        /** A call whose body, if any, is JSON. */
        public Call(String method, String path) {
            this(method, path, "application/json");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private OpenApiCalls() {}

    /** The operations under {@code prefix} (e.g. {@code /api}) of the document at {@code openApiUrl} (JSON). */
    public static List<Call> of(String openApiUrl, String prefix) {
        JsonNode document;
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(openApiUrl + "?format=json"))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(openApiUrl + " answered " + response.statusCode());
            }
            document = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<Call> calls = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith(prefix)) {
                continue;
            }
            String concrete = path.getKey().replaceAll("\\{[^}]+}", "x");
            path.getValue().fields().forEachRemaining(operation -> {
                if (METHODS.contains(operation.getKey())) {
                    Iterator<String> types = operation
                            .getValue()
                            .path("requestBody")
                            .path("content")
                            .fieldNames();
                    calls.add(new Call(
                            operation.getKey().toUpperCase(),
                            concrete,
                            types.hasNext() ? types.next() : "application/json"));
                }
            });
        }
        return calls;
    }

    /** The status {@code baseUrl + call.path} answers to the call, with the headers given (name, value, ...). */
    public static int status(String baseUrl, Call call, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + call.path()))
                .timeout(Duration.ofSeconds(10))
                .method(
                        call.method(),
                        call.method().equals("GET") || call.method().equals("DELETE")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(
                                        call.mediaType().contains("json") ? "{}" : "a: b"));
        if (!call.method().equals("GET") && !call.method().equals("DELETE")) {
            request.header("Content-Type", call.mediaType());
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
