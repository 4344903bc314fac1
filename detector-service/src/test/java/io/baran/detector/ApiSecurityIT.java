package io.baran.detector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.security.ChangeLog;
import io.baran.security.Roles;
import io.baran.testinfra.CapturedLog;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.OpenApiCalls;
import io.baran.testinfra.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may call the detector's API, against a running detector trusting a real OIDC issuer: no call without a
 * valid token, the roles per endpoint, no form posts, no CORS, and health, metrics and the OpenAPI document on the
 * management port only. No target is configured and Kafka is not reachable: nothing here needs either.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ApiSecurityIT.NoBroker.class, restrictToAnnotatedClass = true)
class ApiSecurityIT {

    private static final String PROBLEM_JSON = "application/problem+json";

    /** Kafka on a port where nothing listens, so the test never reaches another run's broker. */
    public static class NoBroker implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:" + Ports.free());
        }

        @Override
        public void stop() {}
    }

    @TestHTTPResource(value = "openapi", management = true)
    URL openApi;

    @TestHTTPResource(value = "health", management = true)
    URL health;

    @TestHTTPResource(value = "health/live", management = true)
    URL live;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private final OidcIssuer issuer = OidcIssuer.shared();

    @BeforeEach
    void noTokenUnlessATestSendsOne() {
        RestAssured.requestSpecification = null;
    }

    @Test
    void everyApiOperationOfTheOpenApiDocumentAnswers401AsAProblemWithoutAToken() {
        List<OpenApiCalls.Call> calls = OpenApiCalls.of(openApi.toString(), "/api");
        assertTrue(
                calls.stream()
                        .map(OpenApiCalls.Call::toString)
                        .toList()
                        .containsAll(List.of(
                                "GET /api/targets",
                                "POST /api/targets",
                                "GET /api/targets/x",
                                "PUT /api/targets/x",
                                "DELETE /api/targets/x",
                                "GET /api/scopes",
                                "POST /api/simulations")),
                "the OpenAPI document lacks operations the detector serves: " + calls);
        List<String> answered = new ArrayList<>();
        for (OpenApiCalls.Call call : calls) {
            Response response = send(given(), call);
            if (!isUnauthorizedProblem(response)) {
                answered.add(call + " answered " + response.statusCode() + " " + response.contentType() + " "
                        + response.asString());
            }
        }
        assertEquals(List.of(), answered, "every /api operation needs a token");
    }

    @Test
    void aTokenSignedByAnotherKeyExpiredOrForAnotherAudienceAnswers401() {
        given().header("Authorization", issuer.bearer("alice", Roles.ADMIN))
                .get("/api/targets")
                .then()
                .statusCode(200);
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("signed by another key", issuer.tokenSignedByAnotherKey("alice", Roles.ADMIN));
        refused.put("expired", issuer.expiredToken("alice", Roles.ADMIN));
        refused.put("issued for another audience", issuer.tokenForAudience("another-api", "alice", Roles.ADMIN));
        refused.forEach((what, token) -> {
            Response response =
                    given().header("Authorization", "Bearer " + token).get("/api/targets");
            assertTrue(
                    isUnauthorizedProblem(response),
                    "a token " + what + " answered " + response.statusCode() + " " + response.contentType() + " "
                            + response.asString());
        });
    }

    @Test
    void aViewerCannotAddATargetAndAnAdminCan() {
        given().header("Authorization", issuer.bearer("victor", Roles.VIEWER))
                .get("/api/targets")
                .then()
                .statusCode(200);
        given().header("Authorization", issuer.bearer("victor", Roles.VIEWER))
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/targets")
                .then()
                .statusCode(403)
                .contentType(PROBLEM_JSON)
                .body("status", is(403))
                .body("title", is("Forbidden"));
        // The admin's call reaches the resource, which refuses the empty target on its merits.
        given().header("Authorization", issuer.bearer("ada", Roles.ADMIN))
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/targets")
                .then()
                .statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", is("https://baran.io/problems/invalid-target"));
    }

    @Test
    void healthAnswersWithoutATokenOnTheManagementPortAndNothingOfQIsServedOnTheApiPort() {
        given().get(live).then().statusCode(200).body("status", is("UP"));
        Response all = given().get(health);
        assertTrue(all.statusCode() == 200 || all.statusCode() == 503, "/q/health answered " + all.statusCode());
        assertTrue(List.of("UP", "DOWN").contains(all.jsonPath().getString("status")), all.asString());
        given().get(metrics).then().statusCode(200);
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi")) {
            assertEquals(404, given().get(path).statusCode(), path + " on the API port");
        }
    }

    @Test
    void aFormPostIsRefusedEvenWithAnAdminsToken() {
        given().header("Authorization", issuer.bearer("ada", Roles.ADMIN))
                .contentType(ContentType.URLENC)
                .body("name=web&url=http%3A%2F%2F127.0.0.1%2F&scope=local%2Fweb")
                .post("/api/targets")
                .then()
                .statusCode(415)
                .contentType(PROBLEM_JSON);
        given().get("/api/targets/web").then().statusCode(401);
        given().header("Authorization", issuer.bearer("ada", Roles.ADMIN))
                .get("/api/targets/web")
                .then()
                .statusCode(404);
    }

    @Test
    void aCrossOriginBrowserIsGivenNoPermission() {
        Response preflight = given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/api/targets");
        assertNull(
                preflight.header("Access-Control-Allow-Origin"),
                "preflight answered " + preflight.statusCode() + " " + preflight.headers());
        Response read = given().header("Origin", "https://evil.example")
                .header("Authorization", issuer.bearer("ada", Roles.ADMIN))
                .get("/api/targets");
        assertNull(read.header("Access-Control-Allow-Origin"), "a cross-origin read answered " + read.headers());
    }

    private static Response send(RequestSpecification request, OpenApiCalls.Call call) {
        if (!call.method().equals("GET") && !call.method().equals("DELETE")) {
            request.contentType(ContentType.JSON).body("{}");
        }
        return request.request(call.method(), call.path());
    }

    private static boolean isUnauthorizedProblem(Response response) {
        return response.statusCode() == 401
                && response.contentType().startsWith(PROBLEM_JSON)
                && response.jsonPath().getInt("status") == 401
                && String.valueOf(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    /**
     * Who changed what is logged (the detector has no audit trail of its own): every call that may change something,
     * with the caller, its roles, the path and the answer; nothing for a read, nothing for a call without a token.
     */
    @Test
    void everyChangingCallIsLoggedWithItsCallerAndAnswer() {
        try (CapturedLog log = CapturedLog.of(ChangeLog.CATEGORY)) {
            given().header("Authorization", issuer.bearer("ada", Roles.ADMIN))
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .post("/api/targets")
                    .then()
                    .statusCode(400);
            given().header("Authorization", issuer.bearer("victor", Roles.VIEWER))
                    .delete("/api/targets/t1?why=x")
                    .then()
                    .statusCode(403);
            given().header("Authorization", issuer.bearer("victor", Roles.VIEWER))
                    .get("/api/targets")
                    .then()
                    .statusCode(200);
            given().contentType(ContentType.JSON)
                    .body("{}")
                    .post("/api/targets")
                    .then()
                    .statusCode(401);
            List<String> lines = log.lines();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("POST /api/targets by ada \\(roles \\[.*admin.*\\]\\): 400"), lines.get(0));
            assertEquals("DELETE /api/targets/t1?why=x by victor (roles [viewer]): 403", lines.get(1));
        }
    }
}
