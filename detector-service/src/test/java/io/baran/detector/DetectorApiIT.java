package io.baran.detector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.audit.AuditAppender;
import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.OutageEvent;
import io.baran.events.Topics;
import io.baran.security.Roles;
import io.baran.testinfra.AuditLogResource;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.Polling;
import io.baran.testinfra.PostgresServer;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The REST API of a running detector against a real Kafka broker and a real HTTP target: targets changed at run
 * time, validation as problem details, scopes with votes and history, simulated outages, and the metrics (on the
 * management port). Every call carries an admin's token; who may do what is {@link ApiSecurityIT}'s.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ApiTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AuditLogResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DetectorApiIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** /q/metrics on the management interface, at the port it actually listens on. */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    /** A configured target, which a viewer may not delete. */
    @TestHTTPResource("api/targets/cfg")
    URI deleteCfg;

    @Inject
    Vertx vertx;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void callAsAnAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", OidcIssuer.shared().bearer("tester", Roles.ADMIN))
                .build();
    }

    @AfterEach
    void forgetTheToken() {
        RestAssured.requestSpecification = null;
    }

    private static String base() {
        return ConfigProvider.getConfig().getValue(ApiTestResource.TARGETS, String.class);
    }

    private static Path targetsFile() {
        return Path.of(ConfigProvider.getConfig().getValue("baran.detector.data-dir", String.class), "targets.json");
    }

    @Test
    @Order(1)
    void aTargetAddedAtRunTimeIsProbedKeptInTheDataFolderChangedAndRemoved() throws Exception {
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "api-web",
                        "url",
                        base() + "/web",
                        "scope",
                        "local/api/web",
                        "interval",
                        "200ms",
                        "failureThreshold",
                        2))
                .post("/api/targets")
                .then()
                .statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/targets/api-web"));
        await(
                "api-web to come UP",
                () -> given().get("/api/targets/api-web")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath(),
                t -> "UP".equals(t.getString("state")));
        Map<String, Object> target =
                given().get("/api/targets/api-web").then().extract().jsonPath().getMap("$");
        assertEquals("API", target.get("origin"));
        assertEquals("http", target.get("kind"));
        assertEquals("200ms", target.get("interval"));
        assertTrue(Files.readString(targetsFile()).contains("\"api-web\""), Files.readString(targetsFile()));

        given().contentType(ContentType.JSON)
                .body(Map.of("url", base() + "/web2", "scope", "local/api/web"))
                .put("/api/targets/api-web")
                .then()
                .statusCode(200);
        assertEquals(
                base() + "/web2",
                given().get("/api/targets/api-web").then().extract().jsonPath().getString("url"));
        assertTrue(Files.readString(targetsFile()).contains("/web2"));

        given().delete("/api/targets/api-web").then().statusCode(204);
        given().get("/api/targets/api-web").then().statusCode(404).contentType("application/problem+json");
        assertFalse(Files.readString(targetsFile()).contains("api-web"));
        given().delete("/api/targets/api-web").then().statusCode(404);
    }

    @Test
    @Order(2)
    void aTargetAtTheMetadataAddressOrInTheInternalNetworkIsRefusedNamingTheRule() {
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "metadata",
                        "url",
                        "http://169.254.169.254/latest/meta-data/",
                        "scope",
                        "local/metadata"))
                .post("/api/targets");
        response.then().statusCode(400).contentType("application/problem+json");
        assertEquals(List.of("url"), response.jsonPath().getList("errors.field"), response.asString());
        assertEquals(
                "169.254.169.254 is a cloud metadata address: refused by the egress policy (rule metadata)",
                response.jsonPath().getString("errors[0].detail"));

        // The test profile allow-lists loopback only: the internal network stays refused, for tcp and dns probes too.
        response = given().contentType(ContentType.JSON)
                .body(Map.of("name", "internal", "url", "tcp://10.0.0.7:5432", "scope", "local/internal"))
                .post("/api/targets");
        response.then().statusCode(400).contentType("application/problem+json");
        assertTrue(response.jsonPath().getString("errors[0].detail").contains("(rule private;"), response.asString());
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "gce",
                        "url",
                        "dns://metadata.google.internal:53/www.example.com",
                        "scope",
                        "local/gce"))
                .post("/api/targets")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "metadata",
                        "url",
                        "http://169.254.169.254/latest/meta-data/",
                        "scope",
                        "local/metadata"))
                .put("/api/targets/metadata")
                .then()
                .statusCode(400);
        given().get("/api/targets/metadata").then().statusCode(404);
        given().get("/api/targets/internal").then().statusCode(404);
    }

    @Test
    @Order(2)
    void aBadTargetIsRefusedWithEveryProblemAsProblemDetails() {
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "bad",
                        "url",
                        "ftp://example.com/x",
                        "scope",
                        "not a scope!",
                        "interval",
                        "50ms",
                        "intervall",
                        "1s"))
                .post("/api/targets");
        response.then().statusCode(400).contentType("application/problem+json");
        assertEquals(
                "https://baran.io/problems/invalid-target", response.jsonPath().getString("type"));
        assertEquals(400, response.jsonPath().getInt("status"));
        List<String> fields = response.jsonPath().getList("errors.field");
        assertEquals(
                List.of("intervall"),
                fields,
                "unknown fields are reported before the rest is read: " + response.asString());

        response = given().contentType(ContentType.JSON)
                .body(Map.of("name", "bad", "url", "ftp://example.com/x", "scope", "not a scope!", "interval", "50ms"))
                .post("/api/targets");
        response.then().statusCode(400).contentType("application/problem+json");
        assertEquals(
                List.of("url", "scope", "interval"), response.jsonPath().getList("errors.field"), response.asString());
        assertTrue(response.jsonPath().getString("errors[2].detail").contains("50ms is below the minimum of 100ms"));
        assertTrue(response.jsonPath().getString("errors[1].detail").contains("is not a scope"));
        given().get("/api/targets/bad").then().statusCode(404);

        given().contentType(ContentType.JSON)
                .body(Map.of("name", "../etc", "url", base() + "/x", "scope", "local/x"))
                .post("/api/targets")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");

        response = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "blob-canary",
                        "url",
                        "az://canaries/baran/canary.txt",
                        "scope",
                        "azure/westeurope/blob",
                        "accountKeyEnv",
                        "BARAN_TEST_UNSET_AZURE_KEY"))
                .post("/api/targets");
        response.then().statusCode(400).contentType("application/problem+json");
        assertEquals(
                List.of("account", "accountKeyEnv"), response.jsonPath().getList("errors.field"), response.asString());
        assertTrue(response.jsonPath()
                .getString("errors[1].detail")
                .contains("names BARAN_TEST_UNSET_AZURE_KEY, which is not set"));
        response = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "gcs-canary",
                        "url",
                        "gs://Bad_Bucket/canary.txt",
                        "scope",
                        "gcp/europe-west1/gcs",
                        "timeout",
                        "soon"))
                .post("/api/targets");
        response.then().statusCode(400).contentType("application/problem+json");
        assertEquals(List.of("url", "timeout"), response.jsonPath().getList("errors.field"), response.asString());
        assertTrue(response.jsonPath().getString("errors[0].detail").contains("is not a Cloud Storage bucket name"));
        given().get("/api/targets/blob-canary").then().statusCode(404);
    }

    @Test
    @Order(2)
    void aCanaryNamingABucketOrKeyVariableOffTheAllowListIsRefusedNamingTheField() {
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "payroll-canary",
                        "url",
                        "s3://payroll-exports/canary.txt",
                        "scope",
                        "aws/us-east-1/s3",
                        "endpoint",
                        base()))
                .post("/api/targets");
        response.then().statusCode(400).contentType("application/problem+json");
        assertEquals(List.of("url"), response.jsonPath().getList("errors.field"), response.asString());
        assertEquals(
                "bucket \"payroll-exports\" is not in baran.detector.canary.allowed-buckets (allowed: allowed-canary, canaries)",
                response.jsonPath().getString("errors[0].detail"));
        given().get("/api/targets/payroll-canary").then().statusCode(404);

        response = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "blob-canary",
                        "url",
                        "az://canaries/baran/canary.txt",
                        "scope",
                        "azure/westeurope/blob",
                        "account",
                        "devstoreaccount1",
                        "accountKeyEnv",
                        "PATH",
                        "endpoint",
                        base()))
                .post("/api/targets");
        response.then().statusCode(400).contentType("application/problem+json");
        assertEquals(List.of("accountKeyEnv"), response.jsonPath().getList("errors.field"), response.asString());
        assertTrue(
                response.jsonPath()
                        .getString("errors[0].detail")
                        .startsWith("PATH is not in baran.detector.canary.allowed-credentials"),
                response.asString());

        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "listed-canary",
                        "url",
                        "s3://allowed-canary/canary.txt",
                        "scope",
                        "aws/us-east-1/s3",
                        "endpoint",
                        base()))
                .post("/api/targets")
                .then()
                .statusCode(201);
        assertEquals(
                "s3",
                given().get("/api/targets/listed-canary")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getString("kind"));
        given().delete("/api/targets/listed-canary").then().statusCode(204);
    }

    @Test
    @Order(3)
    void aConfiguredTargetCannotBeChangedThroughTheApiAndANameIsTakenOnce() {
        given().delete("/api/targets/cfg").then().statusCode(409).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body(Map.of("url", base() + "/other", "scope", "local/cfg"))
                .put("/api/targets/cfg")
                .then()
                .statusCode(409);
        Map<String, Object> twice = Map.of("name", "once", "url", base() + "/once", "scope", "local/once");
        given().contentType(ContentType.JSON)
                .body(twice)
                .post("/api/targets")
                .then()
                .statusCode(201);
        given().contentType(ContentType.JSON)
                .body(twice)
                .post("/api/targets")
                .then()
                .statusCode(409);
        given().delete("/api/targets/once").then().statusCode(204);
    }

    @Test
    @Order(4)
    void aScopeShowsTheQuorumsDecisionWithEveryVoteAndItsHistory() {
        Map<String, Object> scope = await(
                "the quorum to decide local/cfg",
                () -> scope("local/cfg"),
                s -> s != null && "UP".equals(s.get("state")) && s.get("decidedBy") != null);
        assertEquals("test-vantage", scope.get("decidedBy"));
        assertEquals(1, scope.get("required"));
        List<Map<String, Object>> votes = cast(scope.get("votes"));
        assertEquals("test-vantage", votes.get(0).get("vantage"));
        assertEquals("UP", votes.get(0).get("verdict"));
        assertEquals(true, votes.get(0).get("live"));
        List<Map<String, Object>> history = cast(scope.get("history"));
        assertEquals("up", history.get(0).get("event"));
        Map<String, Object> vantage = cast(scope.get("vantage"));
        assertEquals("UP", vantage.get("vote"));
    }

    @Test
    @Order(5)
    void aSimulatedOutageIsADrillAllTheWayThrough() {
        try (KafkaConsumer<String, String> consumer = healthEvents()) {
            Response response = given().contentType(ContentType.JSON)
                    .body(Map.of("scope", "local/drill/web", "duration", "2s"))
                    .post("/api/simulations");
            response.then().statusCode(202);
            String incident = response.jsonPath().getString("incidentId");
            assertTrue(incident.startsWith("local/drill/web@drill-"), incident);
            assertTrue(response.jsonPath().getBoolean("drill"));
            assertEquals("tester", response.jsonPath().getString("requestedBy"));
            String outcome = response.jsonPath().getString("outcome");
            assertTrue(
                    outcome.endsWith("GET /api/audit?action=gameday.start&target="
                            + java.net.URLEncoder.encode(incident, java.nio.charset.StandardCharsets.UTF_8)),
                    outcome);

            List<CloudEvent<OutageEvent>> events = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (events.stream().noneMatch(e -> e.type().equals(OutageEvent.RECOVERED))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(EventCodec.decodeOutage(r.value())));
            }
            assertEquals(
                    List.of(OutageEvent.DETECTED, OutageEvent.RECOVERED),
                    events.stream().map(CloudEvent::type).toList(),
                    events.toString());
            events.forEach(e -> {
                assertTrue(e.data().drill(), "not marked as a drill: " + e);
                assertEquals(incident, e.data().incidentId());
                assertEquals("local/drill/web", e.data().scope());
            });
            // The outage event names the caller as their token was verified: the orchestrator drills what they may.
            OutageEvent.Requester requester = events.get(0).data().requester();
            assertEquals("tester", requester.name(), events.toString());
            assertTrue(requester.admin(), events.toString());
            assertTrue(requester.groups().containsAll(List.of(Roles.ADMIN, Roles.DRILL_OPERATOR)), events.toString());
            Map<String, Object> scope = await(
                    "the drill in the scope's history",
                    () -> scope("local/drill/web"),
                    s -> s != null && ((List<?>) s.get("history")).size() == 2);
            List<Map<String, Object>> history = cast(scope.get("history"));
            assertEquals(
                    List.of(true, true),
                    history.stream().map(h -> h.get("drill")).toList());
            assertEquals("UNKNOWN", scope.get("state"), "a drill changes nothing real");
        }
        Response bad = given().contentType(ContentType.JSON)
                .body(Map.of("scope", "local/x", "duration", "forever"))
                .post("/api/simulations");
        bad.then().statusCode(400).contentType("application/problem+json");
        assertEquals(List.of("duration"), bad.jsonPath().getList("errors.field"));
    }

    @Test
    @Order(5)
    void aDrillOperatorsSimulationNamesThemWithTheirGroupsAndNotAsAnAdmin() throws Exception {
        RestAssured.requestSpecification = null; // a spec built now would keep the admin's header beside this one
        try (KafkaConsumer<String, String> consumer = healthEvents()) {
            String requestId = "sim-" + java.util.UUID.randomUUID();
            Response response = given().header(
                            "Authorization", OidcIssuer.shared().bearer("ana", Roles.DRILL_OPERATOR, "team-a"))
                    .header("X-Request-Id", requestId)
                    .contentType(ContentType.JSON)
                    .body(Map.of("scope", "local/drill/team-a", "duration", "2s"))
                    .post("/api/simulations");
            response.then().statusCode(202);
            String incident = response.jsonPath().getString("incidentId");
            assertEquals("ana", response.jsonPath().getString("requestedBy"));
            List<AuditLogResource.Row> rows = AuditLogResource.rows(requestId);
            assertEquals(
                    List.of("requested", "accepted"),
                    rows.stream().map(AuditLogResource.Row::outcome).toList(),
                    "the game day's rows: " + rows);
            AuditLogResource.Row accepted = rows.get(1);
            assertEquals(
                    List.of("ana", "simulation.start", "local/drill/team-a"),
                    List.of(accepted.actor(), accepted.action(), accepted.target()));
            assertTrue(accepted.groups().contains("\"team-a\""), accepted.groups());
            assertTrue(
                    response.jsonPath().getString("outcome").contains("name one of the groups of ana"),
                    response.asString());

            OutageEvent detected = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (detected == null && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    CloudEvent<OutageEvent> e = EventCodec.decodeOutage(r.value());
                    if (e.type().equals(OutageEvent.DETECTED)
                            && incident.equals(e.data().incidentId())) {
                        detected = e.data();
                    }
                }
            }
            assertTrue(detected != null, "no outage.detected of " + incident + " within " + WAIT);
            assertEquals(
                    new OutageEvent.Requester("ana", List.of(Roles.DRILL_OPERATOR, "team-a", Roles.VIEWER), false),
                    detected.requester());
        }
    }

    @Test
    @Order(5)
    void aSimulationWhileADrillRunsOnTheScopeIsRefusedNamingTheRunningDrill() {
        Response first = given().contentType(ContentType.JSON)
                .body(Map.of("scope", "local/drill/busy", "duration", "2m"))
                .post("/api/simulations");
        first.then().statusCode(202);
        String running = first.jsonPath().getString("incidentId");
        await(
                "the running drill in the scope's record",
                () -> scope("local/drill/busy"),
                s -> s != null && s.get("drill") != null);

        Response second = given().contentType(ContentType.JSON)
                .body(Map.of("scope", "local/drill/busy", "duration", "30s"))
                .post("/api/simulations");
        second.then().statusCode(409).contentType("application/problem+json");
        assertEquals(
                "https://baran.io/problems/drill-running", second.jsonPath().getString("type"));
        String detail = second.jsonPath().getString("detail");
        assertTrue(detail.contains("local/drill/busy") && detail.contains(running), detail);
        List<Map<String, Object>> history = cast(scope("local/drill/busy").get("history"));
        assertEquals(1, history.size(), "only the first drill ran: " + history);
    }

    @Test
    @Order(6)
    void targetChangesAreInTheAuditTrailWithWhoMadeThemAndWhatCameOfIt() throws Exception {
        String add = audited();
        given().header("X-Request-Id", add)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "audit-web", "url", base() + "/web", "scope", "local/api/audit"))
                .post("/api/targets")
                .then()
                .statusCode(201);
        String replace = audited();
        given().header("X-Request-Id", replace)
                .contentType(ContentType.JSON)
                .body(Map.of("url", base() + "/web2", "scope", "local/api/audit"))
                .put("/api/targets/audit-web")
                .then()
                .statusCode(200);
        String bad = audited();
        given().header("X-Request-Id", bad)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "audit-bad", "url", "ftp://nowhere", "scope", "local/api/audit"))
                .post("/api/targets")
                .then()
                .statusCode(400);
        String remove = audited();
        given().header("X-Request-Id", remove)
                .delete("/api/targets/audit-web")
                .then()
                .statusCode(204);
        String again = audited();
        given().header("X-Request-Id", again)
                .delete("/api/targets/audit-web")
                .then()
                .statusCode(404);

        assertAudited(add, "target.add", "audit-web", "accepted");
        assertAudited(replace, "target.replace", "audit-web", "accepted");
        assertAudited(bad, "target.add", "audit-bad", "refused: 400 ");
        assertAudited(remove, "target.delete", "audit-web", "accepted");
        assertAudited(again, "target.delete", "audit-web", "refused: 404 ");
    }

    @Test
    @Order(6)
    void aTargetTheAuditTrailDoesNotTakeIsAnswered503AndNotAdded() throws Exception {
        Map<String, Object> target =
                Map.of("name", "unrecorded-web", "url", base() + "/web", "scope", "local/api/audit");
        String refused = audited();
        AuditLogResource.ownerRuns("revoke insert on audit_log from " + PostgresServer.AUDIT_USER);
        try {
            given().header("X-Request-Id", refused)
                    .contentType(ContentType.JSON)
                    .body(target)
                    .post("/api/targets")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("title", is("Audit trail unavailable"))
                    .body("detail", startsWith("target.add could not be recorded in the audit trail"))
                    .body("detail", containsString("not done"));
        } finally {
            AuditLogResource.ownerRuns("grant insert on audit_log to " + PostgresServer.AUDIT_USER);
        }
        given().get("/api/targets/unrecorded-web").then().statusCode(404);
        Path kept = targetsFile();
        assertFalse(
                Files.exists(kept) && Files.readString(kept).contains("unrecorded-web"),
                "the target is kept in " + kept);
        assertEquals(List.of(), AuditLogResource.rows(refused));

        // The same call, once the trail takes it: the 503 was the trail's, not the call's.
        String again = audited();
        given().header("X-Request-Id", again)
                .contentType(ContentType.JSON)
                .body(target)
                .post("/api/targets")
                .then()
                .statusCode(201);
        assertAudited(again, "target.add", "unrecorded-web", "accepted");
        given().delete("/api/targets/unrecorded-web").then().statusCode(204);
    }

    /**
     * A 403 is refused by the security check on the I/O thread, before the call is dispatched to a worker: its response
     * filter writes the {@code refused} row from there, and must hand the JDBC work to a worker thread. The test holds
     * the chain's lock, so the write waits in the database, and meanwhile every event loop must still run a task.
     */
    @Test
    @Order(6)
    void aRefusalRecordedFromTheIoThreadWaitsForTheTrailOnAWorkerNotOnTheEventLoop() throws Exception {
        String requestId = audited();
        HttpRequest request = HttpRequest.newBuilder(deleteCfg)
                .header("Authorization", OidcIssuer.shared().bearer("vera", Roles.VIEWER))
                .header("X-Request-Id", requestId)
                .timeout(WAIT)
                .DELETE()
                .build();
        HttpResponse<String> response;
        try (Connection lock = AuditLogResource.owner()) {
            lock.setAutoCommit(false);
            try (PreparedStatement take = lock.prepareStatement("select pg_advisory_xact_lock(?)")) {
                take.setLong(1, AuditAppender.CHAIN_LOCK);
                take.executeQuery().close();
            }
            CompletableFuture<HttpResponse<String>> answer =
                    HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            await(
                    "the refusal's row to wait for the chain's lock",
                    DetectorApiIT::auditWritesWaitingForALock,
                    n -> n > 0);
            List<String> answered = new ArrayList<>();
            for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
                try {
                    answered.add(
                            loop.submit(() -> Thread.currentThread().getName()).get(2, TimeUnit.SECONDS));
                } catch (TimeoutException e) {
                    throw new AssertionError(
                            "an event loop ran nothing for 2 s while the audit row waited for the database: the row is"
                                    + " written on the I/O thread (event loops that answered: " + answered + ")");
                }
            }
            assertFalse(answer.isDone(), "the 403 is answered once its row is written");
            lock.commit();
            response = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertEquals(403, response.statusCode(), response.body());
        List<AuditLogResource.Row> rows = AuditLogResource.rows(requestId);
        assertEquals(1, rows.size(), "a call refused for its role is one row: " + rows);
        AuditLogResource.Row row = rows.get(0);
        assertEquals(List.of("vera", "target.delete", "cfg"), List.of(row.actor(), row.action(), row.target()));
        assertTrue(row.outcome().startsWith("refused: 403 "), row.outcome());
    }

    /**
     * Sessions of the services' audit writes ({@code ApplicationName} "baran audit") waiting for a lock; read in a
     * transaction of its own (a transaction sees one snapshot of {@code pg_stat_activity}).
     */
    private static int auditWritesWaitingForALock() {
        try (Connection c = AuditLogResource.owner();
                Statement sql = c.createStatement();
                ResultSet rs = sql.executeQuery("select count(*) from pg_stat_activity"
                        + " where application_name = 'baran audit' and wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String audited() {
        return "target-" + java.util.UUID.randomUUID();
    }

    /** A requested row by the admin, then the outcome's; the outcome's row names the target (a body's, too). */
    private static void assertAudited(String requestId, String action, String target, String outcome) throws Exception {
        List<AuditLogResource.Row> rows = AuditLogResource.rows(requestId);
        assertEquals(2, rows.size(), requestId + ": " + rows);
        assertEquals("requested", rows.get(0).outcome(), rows.toString());
        AuditLogResource.Row last = rows.get(1);
        assertTrue(last.outcome().startsWith(outcome), action + " on " + target + ": " + last.outcome());
        assertEquals(List.of("tester", action, target), List.of(last.actor(), last.action(), last.target()));
        assertTrue(last.detail().contains("\"detector-service\""), last.detail());
    }

    @Test
    @Order(7)
    void metricsAreServedForPrometheus() {
        String metrics =
                given().get(this.metrics).then().statusCode(200).extract().asString();
        for (String expected : List.of(
                "baran_probe_duration_seconds_bucket{kind=\"http\",outcome=\"passed\"",
                "baran_probe_schedule_lag_seconds_bucket",
                "baran_target_state{scope=\"local/cfg\",target=\"cfg\"} 1.0",
                "baran_target_flap_penalty{scope=\"local/cfg\",target=\"cfg\"}",
                "baran_scope_state{scope=\"local/cfg\"} 1.0",
                "baran_quorum_scope_state{scope=\"local/cfg\"} 1.0",
                "baran_quorum_decision_latency_seconds_count{event=\"detected\"}")) {
            assertTrue(metrics.contains(expected), "no " + expected + " in /q/metrics");
        }
    }

    private static Map<String, Object> scope(String name) {
        List<Map<String, Object>> scopes = given().get("/api/scopes")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        return scopes.stream()
                .filter(s -> name.equals(s.get("scope")))
                .findFirst()
                .orElse(null);
    }

    private static KafkaConsumer<String, String> healthEvents() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(),
                new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            consumer.partitionsFor(Topics.HEALTH_EVENTS, Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private static <T> T await(String what, Supplier<T> read, Predicate<T> done) {
        return Polling.until(
                read,
                done,
                WAIT,
                Duration.ofMillis(100),
                last -> "no " + what + " within " + WAIT.toSeconds() + " s; last seen " + last);
    }
}
