package io.baran.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.EventSignature;
import io.baran.events.ExecutionEvent;
import io.baran.events.OutageEvent;
import io.baran.events.SigningKey;
import io.baran.events.Topics;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.schedule.DrillSchedules;
import io.baran.orchestrator.workflow.InMemoryWorld;
import io.baran.orchestrator.workflow.VisibilityQuery;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.PostgresResource;
import io.baran.testinfra.TemporalResource;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.TaskQueues;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.worker.WorkerFactory;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * orchestrator-service on a real Kafka broker and the real Temporal dev server. The actions run in an
 * activity worker started here, changing an in-memory world, so the test sees exactly what was applied.
 * Outage events are signed as a vantage of the orchestrator's roster signs them ({@link SigningKeysResource}).
 */
@QuarkusTest
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TemporalResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SigningKeysResource.class, restrictToAnnotatedClass = true)
class OrchestratorIT {

    private static final InMemoryWorld WORLD = new InMemoryWorld();
    private static WorkerFactory actions;

    @io.quarkus.test.common.http.TestHTTPResource(value = "metrics", management = true)
    java.net.URL metrics;

    @Inject
    WorkflowClient client;

    @Inject
    RunbookVersions versions;

    @Inject
    ScheduleClient schedules;

    /** Send YAML bodies as the bytes given, without a charset of RestAssured's choosing. */
    private static final RestAssuredConfig YAML_CONFIG = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig()
                    .appendDefaultContentCharsetToContentTypeIfUndefined(false)
                    .encodeContentTypeAs("application/yaml", ContentType.TEXT));

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    // Every @QuarkusTest class is a bean of each test application, so these are checked when the other test classes
    // start too, where SigningKeysResource does not run: hence the empty defaults.
    @ConfigProperty(name = "baran.test.signing.key-file", defaultValue = " ")
    String keyFile;

    @ConfigProperty(name = "baran.test.signing.next-key-file", defaultValue = " ")
    String nextKeyFile;

    @ConfigProperty(name = "baran.test.evidence.public-key", defaultValue = " ")
    String evidencePublicKey;

    @BeforeEach
    void startActionWorker() {
        if (actions == null) {
            actions = WorkerFactory.newInstance(client);
            actions.newWorker(TaskQueues.ACTIONS).registerActivitiesImplementations(WORLD);
            actions.start();
        }
        WORLD.values.put("www", "primary");
        WORLD.values.put("api", "primary");
    }

    /** Every call of this class carries a token of the test issuer, as tester. */
    @BeforeEach
    void authenticate() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", OidcIssuer.shared().bearer("tester", "admin"))
                .build();
    }

    @Test
    void aDrillForAnUnknownRunbookIsAProblemNamingTheKnownOnes() {
        given().contentType(ContentType.JSON)
                .body("{\"runbook\":\"nope\"}")
                .when()
                .post("/api/drills")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Unknown runbook"))
                .body("detail", containsString("no runbook named \"nope\"; known: gated, shop"));
    }

    @Test
    void aDrillFailsOverHoldsAndFailsBackLeavingTheWorldAsItWas() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"runbook\":\"shop\",\"hold\":\"2s\"}")
                .when()
                .post("/api/drills")
                .then()
                .statusCode(202)
                .body("runbook", equalTo("shop"))
                .extract()
                .path("executionId");

        await(
                () -> "standby".equals(WORLD.values.get("www")) && "standby".equals(WORLD.values.get("api")),
                "the drill to fail over");
        await(() -> "completed".equals(given().get("/api/executions/" + id).path("status")), "the drill to complete");

        given().get("/api/executions/" + id)
                .then()
                .statusCode(200)
                .body("phase", equalTo("done"))
                .body("mode", equalTo("drill"))
                .body("steps.name", equalTo(List.of("move-www", "move-api")))
                .body("steps.state", equalTo(List.of("undone", "undone")));
        assertEquals("primary", WORLD.values.get("www"));
        assertEquals("primary", WORLD.values.get("api"));

        given().get("/api/executions/" + id + "/report")
                .then()
                .statusCode(200)
                .body("rtoSeconds.steps.step", equalTo(List.of("move-www", "move-api")))
                .body("restored", equalTo(true))
                .body("changed.step", equalTo(List.of("move-www", "move-api")));
        await(
                () -> given().queryParam("runbook", "shop")
                        .get("/api/executions")
                        .<List<String>>path("executions.executionId")
                        .contains(id),
                "the drill to be listed");
        assertTrue(
                given().queryParam("runbook", "shop")
                        .queryParam("mode", "drill")
                        .get("/api/executions")
                        .<List<String>>path("executions.executionId")
                        .contains(id),
                "listed among the drills");
        assertFalse(
                given().queryParam("runbook", "shop")
                        .queryParam("mode", "failover")
                        .get("/api/executions")
                        .<List<String>>path("executions.executionId")
                        .contains(id),
                "not among the failovers");
        given().contentType(ContentType.JSON)
                .post("/api/executions/" + id + "/approve")
                .then()
                .statusCode(409)
                .body("title", equalTo("Execution finished"));
        assertTrue(
                executionEvents(id).containsAll(List.of("failing-over", "failed-over", "failing-back", "done")),
                "phase changes on " + Topics.EXECUTION_EVENTS + ": " + executionEvents(id));
        List<String> stored = given().get("/api/executions/" + id + "/events")
                .then()
                .statusCode(200)
                .extract()
                .path("events.findAll { it.step == null }.phase");
        assertEquals(List.of("failing-over", "failed-over", "failing-back", "done"), stored);
        List<String> moveWww = given().get("/api/executions/" + id + "/events")
                .then()
                .statusCode(200)
                .extract()
                .path("events.findAll { it.step == 'move-www' }.state");
        assertEquals("undone", moveWww.get(moveWww.size() - 1));
    }

    @Test
    void aPlanAnswersWithWhatWouldChangeAndChangesNothing() {
        WORLD.values.put("api", "standby");
        given().contentType(ContentType.JSON)
                .body("{\"runbook\":\"shop\",\"mode\":\"plan\"}")
                .when()
                .post("/api/drills")
                .then()
                .statusCode(200)
                .body("steps.name", equalTo(List.of("move-www", "move-api")))
                .body("steps.changes", equalTo(List.of(true, false)))
                .body("text", containsString("move-www"))
                .body("text", containsString("would change"));
        assertEquals("primary", WORLD.values.get("www"));
    }

    @Test
    void aSecondDrillOfABusyServiceIsRefusedAndAbortUndoesTheFirst() {
        String key = "retry-" + UUID.randomUUID();
        String id = keyedShopDrill(key).then().statusCode(202).extract().path("executionId");
        await(() -> "failed-over".equals(given().get("/api/executions/" + id).path("phase")), "the drill to hold");
        // The same request retried (its answer lost): the same execution, not a second drill and not a conflict.
        keyedShopDrill(key).then().statusCode(202).body("executionId", equalTo(id));
        given().contentType(ContentType.JSON)
                .header("Idempotency-Key", "no spaces/or slashes")
                .body("{\"runbook\":\"shop\"}")
                .post("/api/drills")
                .then()
                .statusCode(400)
                .body("title", equalTo("Bad Idempotency-Key"));
        await(
                () -> given().contentType(ContentType.JSON)
                                .body("{\"runbook\":\"shop\"}")
                                .post("/api/drills")
                                .statusCode()
                        == 409,
                "the second drill to be refused");
        given().contentType(ContentType.JSON)
                .body("{\"runbook\":\"shop\"}")
                .post("/api/drills")
                .then()
                .statusCode(409)
                .body("detail", containsString(id));

        given().contentType(ContentType.JSON)
                .post("/api/executions/" + id + "/abort")
                .then()
                .statusCode(202);
        await(() -> "canceled".equals(given().get("/api/executions/" + id).path("status")), "the abort");
        await(
                () -> "primary".equals(WORLD.values.get("www")) && "primary".equals(WORLD.values.get("api")),
                "the abort to undo");
        // Still the same execution once it ended: a late retry starts no drill after the abort.
        keyedShopDrill(key).then().statusCode(202).body("executionId", equalTo(id));
        given().get("/api/executions/" + id).then().body("status", equalTo("canceled"));
    }

    /**
     * Operators asking for a drill of one service at the same moment start one execution: the starts take the
     * service's lock in PostgreSQL in turn, and each finds the one before it recorded, although Temporal's listing may
     * not show it yet. The others are refused as busy, naming it.
     */
    @Test
    void drillsOfOneServiceAskedAtTheSameMomentStartOneExecution() throws Exception {
        int operators = 4;
        var ready = new java.util.concurrent.CountDownLatch(operators);
        var go = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(operators);
        List<io.restassured.response.Response> answers = new java.util.ArrayList<>();
        try {
            List<java.util.concurrent.Future<io.restassured.response.Response>> asked = new java.util.ArrayList<>();
            for (int i = 0; i < operators; i++) {
                asked.add(pool.submit(() -> {
                    ready.countDown();
                    go.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    return given().contentType(ContentType.JSON)
                            .body("{\"runbook\":\"shop\",\"hold\":\"1m\"}")
                            .post("/api/drills");
                }));
            }
            ready.await(10, java.util.concurrent.TimeUnit.SECONDS);
            go.countDown();
            for (var answer : asked) {
                answers.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> started = answers.stream()
                .filter(a -> a.statusCode() == 202)
                .map(a -> a.<String>path("executionId"))
                .toList();
        try {
            List<Integer> statuses = answers.stream()
                    .map(io.restassured.response.Response::statusCode)
                    .toList();
            assertEquals(1, started.size(), "started: " + started + ", answers " + statuses);
            assertEquals(operators - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
            answers.stream()
                    .filter(a -> a.statusCode() == 409)
                    .forEach(a -> assertTrue(a.<String>path("detail").contains(started.get(0)), a.asString()));
        } finally {
            for (String id : started) {
                given().contentType(ContentType.JSON).post("/api/executions/" + id + "/abort");
                await(
                        () -> !"running"
                                .equals(given().get("/api/executions/" + id).path("status")),
                        "the abort of " + id);
            }
            await(
                    () -> "primary".equals(WORLD.values.get("www")) && "primary".equals(WORLD.values.get("api")),
                    "the aborts to undo");
        }
    }

    /** A workflow of the namespace that is not an execution (a scheduled drill's starter) is no execution: 404. */
    @Test
    void aWorkflowThatIsNotAnExecutionIsNotFound() throws Exception {
        String id = "scheduled-drill-nothing-" + UUID.randomUUID();
        var starter = client.newWorkflowStub(
                io.baran.orchestrator.schedule.ScheduledDrillWorkflow.class,
                io.temporal.client.WorkflowOptions.newBuilder()
                        .setWorkflowId(id)
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
                        .build());
        io.temporal.client.WorkflowClient.start(starter::run, "no-such-runbook");
        io.temporal.client.WorkflowStub.fromTyped(starter)
                .getResult(30, java.util.concurrent.TimeUnit.SECONDS, String.class);

        given().get("/api/executions/" + id).then().statusCode(404);
        given().get("/api/executions/" + id + "/report").then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/api/executions/" + id + "/approve")
                .then()
                .statusCode(404);
    }

    /** A confirmed failover of shop, asked with this Idempotency-Key. */
    private static io.restassured.response.Response keyedShopFailover(String key) {
        return given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body("{\"runbook\":\"shop\",\"confirm\":\"shop\"}")
                .post("/api/failovers");
    }

    /** A 10-minute drill of shop, asked with this Idempotency-Key. */
    private static io.restassured.response.Response keyedShopDrill(String key) {
        return given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body("{\"runbook\":\"shop\",\"hold\":\"10m\"}")
                .post("/api/drills");
    }

    @Test
    void aFailoverByHandNeedsConfirmationAndFailsBackOnRequest() {
        given().contentType(ContentType.JSON)
                .body("{\"runbook\":\"shop\"}")
                .post("/api/failovers")
                .then()
                .statusCode(400)
                .body("title", equalTo("Not confirmed"));
        String key = "failover-" + UUID.randomUUID();
        String id = keyedShopFailover(key)
                .then()
                .statusCode(202)
                .body("mode", equalTo("failover"))
                .extract()
                .path("executionId");
        await(() -> "failed-over".equals(given().get("/api/executions/" + id).path("phase")), "the failover");
        assertEquals("standby", WORLD.values.get("www"));
        // Asked again with the same key (the answer was lost): the same failover, not a conflict.
        keyedShopFailover(key).then().statusCode(202).body("executionId", equalTo(id));

        given().contentType(ContentType.JSON)
                .post("/api/executions/" + id + "/failback")
                .then()
                .statusCode(202);
        await(() -> "completed".equals(given().get("/api/executions/" + id).path("status")), "the failback");
        assertEquals("primary", WORLD.values.get("www"));
    }

    @Test
    void anApprovalStepGoesOnOnlyWithAnApprovalForThatStep() {
        WORLD.values.put("gate", "primary");
        String id = given().contentType(ContentType.JSON)
                .body("{\"runbook\":\"gated\",\"hold\":\"1s\"}")
                .post("/api/drills")
                .then()
                .statusCode(202)
                .extract()
                .path("executionId");
        await(
                () -> "awaiting-approval"
                        .equals(given().get("/api/executions/" + id).path("phase")),
                "the approval step");
        given().get("/api/executions/" + id)
                .then()
                .body("awaiting", equalTo("approval of step go-ahead"))
                .body("currentStep", equalTo("go-ahead"));
        // Dashboards and alerts see it waiting: the running executions by mode and phase, on /q/metrics.
        java.util.regex.Pattern waiting = java.util.regex.Pattern.compile(
                "(?m)^baran_executions_running\\{mode=\"drill\",phase=\"awaiting-approval\",?} [1-9][0-9]*\\.0$");
        await(() -> waiting.matcher(scrapeMetrics()).find(), "baran_executions_running to count the waiting drill");
        assertEquals("standby", WORLD.values.get("gate"));
        assertTrue(!WORLD.values.containsKey("gate-api"), "the step after the approval ran before it");

        given().contentType(ContentType.JSON)
                .body("{\"step\":\"move-gate\"}")
                .post("/api/executions/" + id + "/approve")
                .then()
                .statusCode(409)
                .body("detail", containsString("waits for approval of step go-ahead"));
        given().contentType(ContentType.JSON)
                .body("{\"step\":\"go-ahead\"}")
                .post("/api/executions/" + id + "/approve")
                .then()
                .statusCode(202);
        await(
                () -> "completed".equals(given().get("/api/executions/" + id).path("status")),
                "the gated drill to complete");
        given().get("/api/executions/" + id)
                .then()
                .body("steps.state", equalTo(List.of("undone", "approved", "undone")));
        assertEquals("primary", WORLD.values.get("gate"));
    }

    @Test
    void aFilterThatIsNoNameOrPhaseIsRefusedAndAQuotedValueNeverWidensTheQuery() {
        given().queryParam("runbook", "shop' OR WorkflowType = 'RunbookWorkflow")
                .get("/api/executions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Bad execution filter"))
                .body("detail", containsString("is not a runbook name"));
        given().queryParam("phase", "done\\")
                .queryParam("service", "a'b")
                .get("/api/executions")
                .then()
                .statusCode(400)
                .body("detail", containsString("phase"))
                .body("detail", containsString("service"));
        // A NUL byte once reached the visibility query, which hung for 30 s and failed with 500: now refused before
        // Temporal.
        given().urlEncodingEnabled(false)
                .get("/api/executions?phase=%00")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("phase \"?\" is not a phase"));
        given().queryParam("runbook", "shop")
                .queryParam("phase", "")
                .get("/api/executions")
                .then()
                .statusCode(200)
                .body("limit", equalTo(200));
        // A parameter that is no filter would list more than was asked for: refused, named.
        given().queryParam("runbook", "shop")
                .queryParam("modes", "failover")
                .get("/api/executions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        containsString("not a filter of this list: \"modes\" (its filters are runbook, service"));
        given().queryParam("mode", "drill", "failover")
                .get("/api/executions")
                .then()
                .statusCode(400)
                .body("detail", containsString("each filter is given once, not mode twice or more"));
        given().queryParam("mode", "live")
                .get("/api/executions")
                .then()
                .statusCode(400)
                .body("detail", containsString("mode \"live\" is not one of plan, drill, failover"));
        // Past the validation, the builder's quoting holds on Temporal itself: the hostile value is one literal.
        for (String hostile : List.of(
                "shop' OR WorkflowType = 'RunbookWorkflow", "shop\\' OR WorkflowType = 'RunbookWorkflow", "\\", "'")) {
            String query = VisibilityQuery.where()
                    .equal("WorkflowType", "RunbookWorkflow")
                    .equal(io.baran.workflow.SearchAttributes.RUNBOOK, hostile)
                    .build();
            assertEquals(0, client.listExecutions(query).count(), query);
        }
    }

    @Test
    void aBodyThatDoesNotBindIsA400ProblemNamingWhere() {
        given().contentType(ContentType.JSON)
                .body("{\"runbook\":\"shop\",\"parameters\":[null,null]}")
                .post("/api/drills")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Unreadable body"))
                .body("detail", containsString("at parameters"));
        given().contentType(ContentType.JSON)
                .body("[null, null]")
                .post("/api/drills")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body("{\"runbook\": ")
                .post("/api/failovers")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void anUnknownExecutionIsA404() {
        given().get("/api/executions/no-such-execution").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aRedeliveredOutageStartsOneFailoverAndRecoveryFailsItBack() {
        String incident = "test/region/web@" + System.nanoTime();
        String executionId = RunbookWorkflow.idForIncident("shop", incident);
        int appliesBefore = count("apply move-www");

        send(OutageEvent.DETECTED, incident);
        send(OutageEvent.DETECTED, incident); // the same outage, seen again
        await(() -> "standby".equals(WORLD.values.get("www")), "the outage to fail www over");
        await(
                () -> "failed-over"
                        .equals(given().get("/api/executions/" + executionId).path("phase")),
                "the failover to hold");
        assertEquals(appliesBefore + 1, count("apply move-www"), WORLD.journal.toString());

        send(OutageEvent.RECOVERED, incident);
        await(
                () -> "completed"
                        .equals(given().get("/api/executions/" + executionId).path("status")),
                "the failback");
        assertEquals("primary", WORLD.values.get("www"));
        assertEquals("primary", WORLD.values.get("api"));
        assertEquals(appliesBefore + 1, count("apply move-www"), "a redelivered event started the failover twice");
    }

    @Test
    void aStaleOutageEventStartsNothing() {
        String incident = "test/region/web@" + System.nanoTime();
        Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
        var data = new OutageEvent("test/region/web", incident, "test", anHourAgo, List.of(), false);
        String json = EventSignature.sign(
                EventCodec.encode(CloudEvent.of(
                        UUID.randomUUID().toString(),
                        "/test",
                        OutageEvent.DETECTED,
                        "test/region/web",
                        anHourAgo,
                        data)),
                key());
        try (var producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.HEALTH_EVENTS, "test/region/web", json));
        }
        // A fresh event sent after the stale one is acted on, so once it is, the stale one was seen and skipped.
        String fresh = "test/region/web@fresh-" + System.nanoTime();
        send(OutageEvent.DETECTED, fresh);
        await(
                () -> given().get("/api/executions/" + RunbookWorkflow.idForIncident("shop", fresh))
                                .statusCode()
                        == 200,
                "the fresh outage to start a failover");
        given().get("/api/executions/" + RunbookWorkflow.idForIncident("shop", incident))
                .then()
                .statusCode(404);
        send(OutageEvent.RECOVERED, fresh);
        await(
                () -> "completed"
                        .equals(given().get("/api/executions/" + RunbookWorkflow.idForIncident("shop", fresh))
                                .path("status")),
                "the fresh failover to fail back");
    }

    @Test
    void anOutageOfAnotherScopeStartsNothing() {
        String incident = "test/region/db@" + System.nanoTime();
        send(OutageEvent.DETECTED, incident, "test/region/db");
        sleep(2000);
        given().get("/api/executions/" + RunbookWorkflow.idForIncident("shop", incident))
                .then()
                .statusCode(404);
    }

    @Test
    void anEventThatCannotBeReadGoesToTheDeadLetterTopicNotAway() {
        String garbage = "{\"not\":\"a cloud event " + UUID.randomUUID() + "\"}";
        try (var producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.HEALTH_EVENTS, "x", garbage));
        }
        try (var consumer = new KafkaConsumer<String, String>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dlq-reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.HEALTH_EVENTS + ".dlq"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (garbage.equals(record.value())) {
                        return;
                    }
                }
            }
        }
        fail("the unreadable event did not reach " + Topics.HEALTH_EVENTS + ".dlq within 30 s");
    }

    @Test
    void anUnsignedOutageEventFromAPlainProducerStartsNothingAndIsDeadLetteredWithTheReason() {
        String incident = "test/region/web@unsigned-" + System.nanoTime();
        String unsigned = event(OutageEvent.DETECTED, incident, "test/region/web");
        sendRaw("test/region/web", unsigned);

        ConsumerRecord<String, String> dead = deadLetter(unsigned);
        assertThat(header(dead, "dead-letter-reason"), containsString("refused (unsigned)"));
        given().get("/api/executions/" + RunbookWorkflow.idForIncident("shop", incident))
                .then()
                .statusCode(404);
        assertEquals("primary", WORLD.values.get("www"), WORLD.journal.toString());
    }

    @Test
    void anOutageEventSignedWithAKeyOutsideTheRosterStartsNothingAndIsDeadLetteredWithTheReason() {
        String incident = "test/region/web@forged-" + System.nanoTime();
        // It even names the vantage of the roster; only its key is not the roster's.
        String forged = EventSignature.sign(
                event(OutageEvent.DETECTED, incident, "test/region/web"), SigningKey.generate("test-2026-x"));
        sendRaw("test/region/web", forged);

        ConsumerRecord<String, String> dead = deadLetter(forged);
        assertThat(header(dead, "dead-letter-reason"), containsString("refused (unknown-key)"));
        assertThat(header(dead, "dead-letter-reason"), containsString("\"test-2026-x\""));
        given().get("/api/executions/" + RunbookWorkflow.idForIncident("shop", incident))
                .then()
                .statusCode(404);
        assertEquals("primary", WORLD.values.get("www"), WORLD.journal.toString());
    }

    @Test
    void aReplayedEventIsDeadLetteredAndTheRotatedKeyStillFailsBack() {
        String incident = "test/region/web@replay-" + System.nanoTime();
        String executionId = RunbookWorkflow.idForIncident("shop", incident);
        String detected = EventSignature.sign(event(OutageEvent.DETECTED, incident, "test/region/web"), key());
        sendRaw("test/region/web", detected);
        await(
                () -> "failed-over"
                        .equals(given().get("/api/executions/" + executionId).path("phase")),
                "the failover to hold");

        sendRaw("test/region/web", detected); // the same signed bytes, written again
        assertThat(header(deadLetter(detected), "dead-letter-reason"), containsString("refused (replayed)"));

        // A recovery signed with the vantage's next key (both keys are in the roster during a rotation).
        SigningKey next = SigningKeysResource.read(SigningKeysResource.NEXT_KID, nextKeyFile);
        sendRaw(
                "test/region/web",
                EventSignature.sign(event(OutageEvent.RECOVERED, incident, "test/region/web"), next));
        await(
                () -> "completed"
                        .equals(given().get("/api/executions/" + executionId).path("status")),
                "the failback");
        assertEquals("primary", WORLD.values.get("www"));
    }

    @Test
    void anEventSignedByOneVantageInTheNameOfAnotherIsDeadLettered() {
        String incident = "test/region/web@impersonated-" + System.nanoTime();
        var data = new OutageEvent("test/region/web", incident, "another-vantage", Instant.now(), List.of(), false);
        String json = EventSignature.sign(
                EventCodec.encode(CloudEvent.of(
                        UUID.randomUUID().toString(),
                        "/test",
                        OutageEvent.DETECTED,
                        "test/region/web",
                        Instant.now(),
                        data)),
                key());
        sendRaw("test/region/web", json);

        assertThat(header(deadLetter(json), "dead-letter-reason"), containsString("refused (wrong-vantage)"));
        given().get("/api/executions/" + RunbookWorkflow.idForIncident("shop", incident))
                .then()
                .statusCode(404);
    }

    @Test
    void theLoadedRunbooksAreListedAndABrokenFileIsReportedWithItsPosition() {
        given().get("/api/runbooks")
                .then()
                .statusCode(200)
                .body("runbooks.name", equalTo(List.of("gated", "shop")))
                .body(
                        "refused",
                        hasItem(
                                containsString(
                                        "broken.yaml:10:94 spec.failover[0].with.ttl: must be a whole number, not the text \"soon\"")));
    }

    @Test
    void aRunbookDeletedDuringItsFailoverStillFailsBackOnRecovery() {
        String name = "gone";
        try {
            putRunbook(name, routed(name, "test/gone", "gone-www")).then().statusCode(201);
            WORLD.values.put("gone-www", "primary");
            String incident = "test/gone/web@" + System.nanoTime();
            String executionId = RunbookWorkflow.idForIncident(name, incident);
            send(OutageEvent.DETECTED, incident, "test/gone/web");
            await(
                    () -> "failed-over"
                            .equals(given().get("/api/executions/" + executionId)
                                    .path("phase")),
                    "the failover to hold");
            assertEquals("standby", WORLD.values.get("gone-www"));
            given().delete("/api/runbooks/" + name).then().statusCode(409).body("detail", containsString(executionId));

            // Deleted by a path that checks nothing (as a delete slipping in while the outage was dispatched could):
            // the catalog forgets the runbook; its execution must still hear of the recovery.
            assertTrue(versions.delete(name));
            given().get("/api/runbooks/" + name).then().statusCode(404);
            send(OutageEvent.RECOVERED, incident, "test/gone/web");
            await(
                    () -> "completed"
                            .equals(given().get("/api/executions/" + executionId)
                                    .path("status")),
                    "the failover of the deleted runbook to fail back");
            given().get("/api/executions/" + executionId).then().body("phase", equalTo("done"));
            assertEquals("primary", WORLD.values.get("gone-www"));
        } finally {
            versions.delete(name);
        }
    }

    @Test
    void aRunbookRetargetedDuringItsFailoverStillFailsBackOnRecovery() {
        String name = "moved";
        try {
            putRunbook(name, routed(name, "test/moved", "moved-www")).then().statusCode(201);
            WORLD.values.put("moved-www", "primary");
            // A quote in the incident: the visibility query must take it as a value.
            String incident = "test/moved/web@it's-" + System.nanoTime();
            String executionId = RunbookWorkflow.idForIncident(name, incident);
            send(OutageEvent.DETECTED, incident, "test/moved/web");
            await(
                    () -> "failed-over"
                            .equals(given().get("/api/executions/" + executionId)
                                    .path("phase")),
                    "the failover to hold");
            assertEquals("standby", WORLD.values.get("moved-www"));

            // Its trigger now names another scope: the catalog no longer leads the recovery of test/moved/web to it.
            putRunbook(name, routed(name, "test/elsewhere", "moved-www"))
                    .then()
                    .statusCode(200)
                    .body("version", equalTo(2));
            send(OutageEvent.RECOVERED, incident, "test/moved/web");
            await(
                    () -> "completed"
                            .equals(given().get("/api/executions/" + executionId)
                                    .path("status")),
                    "the failover of the retargeted runbook to fail back");
            given().get("/api/executions/" + executionId).then().body("phase", equalTo("done"));
            assertEquals("primary", WORLD.values.get("moved-www"));
            given().delete("/api/runbooks/" + name).then().statusCode(204);
        } finally {
            versions.delete(name);
        }
    }

    /**
     * A drill started by hand carries no incident; an outage that joins it is added to its {@code BaranIncidents}, so
     * that outage's recovery reaches it even after its runbook's trigger moved to another scope (the catalog no longer
     * leads there). Before, the drill stayed failed over.
     */
    @Test
    void aDrillAnOutageJoinedFailsBackOnThatRecoveryAfterItsRunbookIsRetargeted() {
        String name = "joined";
        try {
            putRunbook(name, routed(name, "test/joined", "joined-www")).then().statusCode(201);
            WORLD.values.put("joined-www", "primary");
            String id = given().contentType(ContentType.JSON)
                    .body("{\"runbook\":\"" + name + "\",\"hold\":\"30m\"}")
                    .post("/api/drills")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("executionId");
            await(
                    () -> "failed-over"
                            .equals(given().get("/api/executions/" + id).path("phase")),
                    "the drill to hold");

            String incident = "test/joined/web@" + System.nanoTime();
            send(OutageEvent.DETECTED, incident, "test/joined/web");
            await(
                    () -> List.of(incident)
                            .equals(client.newUntypedWorkflowStub(id)
                                    .describe()
                                    .getTypedSearchAttributes()
                                    .get(io.baran.workflow.SearchAttributes.INCIDENTS)),
                    "the joined outage in the drill's BaranIncidents");

            putRunbook(name, routed(name, "test/elsewhere", "joined-www"))
                    .then()
                    .statusCode(200);
            send(OutageEvent.RECOVERED, incident, "test/joined/web");
            await(
                    () -> "completed"
                            .equals(given().get("/api/executions/" + id).path("status")),
                    "the joined drill of the retargeted runbook to fail back");
            given().get("/api/executions/" + id).then().body("phase", equalTo("done"));
            assertEquals("primary", WORLD.values.get("joined-www"));
        } finally {
            versions.delete(name);
        }
    }

    @Test
    void aFailoverHeldByTheGuardAfterItStartedWaitsBetweenStepsAndTheIncidentsApprovalLetsItGoOn() {
        String name = "held-late";
        String incident = "test/late/web@" + System.nanoTime();
        String id = RunbookWorkflow.idForIncident(name, incident);
        try {
            String paced = routed(name, "test/late", "late-www")
                    .replace(
                            "  failover:\n",
                            "  failover:\n    - name: settle\n      action: wait\n      with: { for: 3s }\n");
            putRunbook(name, paced).then().statusCode(201);
            WORLD.values.put("late-www", "primary");
            send(OutageEvent.DETECTED, incident, "test/late/web");
            await(
                    () -> "settle".equals(given().get("/api/executions/" + id).path("currentStep")),
                    id + " to wait in its first step");
            // As the dispatcher does when a later outage trips the guard (DispatchIT covers that part).
            client.newWorkflowStub(RunbookWorkflow.class, id)
                    .guardTripped(new io.baran.workflow.LateHold("held by blast-radius guard: test", 3600));
            await(
                    () -> "held".equals(given().get("/api/executions/" + id).path("phase")),
                    id + " to hold before its next step");
            given().get("/api/executions/" + id)
                    .then()
                    .body("awaiting", org.hamcrest.Matchers.startsWith("held by blast-radius guard: test"));
            assertEquals("primary", WORLD.values.get("late-www"), "nothing more changes while held");

            approveIncident(incident)
                    .statusCode(200)
                    .body("approved.executionId", equalTo(List.of(id)))
                    .body("approved.decision.outcome", equalTo(List.of("APPROVED")));
            await(() -> "standby".equals(WORLD.values.get("late-www")), "the failover to go on once approved");
            send(OutageEvent.RECOVERED, incident, "test/late/web");
            await(() -> "completed".equals(given().get("/api/executions/" + id).path("status")), id + " to fail back");
            assertEquals("primary", WORLD.values.get("late-www"));
        } finally {
            given().delete("/api/runbooks/" + name);
            versions.delete(name);
        }
    }

    @Test
    void everyExecutionOfAnOutageWaitingAtItsStartIsApprovedInOneCall() {
        List<String> names = List.of("held-a", "held-b");
        String incident = "test/held/web@" + System.nanoTime();
        try {
            for (String name : names) {
                String gated = routed(name, "test/held", name + "-www")
                        .replace(
                                "outage: { scope: test/held }", "outage: { scope: test/held }\n    approval: required");
                putRunbook(name, gated).then().statusCode(201);
            }
            send(OutageEvent.DETECTED, incident, "test/held/web");
            for (String name : names) {
                String id = RunbookWorkflow.idForIncident(name, incident);
                await(
                        () -> "awaiting-approval"
                                .equals(given().get("/api/executions/" + id).path("phase")),
                        id + " to wait");
            }
            assertEquals(null, WORLD.values.get("held-a-www"), "nothing changes before the approval");

            approveIncident(incident)
                    .statusCode(200)
                    .body("incident", equalTo(incident))
                    .body(
                            "approved.executionId",
                            org.hamcrest.Matchers.containsInAnyOrder(names.stream()
                                    .map(n -> RunbookWorkflow.idForIncident(n, incident))
                                    .toArray()))
                    .body("approved.decision.outcome", equalTo(List.of("APPROVED", "APPROVED")));
            await(
                    () -> "standby".equals(WORLD.values.get("held-a-www"))
                            && "standby".equals(WORLD.values.get("held-b-www")),
                    "both to fail over once approved");

            // Nothing waits at its start any more: nothing is approved twice.
            approveIncident(incident)
                    .statusCode(200)
                    .body("approved", equalTo(List.of()))
                    .body("skipped.size()", equalTo(2));
            // It decided nothing, and is in the audit trail all the same.
            given().queryParam("action", "execution.approve")
                    .queryParam("target", incident)
                    .get("/api/audit")
                    .then()
                    .statusCode(200)
                    .body("records.outcome", equalTo(List.of("requested", "accepted")))
                    .body("records[1].detail.decided", containsString("nothing"))
                    .body("records[1].detail.skipped.size()", equalTo(2));
            given().contentType(ContentType.JSON)
                    .body("{\"incident\":\"' or 1=1\"}")
                    .when()
                    .post("/api/executions/approve-incident")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Bad incident"));
            send(OutageEvent.RECOVERED, incident, "test/held/web");
            for (String name : names) {
                String id = RunbookWorkflow.idForIncident(name, incident);
                await(
                        () -> "completed"
                                .equals(given().get("/api/executions/" + id).path("status")),
                        id + " to fail back");
            }
        } finally {
            names.forEach(versions::delete);
        }
    }

    /** Claims one execution as an outage's dispatch does, for a service nothing else acts on. */
    private RunbookVersions.Claim claimDispatch(String executionId, String name, int version) {
        return versions.claimDispatch(
                        List.of(new RunbookVersions.Wanted(executionId, name, version, name)),
                        1,
                        Map.of(),
                        (service, recorded) -> java.util.Optional.empty())
                .claims()
                .get(executionId);
    }

    @Test
    void aRunbookAnOutageIsDispatchingCannotBeDeletedAndOneDeletedFirstStartsNothing() {
        String name = "claimed";
        try {
            int version = putRunbook(name, routed(name, "test/claimed", "claimed-www"))
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("version");
            String executionId = RunbookWorkflow.idForIncident(name, "test/claimed/web@" + System.nanoTime());
            // Claimed for an outage being dispatched, not started in Temporal yet.
            assertEquals(RunbookVersions.Claim.CLAIMED, claimDispatch(executionId, name, version));
            given().delete("/api/runbooks/" + name).then().statusCode(409).body("detail", containsString(executionId));

            versions.finished(executionId); // the dispatch let go of it (it joined another execution, say)
            given().delete("/api/runbooks/" + name).then().statusCode(204);
            assertEquals(RunbookVersions.Claim.DELETED, claimDispatch(executionId + "-2", name, version));
        } finally {
            versions.delete(name);
        }
    }

    @Test
    void aScheduledDrillRunsFromItsScheduleAndTheScheduleFollowsTheRunbook() throws Exception {
        String name = "scheduled";
        String scheduleId = DrillSchedules.idFor(name);
        WORLD.values.put("sched-www", "primary");
        try {
            // Every minute: the first firing is at most a minute away.
            putRunbook(name, scheduled(name, "* * * * *")).then().statusCode(201);
            var described = schedules.getHandle(scheduleId).describe();
            // Temporal keeps a cron expression as a calendar: every minute of every hour.
            var calendar = described.getSchedule().getSpec().getCalendars().get(0);
            assertEquals(59, calendar.getMinutes().get(0).getEnd(), calendar.toString());
            assertEquals(23, calendar.getHour().get(0).getEnd(), calendar.toString());
            assertEquals(
                    io.temporal.api.enums.v1.ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP,
                    described.getSchedule().getPolicy().getOverlap());
            assertEquals(
                    1, described.getSchedule().getSpec().getSkip().size(), "the blocked window is a skip calendar");

            await(
                    () -> WORLD.journal.contains("apply move-sched"),
                    "the schedule to start a drill",
                    Duration.ofSeconds(90));
            String id = awaitValue(
                    () -> given()
                            .queryParam("runbook", name)
                            .get("/api/executions")
                            .<List<String>>path("executions.executionId")
                            .stream()
                            .findFirst()
                            .orElse(null),
                    "the scheduled drill to be listed");
            await(
                    () -> "completed"
                            .equals(given().get("/api/executions/" + id).path("status")),
                    "the scheduled drill to complete");
            given().get("/api/executions/" + id)
                    .then()
                    .body("mode", equalTo("drill"))
                    .body("phase", equalTo("done"))
                    .body("startedBy.name", equalTo("system"))
                    .body("startedBy.eventId", org.hamcrest.Matchers.startsWith("scheduled-" + scheduleId));
            assertEquals("primary", WORLD.values.get("sched-www"), "the drill failed back");

            // Saving it again changes nothing; another schedule replaces the spec, not the schedule.
            putRunbook(name, scheduled(name, "* * * * *")).then().statusCode(200);
            putRunbook(name, scheduled(name, "0 3 * * TUE")).then().statusCode(200);
            assertEquals(
                    List.of(scheduleId),
                    schedules
                            .listSchedules()
                            .map(io.temporal.client.schedules.ScheduleListDescription::getScheduleId)
                            .filter(scheduleId::equals)
                            .toList());
            var tuesday = schedules
                    .getHandle(scheduleId)
                    .describe()
                    .getSchedule()
                    .getSpec()
                    .getCalendars()
                    .get(0);
            assertEquals(3, tuesday.getHour().get(0).getStart(), tuesday.toString());
            assertEquals(2, tuesday.getDayOfWeek().get(0).getStart(), tuesday.toString());

            given().delete("/api/runbooks/" + name).then().statusCode(204);
            assertTrue(
                    schedules.listSchedules().noneMatch(d -> d.getScheduleId().equals(scheduleId)),
                    "the schedule is deleted with its runbook");
        } finally {
            versions.delete(name);
            try {
                schedules.getHandle(scheduleId).delete();
            } catch (RuntimeException alreadyGone) {
                // deleted by the test
            }
        }
    }

    @Test
    void aSimulatedOutageStartsAScoredDrillOfEveryTriggeredRunbookAndNoFailover() throws Exception {
        String name = "gameday";
        WORLD.values.put("gd-www", "primary");
        String incident = "test/gameday/web@" + System.nanoTime();
        try {
            putRunbook(name, """
                    apiVersion: baran.io/v1
                    kind: Runbook
                    metadata:
                      name: gameday
                    spec:
                      protects: gameday
                      objectives: { rto: 5m }
                      trigger:
                        outage: { scope: test/gameday }
                      drills: { hold: 1s }
                      failover:
                        - name: move-gd
                          action: dns.switch
                          with: { provider: test, zone: example.com, record: gd-www, type: CNAME, to: standby }
                      failback:
                        when: { recovered: true, stableFor: 0s }
                        approval: none
                    """).then().statusCode(201);
            String sha256 = given().get("/api/runbooks/" + name).path("sha256");

            sendRaw(
                    "test/gameday/web",
                    EventSignature.sign(
                            simulated(OutageEvent.DETECTED, incident, "test/gameday/web", GAME_DAY_ADMIN), key()));

            String id = io.baran.orchestrator.dispatch.GameDays.executionId(name, incident);
            await(
                    () -> "completed"
                            .equals(given().get("/api/executions/" + id).path("status")),
                    "the game-day drill to complete");
            assertTrue(WORLD.journal.contains("apply move-gd"), "the drill failed over: " + WORLD.journal);
            assertEquals("primary", WORLD.values.get("gd-www"), "the drill failed back");
            given().get("/api/executions/" + id)
                    .then()
                    .body("mode", equalTo("drill"))
                    .body("phase", equalTo("done"))
                    .body("incidentId", equalTo(incident))
                    .body("startedBy.name", equalTo(GAME_DAY_ADMIN.name()))
                    .body("startedBy.eventId", org.hamcrest.Matchers.nullValue());
            given().get("/api/executions/" + RunbookWorkflow.idForIncident(name, incident))
                    .then()
                    .statusCode(404);
            given().get("/api/executions/" + id + "/report")
                    .then()
                    .statusCode(200)
                    .body("rtoSeconds.detect", org.hamcrest.Matchers.notNullValue())
                    .body("score.rto.objective", equalTo("5m"))
                    .body("score.rto.result", equalTo("pass"))
                    .body("score.rpo.result", equalTo("no-objective"))
                    .body("score.passed", equalTo(true));
            // The runbook's history measures the detection from when the simulated outage began, and predicts with it.
            given().get("/api/runbooks/" + name + "/history")
                    .then()
                    .statusCode(200)
                    .body("executions[0].executionId", equalTo(id))
                    .body("executions[0].rtoSeconds.detect", org.hamcrest.Matchers.notNullValue())
                    .body("prediction.detectFrom", equalTo("history"))
                    .body("prediction.detectSamples", equalTo(1));

            // Its evidence pack: JSON with the runbook's hash, and a PDF that reads the same.
            String served = given().get("/api/executions/" + id + "/evidence")
                    .then()
                    .statusCode(200)
                    .contentType(ContentType.JSON)
                    .body("runbook.sha256", equalTo(sha256))
                    .body("temporalRunId", org.hamcrest.Matchers.notNullValue())
                    .body("steps[0].planned", containsString("gd-www"))
                    .body("steps[0].afterFailback", org.hamcrest.Matchers.startsWith("undone"))
                    .body("signature.keyId", equalTo(SigningKeysResource.EVIDENCE_KID))
                    .body("format", equalTo("baran-evidence/2"))
                    .extract()
                    .asString();
            // The JSON as served, read back as an auditor's tool reads it, matches its hash and its signature.
            var pack = io.baran.events.EvidenceSeal.read(served);
            byte[] canonical = io.baran.events.EvidenceSeal.canonical(pack);
            assertEquals(pack.get("packSha256").asText(), io.baran.events.EvidenceSeal.sha256(canonical));
            assertTrue(
                    io.baran.events.EvidenceSeal.verify(
                            io.baran.events.VantageRoster.publicKey(evidencePublicKey),
                            canonical,
                            new io.baran.events.EvidenceSeal.PackSignature(
                                    pack.path("signature").path("algorithm").asText(),
                                    pack.path("signature").path("keyId").asText(),
                                    pack.path("signature").path("value").asText())),
                    "the served pack's signature verifies with the evidence key's public half");
            byte[] pdf = given().accept("application/pdf")
                    .get("/api/executions/" + id + "/evidence")
                    .then()
                    .statusCode(200)
                    .contentType("application/pdf")
                    .extract()
                    .asByteArray();
            String text;
            try (var document = org.apache.pdfbox.Loader.loadPDF(pdf)) {
                text = new org.apache.pdfbox.text.PDFTextStripper()
                        .getText(document)
                        .replaceAll("\\s+", " ");
            }
            for (String expected : List.of(id, "move-gd", "RTO total", "runbook sha256 " + sha256, "PASS")) {
                assertTrue(text.contains(expected), "the evidence PDF does not read \"" + expected + "\": " + text);
            }
            given().queryParam("format", "docx")
                    .get("/api/executions/" + id + "/evidence")
                    .then()
                    .statusCode(400)
                    .body("title", equalTo("Unknown format"));
        } finally {
            versions.delete(name);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGameDayDrillsOnlyTheRunbooksItsRequesterMayDrillAsThemAndTheAuditTrailNamesTheRefused() {
        String scope = "test/gdaccess";
        WORLD.values.put("gd-a-www", "primary");
        WORLD.values.put("gd-b-www", "primary");
        String stamp = String.valueOf(System.nanoTime());
        try {
            putRunbook("gd-a", gameDayRunbook("gd-a", scope, "gd-a-www", "gd-team-a"))
                    .then()
                    .statusCode(201);
            putRunbook("gd-b", gameDayRunbook("gd-b", scope, "gd-b-www", "gd-team-b"))
                    .then()
                    .statusCode(201);

            // A drill-operator of team a: gd-a is drilled as them, gd-b (team b's) is not drilled at all.
            var ana = new OutageEvent.Requester("gd-ana", List.of("drill-operator", "gd-team-a", "viewer"), false);
            String first = scope + "/web@drill-" + stamp + "1";
            sendRaw(scope, EventSignature.sign(simulated(OutageEvent.DETECTED, first, scope + "/web", ana), key()));
            String drilled = io.baran.orchestrator.dispatch.GameDays.executionId("gd-a", first);
            String refused = io.baran.orchestrator.dispatch.GameDays.executionId("gd-b", first);
            await(
                    () -> "completed"
                            .equals(given().get("/api/executions/" + drilled).path("status")),
                    "team a's game-day drill to complete");
            given().get("/api/executions/" + drilled)
                    .then()
                    .body("mode", equalTo("drill"))
                    .body("startedBy.name", equalTo("gd-ana"))
                    .body("startedBy.groups", hasItem("gd-team-a"));
            given().get("/api/executions/" + refused).then().statusCode(404);
            assertTrue(WORLD.journal.contains("apply move-gd-a"), "gd-a was drilled: " + WORLD.journal);
            assertTrue(!WORLD.journal.contains("apply move-gd-b"), "gd-b was drilled: " + WORLD.journal);

            Map<String, Object> row = gameDayOutcome(first);
            assertEquals("gd-ana", row.get("actor"), row.toString());
            assertEquals(List.of("drill-operator", "gd-team-a", "viewer"), row.get("groups"), row.toString());
            assertEquals("accepted", row.get("outcome"), row.toString());
            Map<String, Object> detail = (Map<String, Object>) row.get("detail");
            assertEquals(scope + "/web", detail.get("scope"), row.toString());
            assertEquals(List.of(drilled), detail.get("started"), row.toString());
            Map<String, Object> refusals = (Map<String, Object>) detail.get("refused");
            assertEquals(List.of("gd-b"), List.copyOf(refusals.keySet()), row.toString());
            assertThat(
                    (String) refusals.get("gd-b"),
                    containsString("gd-ana may not drill runbook gd-b: its spec.access.drill allows only [gd-team-b]"));
            List<Map<String, Object>> rows = gameDayRows(first);
            assertEquals(
                    List.of("requested", "accepted"),
                    rows.stream().map(r -> r.get("outcome")).toList(),
                    "recorded before the drill started, then with what came of it: " + rows);

            // An admin: every runbook the scope triggers, as them.
            String second = scope + "/web@drill-" + stamp + "2";
            sendRaw(
                    scope,
                    EventSignature.sign(
                            simulated(OutageEvent.DETECTED, second, scope + "/web", GAME_DAY_ADMIN), key()));
            for (String runbook : List.of("gd-a", "gd-b")) {
                String id = io.baran.orchestrator.dispatch.GameDays.executionId(runbook, second);
                await(
                        () -> "completed"
                                .equals(given().get("/api/executions/" + id).path("status")),
                        "the admin's game-day drill of " + runbook + " to complete");
                given().get("/api/executions/" + id).then().body("startedBy.name", equalTo("gd-admin"));
            }
            Map<String, Object> adminRow = gameDayOutcome(second);
            assertEquals("gd-admin", adminRow.get("actor"), adminRow.toString());
            assertEquals(
                    List.of(
                            io.baran.orchestrator.dispatch.GameDays.executionId("gd-a", second),
                            io.baran.orchestrator.dispatch.GameDays.executionId("gd-b", second)),
                    ((Map<String, Object>) adminRow.get("detail")).get("started"),
                    adminRow.toString());
            assertEquals(Map.of(), ((Map<String, Object>) adminRow.get("detail")).get("refused"), adminRow.toString());

            // A drill-operator of neither team, and a simulation of an older detector that names nobody: no drill, and
            // a refusal in the trail (written as the whole handling, so nothing can start after it).
            var bob = new OutageEvent.Requester("gd-bob", List.of("drill-operator", "viewer"), false);
            String third = scope + "/web@drill-" + stamp + "3";
            String fourth = scope + "/web@drill-" + stamp + "4";
            sendRaw(scope, EventSignature.sign(simulated(OutageEvent.DETECTED, third, scope + "/web", bob), key()));
            sendRaw(scope, EventSignature.sign(simulated(OutageEvent.DETECTED, fourth, scope + "/web", null), key()));
            Map<String, Object> bobRow = gameDayOutcome(third);
            assertEquals("gd-bob", bobRow.get("actor"), bobRow.toString());
            assertThat(
                    (String) bobRow.get("outcome"),
                    containsString("refused: gd-bob may drill none of the runbooks scope " + scope + "/web triggers"));
            Map<String, Object> nobodyRow = gameDayOutcome(fourth);
            assertEquals("system", nobodyRow.get("actor"), nobodyRow.toString());
            assertThat((String) nobodyRow.get("outcome"), containsString("names no person who asked for it"));
            for (String incident : List.of(third, fourth)) {
                assertEquals(1, gameDayRows(incident).size(), "one row, the refusal: " + gameDayRows(incident));
                for (String runbook : List.of("gd-a", "gd-b")) {
                    given().get("/api/executions/"
                                    + io.baran.orchestrator.dispatch.GameDays.executionId(runbook, incident))
                            .then()
                            .statusCode(404);
                }
            }
        } finally {
            versions.delete("gd-a");
            versions.delete("gd-b");
        }
    }

    /** A runbook of one dns.switch, drilled on {@code schedule} for 1 s, never on Christmas Day. */
    private static String scheduled(String name, String schedule) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: %s
                spec:
                  protects: %s
                  drills:
                    schedule: "%s"
                    hold: 1s
                    blockedWindows: ["* * 25 DEC *"]
                  failover:
                    - name: move-sched
                      action: dns.switch
                      with: { provider: test, zone: example.com, record: sched-www, type: CNAME, to: standby }
                """.formatted(name, name, schedule);
    }

    /** An admin asking for a game day, as the detector verified them. */
    private static final OutageEvent.Requester GAME_DAY_ADMIN =
            new OutageEvent.Requester("gd-admin", List.of("admin", "drill-operator", "viewer"), true);

    /**
     * A simulated outage event (the detector's POST /api/simulations), before it is signed.
     *
     * @param requester who asked, as the detector verified them; null as in events of older detectors
     */
    private static String simulated(String type, String incident, String scope, OutageEvent.Requester requester) {
        var data = new OutageEvent(
                scope,
                incident,
                SigningKeysResource.VANTAGE,
                Instant.now(),
                List.of(),
                true,
                List.of(),
                1.0,
                requester);
        return EventCodec.encode(
                CloudEvent.of(UUID.randomUUID().toString(), "/test", type, scope, Instant.now(), data));
    }

    /** The audit trail's rows of the game day of the incident, oldest first. */
    private static List<Map<String, Object>> gameDayRows(String incident) {
        return given().queryParam("action", "gameday.start")
                .queryParam("target", incident)
                .get("/api/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("records");
    }

    /** The game day's last row, once one with an outcome (not {@code requested}) is there. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> gameDayOutcome(String incident) {
        return awaitValue(
                () -> {
                    List<Map<String, Object>> rows = gameDayRows(incident);
                    Map<String, Object> last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
                    return last == null || "requested".equals(last.get("outcome")) ? null : last;
                },
                "the game day's outcome in the audit trail");
    }

    /** A runbook of one dns.switch of its own record, triggered by {@code scope}, drilled by {@code drillers}. */
    private static String gameDayRunbook(String name, String scope, String record, String drillers) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: %s
                spec:
                  protects: %s
                  access:
                    drill: [%s]
                  trigger:
                    outage: { scope: %s }
                  drills: { hold: 1s }
                  failover:
                    - name: move-%s
                      action: dns.switch
                      with: { provider: test, zone: example.com, record: %s, type: CNAME, to: standby }
                  failback:
                    when: { recovered: true, stableFor: 0s }
                    approval: none
                """.formatted(name, name, drillers, scope, name, record);
    }

    private static <T> T awaitValue(java.util.function.Supplier<T> value, String what) {
        return io.baran.testinfra.Polling.until(
                value,
                java.util.Objects::nonNull,
                Duration.ofSeconds(45),
                Duration.ofMillis(200),
                last -> "timed out after 45 s waiting for " + what);
    }

    /** A runbook of one dns.switch of its own record, triggered by {@code scope}. */
    private static String routed(String name, String scope, String record) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: %s
                spec:
                  protects: %s
                  trigger:
                    outage: { scope: %s }
                  failover:
                    - name: move
                      action: dns.switch
                      with: { provider: test, zone: example.com, record: %s, type: CNAME, to: standby }
                  failback:
                    when: { recovered: true, stableFor: 0s }
                    approval: none
                """.formatted(name, name, scope, record);
    }

    /** {@code POST /api/executions/approve-incident} for the incident, as the test's approver. */
    private static io.restassured.response.ValidatableResponse approveIncident(String incident) {
        return given().contentType(ContentType.JSON)
                .body("{\"incident\":\"" + incident + "\"}")
                .when()
                .post("/api/executions/approve-incident")
                .then();
    }

    private static io.restassured.response.Response putRunbook(String name, String yaml) {
        return given().config(YAML_CONFIG)
                .contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8))
                .put("/api/runbooks/" + name);
    }

    /** The phases published for an execution on the execution-events topic. */
    private List<String> executionEvents(String executionId) {
        try (var consumer = new KafkaConsumer<String, String>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "events-reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.EXECUTION_EVENTS));
            List<String> phases = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && !phases.contains("done")) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (executionId.equals(record.key()) && record.value().contains(ExecutionEvent.PHASE_CHANGED)) {
                        phases.add(record.value().replaceAll(".*\"phase\":\"([a-z-]+)\".*", "$1"));
                    }
                }
            }
            return phases;
        }
    }

    private void send(String type, String incident) {
        send(type, incident, "test/region/web");
    }

    private void send(String type, String incident, String scope) {
        sendRaw(scope, EventSignature.sign(event(type, incident, scope), key()));
    }

    /** An outage event as a vantage writes it, before it signs it. */
    private static String event(String type, String incident, String scope) {
        var data = new OutageEvent(scope, incident, SigningKeysResource.VANTAGE, Instant.now(), List.of(), false);
        return EventCodec.encode(
                CloudEvent.of(UUID.randomUUID().toString(), "/test", type, scope, Instant.now(), data));
    }

    /** Writes a record as any Kafka client can: no detector involved. */
    private void sendRaw(String key, String value) {
        try (var producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.HEALTH_EVENTS, key, value));
        }
    }

    private SigningKey key() {
        return SigningKeysResource.read(SigningKeysResource.KID, keyFile);
    }

    /** The record of the dead-letter topic whose value is this one, waiting for it at most 30 s. */
    private ConsumerRecord<String, String> deadLetter(String value) {
        try (var consumer = new KafkaConsumer<String, String>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dlq-reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.HEALTH_EVENTS + ".dlq"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (value.equals(record.value())) {
                        return record;
                    }
                }
            }
        }
        return fail("the event did not reach " + Topics.HEALTH_EVENTS + ".dlq within 30 s: " + value);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new StringSerializer());
    }

    private static int count(String entry) {
        return (int) WORLD.journal.stream().filter(entry::equals).count();
    }

    private static void await(BooleanSupplier condition, String what) {
        await(condition, what, Duration.ofSeconds(45));
    }

    private static void await(BooleanSupplier condition, String what, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            sleep(200);
        }
        fail("timed out after " + limit.toSeconds() + " s waiting for " + what + "; journal: " + WORLD.journal);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String scrapeMetrics() {
        try {
            var connection = metrics.openConnection();
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(10_000);
            try (var in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
