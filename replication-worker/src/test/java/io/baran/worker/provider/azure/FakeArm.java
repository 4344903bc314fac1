package io.baran.worker.provider.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure Resource Manager as its REST reference documents it, served by WireMock on 127.0.0.1, for the
 * resources Baran's Azure adapters use: there is no emulator for ARM. It keeps state (record sets with
 * etags, CDN delivery rules, Front Door rule sets, failover group roles, flexible server replica roles), applies changes, honours
 * {@code If-Match} / {@code If-None-Match}, runs updates as long-running operations (202 with
 * {@code Azure-AsyncOperation}, done on the second poll), and refuses requests that stray from the documented
 * shapes (api-version, paths, JSON fields, a bearer token) with ARM's error body, so a wrong request fails
 * the test instead of passing silently. WireMock's journal keeps every request for the tests to inspect.
 */
final class FakeArm implements ResponseDefinitionTransformerV2, AutoCloseable {

    static final String SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
    static final String TOKEN = "fake-arm-token-for-tests";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, headers, JSON body (null for none). */
    record Answer(int status, Map<String, String> headers, JsonNode body) {
        static Answer of(int status, JsonNode body) {
            return new Answer(status, Map.of(), body);
        }

        static Answer error(int status, String code, String message) {
            ObjectNode body = JSON.createObjectNode();
            body.putObject("error").put("code", code).put("message", message);
            return new Answer(status, Map.of(), body);
        }
    }

    /** One family of resources: the routes it serves and the api-version they require. */
    interface Resources {
        String apiVersion();

        Pattern route();

        Answer handle(String method, Matcher path, Request request);
    }

    /** A failure answered once to the next matching request, before any state is touched. */
    private record Fault(String method, String pathPart, int status, String code, String retryAfter) {}

    /** @param finished null: done on its second poll; else in progress until it says finished */
    private record Operation(Runnable done, int[] polls, java.util.function.BooleanSupplier finished) {}

    private static final Pattern OPERATION =
            Pattern.compile("/subscriptions/([^/]+)/providers/([^/]+)/operationResults/([^/]+)");

    final FakeArmDns dns = new FakeArmDns(this);
    final FakeArmCdn cdn = new FakeArmCdn(this);
    final FakeArmFrontDoor frontDoor = new FakeArmFrontDoor(this, cdn);
    final FakeArmDatabases databases = new FakeArmDatabases(this);
    private final List<Resources> families = List.of(dns, cdn, frontDoor, databases.sql, databases.postgres);
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final WireMockServer server;

    private FakeArm() {
        server = new WireMockServer(
                options().bindAddress("127.0.0.1").dynamicPort().extensions(this));
    }

    static FakeArm run() {
        FakeArm fake = new FakeArm();
        fake.server.start();
        fake.server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(fake.getName())));
        return fake;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    WireMockServer wireMock() {
        return server;
    }

    /** The next request of this method whose path contains {@code pathPart} is answered with this error. */
    void failNext(String method, String pathPart, int status, String code, String retryAfter) {
        faults.add(new Fault(method, pathPart, status, code, retryAfter));
    }

    static String group(String resourceGroup, String namespace) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + resourceGroup + "/providers/" + namespace;
    }

    /** Accepts a long-running operation: 202 with where to poll; {@code done} applies the change on its end. */
    Answer accepted(String namespace, String apiVersion, Runnable done) {
        String id = UUID.randomUUID().toString();
        return accepted(namespace, apiVersion, id, new Operation(done, new int[] {0}, null));
    }

    /** As {@link #accepted(String, String, Runnable)}, the operation in progress until {@code finished} says so. */
    Answer acceptedUntil(String namespace, String apiVersion, java.util.function.BooleanSupplier finished) {
        String id = UUID.randomUUID().toString();
        return accepted(namespace, apiVersion, id, new Operation(() -> {}, new int[] {0}, finished));
    }

    private Answer accepted(String namespace, String apiVersion, String id, Operation operation) {
        operations.put(id, operation);
        String status = endpoint() + "/subscriptions/" + SUBSCRIPTION + "/providers/" + namespace + "/operationResults/"
                + id + "?api-version=" + apiVersion;
        return new Answer(202, Map.of("Azure-AsyncOperation", status, "Location", status, "Retry-After", "0"), null);
    }

    @Override
    public String getName() {
        return "fake-arm";
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Answer answer;
        try {
            answer = answer(event.getRequest());
        } catch (RuntimeException e) {
            answer = Answer.error(400, "InvalidRequestContent", "the fake could not read the request: " + e);
        }
        ResponseDefinitionBuilder response =
                ResponseDefinitionBuilder.responseDefinition().withStatus(answer.status());
        answer.headers().forEach(response::withHeader);
        if (answer.body() != null) {
            response.withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody(answer.body().toString());
        }
        return response.build();
    }

    private Answer answer(Request request) {
        String method = request.getMethod().getName();
        String path = URLDecoder.decode(request.getUrl().split("\\?")[0], StandardCharsets.UTF_8);
        String auth = request.getHeader("Authorization");
        if (!("Bearer " + TOKEN).equals(auth)) {
            return Answer.error(401, "InvalidAuthenticationToken", "The access token is invalid.");
        }
        for (Fault fault : faults) {
            if (fault.method().equals(method) && path.contains(fault.pathPart()) && faults.remove(fault)) {
                Answer error = Answer.error(fault.status(), fault.code(), "injected by the test");
                return fault.retryAfter() == null
                        ? error
                        : new Answer(error.status(), Map.of("Retry-After", fault.retryAfter()), error.body());
            }
        }
        Matcher operation = OPERATION.matcher(path);
        if (operation.matches() && method.equals("GET")) {
            return operation(operation.group(3));
        }
        for (Resources family : families) {
            Matcher m = family.route().matcher(path);
            if (m.matches()) {
                String version = request.queryParameter("api-version").isPresent()
                        ? request.queryParameter("api-version").firstValue()
                        : null;
                if (!family.apiVersion().equals(version)) {
                    return Answer.error(
                            400,
                            "InvalidApiVersionParameter",
                            "The api-version '" + version + "' is invalid. The fake serves " + family.apiVersion()
                                    + " for " + path);
                }
                if (!request.getAllHeaderKeys().stream().anyMatch(h -> h.equalsIgnoreCase("Content-Type"))
                        && request.getBody().length > 0) {
                    return Answer.error(415, "UnsupportedMediaType", "a body needs Content-Type: application/json");
                }
                return family.handle(method, m, request);
            }
        }
        return Answer.error(404, "ResourceNotFound", "The fake serves no resource at " + method + " " + path);
    }

    private Answer operation(String id) {
        Operation op = operations.get(id);
        if (op == null) {
            return Answer.error(404, "OperationNotFound", "no operation " + id);
        }
        ObjectNode body = JSON.createObjectNode().put("id", id).put("name", id);
        if (op.finished() != null) {
            return op.finished().getAsBoolean()
                    ? Answer.of(200, body.put("status", "Succeeded"))
                    : new Answer(200, Map.of("Retry-After", "0"), body.put("status", "InProgress"));
        }
        if (op.polls()[0]++ == 0) {
            return new Answer(200, Map.of("Retry-After", "0"), body.put("status", "InProgress"));
        }
        if (op.polls()[0] == 2) {
            op.done().run();
        }
        return Answer.of(200, body.put("status", "Succeeded"));
    }

    static JsonNode body(Request request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new IllegalArgumentException("the body is not JSON", e);
        }
    }

    /** Every request the fake answered, oldest first: method, path with query, and the request itself. */
    List<Request> requests() {
        List<Request> all = new ArrayList<>();
        server.getAllServeEvents().forEach(e -> all.add(0, e.getRequest()));
        return all;
    }

    @Override
    public void close() {
        server.stop();
    }
}
