package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake of the Google APIs the gcp provider calls, on WireMock: Cloud DNS, Compute (Cloud CDN) and
 * Cloud SQL Admin keep their resources in memory and apply what they are sent. Every request is checked
 * against the documented path, method and body; one that does not match is answered 400 (or 404 for an
 * unknown path) and recorded in {@link #violations()}, which the tests expect empty. A failure can be queued
 * for the next request to a path, as Google would answer it.
 */
final class GoogleCloudFake implements AutoCloseable {

    static final String PROJECT = "baran-test-project";
    private static final Pattern DNS =
            Pattern.compile("/dns/v1/projects/([^/]+)/managedZones(?:/([^/]+)/(rrsets|changes)(?:/([^/]+))?)?");
    private static final Pattern COMPUTE = Pattern.compile(
            "/compute/v1/projects/([^/]+)/global/(backendServices|backendBuckets|urlMaps|operations)/([^/]+)");
    private static final Pattern SQL =
            Pattern.compile("/v1/projects/([^/]+)/(instances|operations)(?:/([^/]+?)(/promoteReplica|/switchover)?)?");

    final FakeCloudDns dns = new FakeCloudDns();
    final FakeCompute compute = new FakeCompute(PROJECT);
    final FakeCloudSql sql = new FakeCloudSql(PROJECT);
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Injected> failures = new ConcurrentLinkedQueue<>();
    private final WireMockServer server;

    private record Injected(String method, String pathPart, Answer answer) {}

    GoogleCloudFake() {
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(8)
                .extensions(new Router()));
        server.start();
        server.stubFor(
                WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withStatus(500)));
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Requests that did not have the documented shape. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** The next request whose method matches and whose path contains {@code pathPart} gets this error instead. */
    void failNext(String method, String pathPart, int status, String reason) {
        failures.add(new Injected(method, pathPart, Answer.error(status, reason, "injected by the test")));
    }

    /** How many requests of this method had a path containing {@code pathPart}. */
    int count(String method, String pathPart) {
        return (int) server.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals(method)
                        && e.getRequest().getUrl().contains(pathPart))
                .count();
    }

    /** Whether any request carried credentials: with an endpoint override none may. */
    boolean anyAuthorizationHeader() {
        return server.getAllServeEvents().stream().anyMatch(e -> e.getRequest().containsHeader("Authorization"));
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Router implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "google-cloud-fake";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            String method = request.getMethod().getName();
            String path = request.getUrl().split("\\?", 2)[0];
            Answer answer = injected(method, path);
            if (answer == null) {
                answer = route(method, path, request);
            }
            if (answer.status() == 400
                    || (answer.status() == 404
                            && answer.body()
                                    .path("error")
                                    .path("errors")
                                    .path(0)
                                    .path("reason")
                                    .asText()
                                    .equals("unknownPath"))) {
                violations.add(method + " " + request.getUrl() + ": "
                        + answer.body().path("error").path("message").asText());
            }
            return new ResponseDefinitionBuilder()
                    .withStatus(answer.status())
                    .withHeader("Content-Type", "application/json; charset=UTF-8")
                    .withBody(answer.body().toString())
                    .build();
        }

        private Answer injected(String method, String path) {
            for (Injected f : failures) {
                if (f.method().equals(method) && path.contains(f.pathPart()) && failures.remove(f)) {
                    return f.answer();
                }
            }
            return null;
        }

        private Answer route(String method, String path, Request request) {
            Matcher m;
            if ((m = DNS.matcher(path)).matches()) {
                return project(m.group(1)) ? dns(method, m, request) : forbidden(m.group(1));
            }
            if ((m = COMPUTE.matcher(path)).matches()) {
                return project(m.group(1))
                        ? compute(method, m.group(2), decode(m.group(3)), request)
                        : forbidden(m.group(1));
            }
            if ((m = SQL.matcher(path)).matches()) {
                return project(m.group(1))
                        ? sql(method, m.group(2), m.group(3) == null ? null : decode(m.group(3)), m.group(4), request)
                        : forbidden(m.group(1));
            }
            return Answer.error(404, "unknownPath", "no such API: " + path);
        }

        private Answer dns(String method, Matcher m, Request request) {
            String zone = m.group(2) == null ? null : decode(m.group(2));
            String collection = m.group(3);
            if (zone == null && method.equals("GET")) {
                return dns.listZones(query(request, "dnsName"));
            }
            if ("rrsets".equals(collection) && m.group(4) == null && method.equals("GET")) {
                return dns.listRecords(zone, query(request, "name"), query(request, "type"));
            }
            if ("changes".equals(collection) && m.group(4) == null && method.equals("POST")) {
                JsonNode body = jsonBody(request);
                return body == null
                        ? Answer.invalid("changes.create needs a JSON Change body")
                        : dns.createChange(zone, body);
            }
            if ("changes".equals(collection) && m.group(4) != null && method.equals("GET")) {
                return dns.getChange(zone, decode(m.group(4)));
            }
            return Answer.error(404, "unknownPath", "Cloud DNS has no " + method + " " + request.getUrl());
        }

        private Answer compute(String method, String collection, String name, Request request) {
            if (method.equals("GET")) {
                return switch (collection) {
                    case "urlMaps" -> compute.getUrlMap(name);
                    case "operations" -> compute.getOperation(name);
                    default -> compute.getBackend(collection, name);
                };
            }
            if (method.equals("PATCH") && collection.startsWith("backend")) {
                JsonNode body = jsonBody(request);
                return body == null
                        ? Answer.invalid("patch needs a JSON body")
                        : compute.patchBackend(collection, name, body);
            }
            return Answer.error(404, "unknownPath", "Compute has no " + method + " " + request.getUrl());
        }

        private Answer sql(String method, String collection, String name, String verb, Request request) {
            if (name == null) {
                String instance = query(request, "instance");
                return collection.equals("operations") && method.equals("GET") && instance != null
                        ? sql.listOperations(instance)
                        : Answer.error(404, "unknownPath", "Cloud SQL Admin has no " + method + " " + request.getUrl());
            }
            if (collection.equals("instances") && "/promoteReplica".equals(verb) && method.equals("POST")) {
                return sql.promote(name, request.getBodyAsString());
            }
            if (collection.equals("instances") && "/switchover".equals(verb) && method.equals("POST")) {
                java.util.Map<String, String> query = new java.util.TreeMap<>();
                String[] url = request.getUrl().split("\\?", 2);
                if (url.length == 2) {
                    for (String pair : url[1].split("&")) {
                        String[] kv = pair.split("=", 2);
                        query.put(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
                    }
                }
                return sql.switchover(name, request.getBodyAsString(), query);
            }
            if (verb == null && method.equals("GET")) {
                return collection.equals("instances") ? sql.get(name) : sql.getOperation(name);
            }
            return Answer.error(404, "unknownPath", "Cloud SQL Admin has no " + method + " " + request.getUrl());
        }

        private JsonNode jsonBody(Request request) {
            String type = request.getHeader("Content-Type");
            if (type == null || !type.startsWith("application/json")) {
                return null;
            }
            try {
                return Answer.JSON.readTree(request.getBodyAsString());
            } catch (IOException e) {
                return null;
            }
        }

        private static String query(Request request, String name) {
            QueryParameter p = request.queryParameter(name);
            return p != null && p.isPresent() ? p.firstValue() : null;
        }

        private boolean project(String project) {
            return PROJECT.equals(decode(project));
        }

        private Answer forbidden(String project) {
            return Answer.error(403, "forbidden", "The caller does not have permission on project " + decode(project));
        }
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
