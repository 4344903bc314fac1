package io.baran.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.baran.events.Topics;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.workflow.InMemoryWorld;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.Polling;
import io.baran.testinfra.Ports;
import io.baran.testinfra.PostgresResource;
import io.baran.testinfra.TemporalResource;
import io.baran.workflow.ReadinessActivities;
import io.baran.workflow.StepCheck;
import io.baran.workflow.StepCommand;
import io.baran.workflow.TaskQueues;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Continuous readiness on a real Temporal dev server, PostgreSQL and Kafka: the schedule evaluates every 2 seconds,
 * and a standby on 127.0.0.1 is stopped and started again. The replication-worker's side is played here by an
 * activity worker that really sends the health check's GET to the standby and reports the switched record's TTL
 * as set by the test; the worker's own checks against moto and a real standby are Route53ReadinessIT's.
 */
@QuarkusTest
@TestProfile(ReadinessIT.Every2Seconds.class)
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TemporalResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@Timeout(300)
class ReadinessIT {

    public static class Every2Seconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "baran.readiness.enabled", "true",
                    "baran.readiness.interval", "2s",
                    "baran.readiness.check-timeout", "20s",
                    "baran.readiness.min-vantages", "0");
        }
    }

    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final int STANDBY_PORT = Ports.free();
    private static final ProbingWorker CHECKS = new ProbingWorker();
    private static final InMemoryWorld WORLD = new InMemoryWorld();
    private static WorkerFactory actions;
    private static HttpServer standby;

    @Inject
    WorkflowClient client;

    @Inject
    RunbookVersions versions;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    /** The worker's side: a real GET to the standby, and the record's TTL as the test sets it. */
    static final class ProbingWorker implements ReadinessActivities {
        volatile long ttl = 300;
        /** The switched record's zone: how many record sets it holds, of a limit of 10. */
        volatile long recordSets = 3;

        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        @Override
        public StepCheck check(StepCommand command) {
            if ("health.check".equals(command.action())) {
                String url = command.with().get("url").toString();
                try {
                    int status = http.send(
                                    HttpRequest.newBuilder(URI.create(url))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    return status == 200
                            ? StepCheck.ok(command.step(), command.action(), "GET " + url + " answered 200")
                            : StepCheck.notReady(
                                    command.step(), command.action(), "GET " + url + " answered " + status);
                } catch (IOException e) {
                    return StepCheck.notReady(command.step(), command.action(), "GET " + url + " did not answer: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            Long recordTtl = "dns.switch".equals(command.action()) ? ttl : null;
            List<StepCheck.Quota> quotas = "dns.switch".equals(command.action())
                    ? List.of(StepCheck.Quota.of("record sets in hosted zone example.com. (Z1)", recordSets, 10, 0))
                    : List.of();
            return new StepCheck(
                    command.step(),
                    command.action(),
                    StepCheck.OK,
                    List.of(),
                    "planned",
                    recordTtl,
                    null,
                    null,
                    quotas);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", OidcIssuer.shared().bearer("tester", "admin"))
                .build();
        if (actions == null) {
            standby = startStandby();
            actions = WorkerFactory.newInstance(client);
            actions.newWorker(TaskQueues.ACTIONS).registerActivitiesImplementations(WORLD);
            actions.newWorker(TaskQueues.READINESS).registerActivitiesImplementations(CHECKS);
            actions.start();
        }
        if (given().get("/api/runbooks/ready-web").statusCode() == 404) {
            given().config(RestAssuredConfig.config()
                            .encoderConfig(EncoderConfig.encoderConfig()
                                    .appendDefaultContentCharsetToContentTypeIfUndefined(false)
                                    .encodeContentTypeAs("application/yaml", ContentType.TEXT)))
                    .contentType("application/yaml")
                    .body("""
                            apiVersion: baran.io/v1
                            kind: Runbook
                            metadata: { name: ready-web }
                            spec:
                              protects: ready-web
                              objectives: { rto: 5m }
                              failover:
                                - name: move-web
                                  action: dns.switch
                                  with: { provider: test, zone: example.com, record: web, type: CNAME, to: standby }
                                - name: standby-answers
                                  action: health.check
                                  with: { url: "http://127.0.0.1:%d/healthz" }
                            """.formatted(STANDBY_PORT))
                    .put("/api/runbooks/ready-web")
                    .then()
                    .statusCode(201);
        }
    }

    @AfterAll
    static void stop() {
        if (standby != null) {
            standby.stop(0);
        }
        if (actions != null) {
            actions.shutdownNow();
        }
    }

    @Test
    void aStoppedStandbyTurnsTheRunbookNotReadyAndStartedAgainReadyWithoutAnyExecution() throws IOException {
        CHECKS.ttl = 300;
        JsonPath ready = awaitVerdict("ready");
        assertEquals(List.of("ok", "ok"), ready.getList("steps.status"));

        standby.stop(0);
        JsonPath down = awaitVerdict("not-ready");
        assertEquals("step-not-ready", down.getString("reasons[0].code"));
        assertEquals("standby-answers", down.getString("reasons[0].step"));
        assertTrue(down.getString("reasons[0].message").contains("127.0.0.1:" + STANDBY_PORT), down.prettify());

        standby = startStandby();
        awaitVerdict("ready");

        assertEquals(List.of(), versions.executions("ready-web"), "readiness started an execution");
        List<String> published = verdictsPublished("ready-web");
        int notReady = published.indexOf("not-ready");
        assertTrue(
                notReady >= 0 && published.subList(notReady, published.size()).contains("ready"),
                "published verdicts: " + published);
        given().get("/api/readiness").then().statusCode(200).body("runbooks.runbook", hasItem("ready-web"));
    }

    @Test
    void aSwitchedRecordWithADayLongTtlDegradesTheRunbookNamingTheTtl() throws Exception {
        CHECKS.ttl = 86_400;
        try {
            JsonPath degraded = awaitVerdict("degraded");
            assertEquals("ttl-too-long", degraded.getString("reasons[0].code"));
            assertEquals("move-web", degraded.getString("reasons[0].step"));
            assertTrue(degraded.getString("reasons[0].message").contains("86400s (1d)"), degraded.prettify());
            String scraped = new String(metrics.openStream().readAllBytes());
            assertTrue(
                    java.util.regex.Pattern.compile("(?m)^baran_readiness\\{runbook=\"ready-web\",?} 1\\.0$")
                            .matcher(scraped)
                            .find(),
                    scraped);
        } finally {
            CHECKS.ttl = 300;
        }
    }

    @Test
    void aNearlyFullZoneDegradesTheRunbookNamingUsedAndLimit() {
        // A verdict of this zone's state, not one another test's TTL left degraded.
        awaitVerdict("ready");
        CHECKS.recordSets = 9;
        try {
            JsonPath degraded = awaitVerdict("degraded");
            assertEquals("quota-headroom", degraded.getString("reasons[0].code"));
            assertEquals("move-web", degraded.getString("reasons[0].step"));
            assertTrue(
                    degraded.getString("reasons[0].message")
                            .contains("record sets in hosted zone example.com. (Z1): 9 of 10 used (90%)"),
                    degraded.prettify());
            assertEquals(9, degraded.getInt("steps.find { it.step == 'move-web' }.quotas[0].used"));
        } finally {
            CHECKS.recordSets = 3;
        }
        awaitVerdict("ready");
    }

    @Test
    void theHistoryOfADrillSplitsItsRtoAndFeedsThePrediction() {
        WORLD.values.put("www", "primary");
        WORLD.values.put("api", "primary");
        String id = given().contentType("application/json")
                .body("{\"runbook\":\"shop\",\"hold\":\"1s\"}")
                .post("/api/drills")
                .then()
                .statusCode(202)
                .extract()
                .path("executionId");
        Polling.until(
                () -> given().get("/api/executions/" + id).path("status"),
                "completed"::equals,
                WITHIN,
                Duration.ofMillis(500),
                status -> "the drill did not complete: " + status);

        given().get("/api/runbooks/shop/history")
                .then()
                .statusCode(200)
                .body("executions[0].executionId", equalTo(id))
                .body("executions[0].mode", equalTo("drill"))
                .body("executions[0].steps.step", equalTo(List.of("move-www", "move-api")))
                .body("trend.direction", equalTo("not-enough-history"))
                .body("prediction.missing", equalTo(List.of()));
        Float total = given().get("/api/runbooks/shop/history").path("executions[0].rtoSeconds.total");
        assertTrue(total != null && total >= 0, "total " + total);
        given().get("/api/runbooks/nope/history").then().statusCode(404);
        given().get("/api/readiness/nope").then().statusCode(404);
    }

    @Test
    void aViewerMayReadReadinessAndAnUnauthenticatedCallerMayNot() {
        RestAssured.requestSpecification = null;
        given().header("Authorization", OidcIssuer.shared().bearer("watcher", "viewer"))
                .get("/api/readiness")
                .then()
                .statusCode(200);
        given().get("/api/readiness").then().statusCode(401);
    }

    private static JsonPath awaitVerdict(String verdict) {
        return Polling.until(
                () -> {
                    var response = given().get("/api/readiness/ready-web");
                    return response.statusCode() == 200 ? response.jsonPath() : null;
                },
                json -> json != null && verdict.equals(json.getString("verdict")),
                WITHIN,
                Duration.ofMillis(500),
                json -> "ready-web never became " + verdict + ": "
                        + (json == null ? "not evaluated" : json.prettify()));
    }

    private List<String> verdictsPublished(String runbook) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "readiness-it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> verdicts = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.READINESS_EVENTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && !(verdicts.contains("not-ready")
                            && verdicts.lastIndexOf("ready") > verdicts.indexOf("not-ready"))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (runbook.equals(record.key())) {
                        JsonPath event = JsonPath.from(record.value());
                        assertEquals("io.baran.readiness.changed", event.getString("type"));
                        assertEquals("1.0", event.getString("specversion"));
                        verdicts.add(event.getString("data.verdict"));
                    }
                }
            }
        }
        return verdicts;
    }

    private static HttpServer startStandby() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), STANDBY_PORT), 0);
        server.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }
}
