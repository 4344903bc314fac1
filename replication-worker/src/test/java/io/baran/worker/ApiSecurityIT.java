package io.baran.worker;

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
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
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
 * Who may call the worker's API, against a running worker trusting a real OIDC issuer: no call without a valid
 * token, the roles per endpoint, no form posts, no CORS, and health, metrics and the OpenAPI document on the
 * management port only. No provider or pair is configured, and neither Temporal nor Kafka is reachable: nothing
 * here needs them.
 */
@QuarkusTest
@WithTestResource(OidcIssuerResource.class)
@WithTestResource(ApiSecurityIT.NothingListening.class)
class ApiSecurityIT {

    private static final String PROBLEM_JSON = "application/problem+json";

    /** Temporal and Kafka on ports where nothing listens, so the test never reaches another run's servers. */
    public static class NothingListening implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "baran.temporal.target",
                    "127.0.0.1:" + Ports.free(),
                    "kafka.bootstrap.servers",
                    "127.0.0.1:" + Ports.free());
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
                                "GET /api/providers",
                                "GET /api/replication/pairs",
                                "GET /api/replication/pairs/x",
                                "POST /api/replication/pairs/x/sync",
                                "POST /api/replication/pairs/x/failover",
                                "POST /api/replication/pairs/x/failback",
                                "POST /api/replication/pairs/x/conflicts/resolve")),
                "the OpenAPI document lacks operations the worker serves: " + calls);
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
        given().header("Authorization", issuer.bearer("alice", Roles.VIEWER))
                .get("/api/providers")
                .then()
                .statusCode(200);
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("signed by another key", issuer.tokenSignedByAnotherKey("alice", Roles.ADMIN));
        refused.put("expired", issuer.expiredToken("alice", Roles.ADMIN));
        refused.put("issued for another audience", issuer.tokenForAudience("another-api", "alice", Roles.ADMIN));
        refused.forEach((what, token) -> {
            Response response =
                    given().header("Authorization", "Bearer " + token).get("/api/providers");
            assertTrue(
                    isUnauthorizedProblem(response),
                    "a token " + what + " answered " + response.statusCode() + " " + response.contentType() + " "
                            + response.asString());
        });
    }

    @Test
    void aViewerCannotSyncAPairAndAFailoverOperatorCan() {
        given().header("Authorization", issuer.bearer("victor", Roles.VIEWER))
                .get("/api/replication/pairs")
                .then()
                .statusCode(200);
        given().header("Authorization", issuer.bearer("victor", Roles.VIEWER))
                .contentType(ContentType.JSON)
                .post("/api/replication/pairs/x/sync")
                .then()
                .statusCode(403)
                .contentType(PROBLEM_JSON)
                .body("status", is(403))
                .body("title", is("Forbidden"));
        // The operator's call reaches the resource, which knows no pair x.
        given().header("Authorization", issuer.bearer("olga", Roles.FAILOVER_OPERATOR))
                .contentType(ContentType.JSON)
                .post("/api/replication/pairs/x/sync")
                .then()
                .statusCode(404)
                .contentType(PROBLEM_JSON)
                .body("detail", org.hamcrest.Matchers.startsWith("no replication pair x"));
    }

    @Test
    void healthAnswersWithoutATokenOnTheManagementPortAndNothingOfQIsServedOnTheApiPort() {
        given().get(live).then().statusCode(200).body("status", is("UP"));
        // Not ready (Temporal is down), and says so to anyone: probes carry no token.
        given().get(health).then().statusCode(503).body("checks.find { it.name == 'temporal' }.status", is("DOWN"));
        given().get(metrics).then().statusCode(200);
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi")) {
            assertEquals(404, given().get(path).statusCode(), path + " on the API port");
        }
    }

    @Test
    void aFormPostIsRefusedEvenWithAnAdminsToken() {
        given().header("Authorization", issuer.bearer("ada", Roles.ADMIN))
                .contentType(ContentType.URLENC)
                .body("wait=60s")
                .post("/api/replication/pairs/x/sync")
                .then()
                .statusCode(415)
                .contentType(PROBLEM_JSON);
    }

    @Test
    void aCrossOriginBrowserIsGivenNoPermission() {
        Response preflight = given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/api/replication/pairs/x/sync");
        assertNull(
                preflight.header("Access-Control-Allow-Origin"),
                "preflight answered " + preflight.statusCode() + " " + preflight.headers());
        Response read = given().header("Origin", "https://evil.example")
                .header("Authorization", issuer.bearer("ada", Roles.ADMIN))
                .get("/api/providers");
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
     * Who changed what is logged (the worker has no audit trail of its own): a replication call with its caller, its
     * roles, the path and the answer.
     */
    @Test
    void aReplicationCallIsLoggedWithItsCallerAndAnswer() {
        try (CapturedLog log = CapturedLog.of(ChangeLog.CATEGORY)) {
            given().header("Authorization", issuer.bearer("olga", Roles.FAILOVER_OPERATOR))
                    .contentType(ContentType.JSON)
                    .post("/api/replication/pairs/x/failback?replica=r1")
                    .then()
                    .statusCode(404);
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(
                    lines.get(0)
                            .matches("POST /api/replication/pairs/x/failback\\?replica=r1 by olga"
                                    + " \\(roles \\[.*failover-operator.*\\]\\): 404"),
                    lines.get(0));
        }
    }
}
