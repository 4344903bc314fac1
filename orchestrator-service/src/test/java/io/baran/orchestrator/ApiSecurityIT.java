package io.baran.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.baran.orchestrator.workflow.DecisionRefused;
import io.baran.orchestrator.workflow.ExecutionDecisions;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.OpenApiCalls;
import io.baran.testinfra.PostgresResource;
import io.baran.testinfra.TemporalResource;
import io.baran.workflow.AbortRequest;
import io.baran.workflow.Actor;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.Verdict;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may move production traffic, on the real service: tokens of a real issuer, the roles and each runbook's
 * {@code spec.access}, the two-person rule as the workflow enforces it (over REST and straight through Temporal),
 * and the audit trail that records it all.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TemporalResource.class, restrictToAnnotatedClass = true)
class ApiSecurityIT {

    private static final OidcIssuer ISSUER = OidcIssuer.shared();
    private static final RestAssuredConfig YAML_BYTES = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig()
                    .appendDefaultContentCharsetToContentTypeIfUndefined(false)
                    .encodeContentTypeAs("application/yaml", ContentType.TEXT));

    @TestHTTPResource(value = "openapi", management = true)
    URL openApi;

    @TestHTTPResource(value = "health/live", management = true)
    URL health;

    @TestHTTPResource("/")
    URL api;

    @Inject
    WorkflowClient temporal;

    /** The orchestrator's own way to its executions' Updates, sealed by it: what the REST API sends, minus its checks. */
    @Inject
    ExecutionDecisions decisions;

    @BeforeEach
    void noDefaultToken() {
        RestAssured.requestSpecification = null;
    }

    private static RequestSpecification as(String user, String... groups) {
        return given().header("Authorization", ISSUER.bearer(user, groups));
    }

    /** A runbook of waits only (no action worker needed) whose failover needs {@code approvals} approvers first. */
    private static void storeGuardedRunbook(String name, int approvals) {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: %s
                spec:
                  protects: %s
                  access:
                    drill: [drill-operator]
                    failover: [failover-operator]
                    approve: [approver]
                    approvals: %d
                  trigger:
                    outage: { scope: test/%s }
                    approval: required
                  failover:
                    - name: settle
                      action: wait
                      with: { for: 1s }
                  failback:
                    approval: none
                """.formatted(name, name, approvals, name);
        putRunbook(name, yaml).statusCode(201).body("author", equalTo("author"));
    }

    private static String startFailover(String runbook, String user, String... groups) {
        return as(user, groups)
                .contentType(ContentType.JSON)
                .body("{\"runbook\":\"" + runbook + "\",\"confirm\":\"" + runbook + "\",\"reason\":\"region test\"}")
                .post("/api/failovers")
                .then()
                .statusCode(202)
                .extract()
                .path("executionId");
    }

    private static io.restassured.response.ValidatableResponse putRunbook(String name, String yaml) {
        return as("author", "runbook-author")
                .config(YAML_BYTES)
                .contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8))
                .put("/api/runbooks/" + name)
                .then();
    }

    private static io.restassured.response.ValidatableResponse postJson(
            String path, String json, String user, String... groups) {
        return as(user, groups)
                .contentType(ContentType.JSON)
                .body(json)
                .post(path)
                .then();
    }

    /** A failover of {@code runbook} started by {@code user}, once it waits for its start approval. */
    private static String awaitingApproval(String runbook, String user, String... groups) {
        String id = startFailover(runbook, user, groups);
        await(() -> "awaiting-approval".equals(phase(id)), "the failover to wait for approval");
        return id;
    }

    private static String phase(String id) {
        return as("watcher", "viewer").get("/api/executions/" + id).path("phase");
    }

    @Test
    void everyApiPathOfTheOpenApiDocumentAnswers401WithoutAToken() {
        List<OpenApiCalls.Call> calls = OpenApiCalls.of(openApi.toString(), "/api");
        assertTrue(calls.size() >= 15, "the document lists the API's operations: " + calls);
        List<String> open = new ArrayList<>();
        for (OpenApiCalls.Call call : calls) {
            int status = OpenApiCalls.status(api.toString().replaceAll("/$", ""), call);
            if (status != 401) {
                open.add(call + " -> " + status);
            }
        }
        assertEquals(List.of(), open, "operations answering without a token");
        given().get("/api/runbooks")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("title", equalTo("Unauthorized"));
    }

    @Test
    void tokensOfAnotherKeyAnotherAudienceOrExpiredAreRefused() {
        for (String token : List.of(
                ISSUER.tokenSignedByAnotherKey("mallory", "admin"),
                ISSUER.tokenForAudience("another-api", "mallory", "admin"),
                ISSUER.expiredToken("mallory", "admin"))) {
            given().header("Authorization", "Bearer " + token)
                    .get("/api/runbooks")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json");
        }
        as("mallory", "admin").get("/api/runbooks").then().statusCode(200);
    }

    @Test
    void aViewerReadsButCannotDrillNorWriteRunbooks() {
        as("vera", "viewer").get("/api/runbooks").then().statusCode(200);
        as("vera", "viewer")
                .contentType(ContentType.JSON)
                .body("{\"runbook\":\"shop\"}")
                .post("/api/drills")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("title", equalTo("Forbidden"));
        as("vera", "viewer")
                .config(YAML_BYTES)
                .contentType("application/yaml")
                .body("x: 1".getBytes(StandardCharsets.UTF_8))
                .put("/api/runbooks/shop")
                .then()
                .statusCode(403);
        as("vera", "viewer")
                .config(YAML_BYTES)
                .contentType("application/yaml")
                .body("x: 1".getBytes(StandardCharsets.UTF_8))
                .post("/api/runbooks/validate")
                .then()
                .statusCode(403);
        // A runbook author alone may: the body is checked (and refused, as no runbook), not the caller.
        as("author", "runbook-author")
                .config(YAML_BYTES)
                .contentType("application/yaml")
                .body("x: 1".getBytes(StandardCharsets.UTF_8))
                .post("/api/runbooks/validate")
                .then()
                .statusCode(422);
        as("vera", "viewer").get("/api/audit").then().statusCode(200);
    }

    @Test
    void aRunbooksAccessNarrowsTheRoleAndTheAuthorIsTheVerifiedCaller() {
        storeGuardedRunbook("narrow", 1);
        // narrow's spec.access lets drill-operator drill; a runbook without spec.access lets nobody but an admin
        as("dora", "drill-operator")
                .contentType(ContentType.JSON)
                .body("{\"runbook\":\"narrow\",\"mode\":\"plan\"}")
                .post("/api/drills")
                .then()
                .statusCode(200);
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: closed
                spec:
                  protects: closed
                  failover:
                    - name: settle
                      action: wait
                      with: { for: 1s }
                """;
        as("author", "runbook-author")
                .config(YAML_BYTES)
                .contentType("application/yaml")
                .header("Baran-Author", "someone-else")
                .body(yaml.getBytes(StandardCharsets.UTF_8))
                .put("/api/runbooks/closed")
                .then()
                .statusCode(201)
                .body("author", equalTo("author"));
        as("dora", "drill-operator")
                .contentType(ContentType.JSON)
                .body("{\"runbook\":\"closed\"}")
                .post("/api/drills")
                .then()
                .statusCode(403)
                .body("detail", containsString("spec.access.drill names no group"));
    }

    /**
     * Abort admits either operator role, then the runbook's groups for the execution's mode: a drill-operator whose
     * group the runbook lets fail over must still not abort a live failover, which needs role failover-operator as
     * starting it does.
     */
    @Test
    void onlyAFailoverOperatorAbortsALiveFailoverWhateverTheGroupsShare() {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: shared-groups
                spec:
                  protects: shared-groups
                  access:
                    drill: [sre]
                    failover: [sre]
                    approve: [approver]
                  trigger:
                    outage: { scope: test/shared-groups }
                    approval: required
                  failover:
                    - { name: settle, action: wait, with: { for: 1s } }
                """;
        putRunbook("shared-groups", yaml).statusCode(201);
        String id = awaitingApproval("shared-groups", "fiona", "failover-operator", "sre");

        String abort = "/api/executions/" + id + "/abort";
        postJson(abort, "{\"reason\":\"not mine to stop\"}", "dora", "drill-operator", "sre")
                .statusCode(403)
                .body("detail", containsString("needs role failover-operator"));
        assertEquals("awaiting-approval", phase(id), "the refused abort changed nothing");
        // The execution holds the rule itself: the same abort, sealed by the orchestrator but past the API's checks.
        DecisionRefused refused = assertThrows(
                DecisionRefused.class,
                () -> decisions.abort(
                        id,
                        new AbortRequest(
                                Actor.person("dora", List.of("drill-operator", "sre")), "not mine to stop", null)));
        assertFalse(refused.becauseOfPhase(), refused.getMessage());
        assertTrue(refused.getMessage().contains("dora may not abort"), refused.getMessage());
        assertEquals("awaiting-approval", phase(id), "the refused abort changed nothing");

        postJson(abort, "{\"reason\":\"drill over\"}", "fiona", "failover-operator", "sre")
                .statusCode(202);
        await(() -> !"awaiting-approval".equals(phase(id)), "the failover operator's abort to end the wait");
    }

    /** "system" is the name Baran acts under itself: a token of a person so named is refused, and writes no row. */
    @Test
    void aTokenNamingSystemIsRefused() {
        as("system", "admin").get("/api/runbooks").then().statusCode(401);
        as("SYSTEM", "admin")
                .contentType(ContentType.JSON)
                .body("{\"runbook\":\"nothing\"}")
                .post("/api/drills")
                .then()
                .statusCode(401);
        as("systems", "viewer").get("/api/runbooks").then().statusCode(200);
    }

    /**
     * A drill that a real outage turned round during its failback (change failback-turns-round) is a live failover
     * from then on: aborting it (undoing the failover in the outage) needs role failover-operator, as for a failover.
     */
    @Test
    void aDrillThatARealOutageTurnedRoundIsAbortedOnlyAsALiveFailover() {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: turned-drill
                spec:
                  protects: turned-drill
                  access:
                    drill: [sre]
                    failover: [sre]
                    approve: [approver]
                  trigger:
                    outage: { scope: test/turned-drill }
                    approval: none
                  failover:
                    - { name: settle, action: wait, with: { for: 1s } }
                  failback:
                    approval: none
                    steps:
                      - { name: back, action: wait, with: { for: 3s } }
                """;
        putRunbook("turned-drill", yaml).statusCode(201);
        String id = drillAsDora("turned-drill", "1s");
        await(() -> "failing-back".equals(phase(id)), "the drill to fail back");
        // As the dispatcher does when the drill's scope goes down meanwhile.
        temporal.newWorkflowStub(RunbookWorkflow.class, id).outageDetected("test/turned-drill@" + System.nanoTime());
        await(() -> "failed-over".equals(phase(id)), "the drill to fail over again for the outage");

        String abort = "/api/executions/" + id + "/abort";
        postJson(abort, "{\"reason\":\"my drill\"}", "dora", "drill-operator", "sre")
                .statusCode(403)
                .body("detail", containsString("turned round into a live failover"))
                .body("detail", containsString("needs role failover-operator"));
        assertEquals("failed-over", phase(id), "the refused abort changed nothing");

        abortRefusedThenFailedBack(id);
    }

    /**
     * A drill that a real outage joined while it held (change drill-joined-goes-live) stays failed over for that outage
     * and is a live failover from then on: aborting it (moving traffic back into the outage) needs role
     * failover-operator, as for a failover.
     */
    @Test
    void aDrillThatARealOutageJoinedIsAbortedOnlyAsALiveFailover() {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: joined-drill
                spec:
                  protects: joined-drill
                  access:
                    drill: [sre]
                    failover: [sre]
                    approve: [approver]
                  trigger:
                    outage: { scope: test/joined-drill }
                    approval: none
                  failover:
                    - { name: settle, action: wait, with: { for: 1s } }
                  failback:
                    approval: none
                """;
        putRunbook("joined-drill", yaml).statusCode(201);
        String id = drillAsDora("joined-drill", "1h");
        await(() -> "failed-over".equals(phase(id)), "the drill to hold");
        // As the dispatcher does when the drill's scope goes down while it holds.
        RunbookWorkflow drill = temporal.newWorkflowStub(RunbookWorkflow.class, id);
        drill.outageDetected("test/joined-drill@" + System.nanoTime());
        await(() -> drill.progress().wentLive(), "the drill to go live for the outage");

        String abort = "/api/executions/" + id + "/abort";
        postJson(abort, "{\"reason\":\"my drill\"}", "dora", "drill-operator", "sre")
                .statusCode(403)
                .body("detail", containsString("a real outage joined"))
                .body("detail", containsString("needs role failover-operator"));
        assertEquals("failed-over", phase(id), "the refused abort changed nothing");

        abortRefusedThenFailedBack(id);
    }

    /**
     * A live failover that is failed over: even a failover operator does not abort it (undoing it is its failback, by
     * its own rules); the failback a failover operator asks for undoes it.
     */
    private void abortRefusedThenFailedBack(String id) {
        String abort = "/api/executions/" + id + "/abort";
        postJson(abort, "{\"reason\":\"handled by hand\"}", "fiona", "failover-operator", "sre")
                .statusCode(409)
                .body("detail", containsString("is a live failover and is failed-over"))
                .body(
                        "detail",
                        containsString("ask for its failback instead: POST /api/executions/" + id + "/failback"));
        assertEquals("failed-over", phase(id), "the refused abort changed nothing");
        // The execution refuses it itself, at the moment it arrives: sealed by the orchestrator, past the API's checks.
        DecisionRefused refused = assertThrows(
                DecisionRefused.class,
                () -> decisions.abort(
                        id,
                        new AbortRequest(
                                Actor.person("fiona", List.of("failover-operator", "sre")), "handled by hand", null)));
        assertTrue(refused.becauseOfPhase(), refused.getMessage());
        assertTrue(
                refused.getMessage().contains("ask for its failback instead: POST /api/executions/" + id + "/failback"),
                refused.getMessage());
        assertEquals("failed-over", phase(id), "the refused abort changed nothing");
        postJson(
                        "/api/executions/" + id + "/failback",
                        "{\"reason\":\"handled by hand\"}",
                        "fiona",
                        "failover-operator",
                        "sre")
                .statusCode(202);
        await(() -> !"failed-over".equals(phase(id)), "the failover operator's failback to undo the failover");
    }

    /** Starts a drill of {@code runbook} holding {@code hold}, as dora (drill-operator, group sre); its execution id. */
    private String drillAsDora(String runbook, String hold) {
        return postJson(
                        "/api/drills",
                        "{\"runbook\":\"" + runbook + "\",\"hold\":\"" + hold + "\"}",
                        "dora",
                        "drill-operator",
                        "sre")
                .statusCode(202)
                .extract()
                .path("executionId");
    }

    /** A drill is aborted by a drill operator the runbook lets drill: a failover operator's groups alone do not do. */
    @Test
    void aDrillIsAbortedOnlyByADrillOperator() {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: drill-abort-role
                spec:
                  protects: drill-abort-role
                  access:
                    drill: [sre]
                    failover: [sre]
                    approve: [approver]
                  trigger:
                    outage: { scope: test/drill-abort-role }
                    approval: none
                  failover:
                    - { name: settle, action: wait, with: { for: 1s } }
                """;
        putRunbook("drill-abort-role", yaml).statusCode(201);
        String id = drillAsDora("drill-abort-role", "1h");
        await(() -> "failed-over".equals(phase(id)), "the drill to hold");

        String abort = "/api/executions/" + id + "/abort";
        postJson(abort, "{\"reason\":\"not my drill\"}", "fiona", "failover-operator", "sre")
                .statusCode(403)
                .body("detail", containsString("is a drill: acting on it needs role drill-operator"));
        assertEquals("failed-over", phase(id), "the refused abort changed nothing");

        postJson(abort, "{\"reason\":\"drill over\"}", "dora", "drill-operator", "sre")
                .statusCode(202);
        await(() -> "compensated".equals(phase(id)), "the drill operator's abort to undo the drill");
        // The execution names who aborted it, and why; it reads canceled, as an execution cancelled in Temporal does.
        as("watcher", "viewer")
                .get("/api/executions/" + id)
                .then()
                .body("abortedBy", equalTo("dora"))
                .body("error", equalTo("aborted by dora (drill over)"));
        await(
                () -> "canceled"
                        .equals(as("watcher", "viewer")
                                .get("/api/executions/" + id)
                                .path("status")),
                "the end");
    }

    /** Two approval steps of one parallel group: each is approved by name over REST, in any order. */
    @Test
    void approvalStepsOfAParallelGroupAreApprovedByName() {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: two-gates
                spec:
                  protects: two-gates
                  access:
                    drill: [sre]
                    approve: [approver]
                  failover:
                    - parallel:
                        - { name: go-a, action: approval, with: { timeout: 10m } }
                        - { name: go-b, action: approval, with: { timeout: 10m } }
                    - { name: settle, action: wait, with: { for: 1s } }
                """;
        putRunbook("two-gates", yaml).statusCode(201);
        String id = postJson(
                        "/api/drills", "{\"runbook\":\"two-gates\",\"hold\":\"1s\"}", "dora", "drill-operator", "sre")
                .statusCode(202)
                .extract()
                .path("executionId");
        await(
                () -> "approval of step go-a, approval of step go-b"
                        .equals(as("watcher", "viewer")
                                .get("/api/executions/" + id)
                                .path("awaiting")),
                "both approval steps to wait");

        // go-b started last, so it is the current step; go-a waits all the same.
        postJson("/api/executions/" + id + "/approve", "{\"step\":\"go-a\"}", "ann", "approver")
                .statusCode(202)
                .body("decision.outcome", equalTo("APPROVED"));
        await(
                () -> "approval of step go-b"
                        .equals(as("watcher", "viewer")
                                .get("/api/executions/" + id)
                                .path("awaiting")),
                "go-b to wait alone");
        assertEquals("awaiting-approval", phase(id));
        postJson("/api/executions/" + id + "/approve", "{\"step\":\"go-a\"}", "ann", "approver")
                .statusCode(409)
                .body("detail", containsString("not waiting for a decision on step go-a"));
        postJson("/api/executions/" + id + "/approve", "{\"step\":\"go-b\"}", "ann", "approver")
                .statusCode(202);
        await(() -> "done".equals(phase(id)), "the drill to run to its end");
    }

    @Test
    void theStarterCannotApproveTheirOwnLiveFailoverNeitherOverRestNorThroughTemporal() {
        storeGuardedRunbook("guarded", 2);
        String id = awaitingApproval("guarded", "olga", "failover-operator", "approver");

        as("olga", "failover-operator", "approver")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/executions/" + id + "/approve")
                .then()
                .statusCode(403)
                .body("title", equalTo("Decision refused"));

        RunbookWorkflow workflow = temporal.newWorkflowStub(RunbookWorkflow.class, id);
        assertThrows(
                WorkflowUpdateException.class,
                () -> workflow.decide(new DecisionRequest(
                        Verdict.APPROVE, null, Actor.person("olga", List.of("approver")), null, "direct-1")),
                "the starter's own approval, sent to Temporal directly");
        // Whoever reaches Temporal directly could name anyone: without the orchestrator's seal nobody is believed.
        for (String approver : List.of("approver1", "approver2")) {
            WorkflowUpdateException forged = assertThrows(
                    WorkflowUpdateException.class,
                    () -> workflow.decide(new DecisionRequest(
                            Verdict.APPROVE,
                            null,
                            Actor.person(approver, List.of("approver")),
                            null,
                            "forged-" + approver)),
                    "an approval naming " + approver + ", sent to Temporal directly");
            assertTrue(
                    String.valueOf(forged.getCause()).contains("no seal"),
                    "refused for want of a seal: " + forged.getCause());
        }
        workflow.approve("olga");
        workflow.approve("someone");
        sleep(Duration.ofSeconds(2));
        assertEquals(
                "awaiting-approval", phase(id), "raw approve signals carry no verified identity and change nothing");

        // failback is never an approval
        as("olga", "failover-operator")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/executions/" + id + "/failback")
                .then()
                .statusCode(403);
        assertEquals("awaiting-approval", phase(id));

        as("approver1", "approver")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/executions/" + id + "/approve")
                .then()
                .statusCode(202)
                .body("decision.outcome", equalTo("PENDING"))
                .body("decision.approvals", equalTo(1));
        as("approver1", "approver")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/executions/" + id + "/approve")
                .then()
                .statusCode(403);
        assertEquals("awaiting-approval", phase(id), "one approver of two is not enough");
        as("approver2", "approver")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/executions/" + id + "/approve")
                .then()
                .statusCode(202)
                .body("decision.outcome", equalTo("APPROVED"));
        await(() -> "failed-over".equals(phase(id)), "two distinct approvers to start the failover");
        as("watcher", "viewer")
                .get("/api/executions/" + id)
                .then()
                .body("startedBy.name", equalTo("olga"))
                .body("decisions.by", hasItem("approver2"));

        as("olga", "failover-operator")
                .contentType(ContentType.JSON)
                .body("{\"reason\":\"primary is back\"}")
                .post("/api/executions/" + id + "/failback")
                .then()
                .statusCode(202);
        await(() -> "done".equals(phase(id)), "the failover to fail back");

        List<String> rows = as("watcher", "viewer")
                .queryParam("target", id)
                .get("/api/audit")
                .then()
                .statusCode(200)
                .extract()
                .path("records.collect { it.actor + ' ' + it.action + ' ' + it.outcome.split(':')[0] }");
        assertTrue(
                rows.containsAll(List.of(
                        "olga execution.approve requested",
                        "olga execution.approve refused",
                        "approver1 execution.approve accepted",
                        "approver2 execution.approve accepted",
                        "olga execution.failback accepted")),
                "audit rows: " + rows);
        as("watcher", "viewer")
                .get("/api/audit/verify")
                .then()
                .statusCode(200)
                .body("intact", equalTo(true))
                .body("brokenAt", nullValue());
    }

    @Test
    void aDrillIsAuditedBeforeItStartsAndTheChainVerifies() {
        storeGuardedRunbook("drilled", 1);
        String execution = as("operator", "drill-operator")
                .contentType(ContentType.JSON)
                .body("{\"runbook\":\"drilled\",\"hold\":\"1s\"}")
                .post("/api/drills")
                .then()
                .statusCode(202)
                .extract()
                .path("executionId");
        List<String> outcomes = as("watcher", "viewer")
                .queryParam("target", "drilled")
                .queryParam("action", "drill.start")
                .get("/api/audit")
                .then()
                .statusCode(200)
                .extract()
                .path("records.outcome");
        assertEquals(List.of("requested", "accepted"), outcomes);
        as("watcher", "viewer")
                .queryParam("target", "drilled")
                .get("/api/audit")
                .then()
                .body("records.actor", hasItem("operator"))
                .body(
                        "records.find { it.outcome == 'accepted' && it.action == 'drill.start' }.detail.executionId",
                        equalTo(execution));
        as("watcher", "viewer").get("/api/audit/verify").then().statusCode(200).body("intact", equalTo(true));
    }

    /**
     * Refusals that come before anything is asked of the workflow — no role, no such runbook, not confirmed, an
     * execution that does not exist — are in the trail too, one row each by the verified caller; a call without a
     * valid token writes nothing (there is nobody to name).
     */
    @Test
    void refusalsBeforeAnythingIsDoneAreAuditedButCallsWithoutATokenAreNot() {
        String unique = Long.toHexString(System.nanoTime());
        String viewer = "vera-" + unique;
        String missing = "missing-" + unique;
        postJson("/api/drills", "{\"runbook\":\"" + missing + "\"}", viewer, "viewer")
                .statusCode(403);
        postJson("/api/drills", "{\"runbook\":\"" + missing + "\"}", "dora", "drill-operator")
                .statusCode(404);
        given().contentType(ContentType.JSON)
                .body("{\"runbook\":\"" + missing + "\"}")
                .post("/api/drills")
                .then()
                .statusCode(401);
        storeGuardedRunbook("unconfirmed", 1);
        String operator = "fiona-" + unique;
        postJson("/api/failovers", "{\"runbook\":\"unconfirmed\",\"confirm\":\"other\"}", operator, "failover-operator")
                .statusCode(400);
        postJson("/api/executions/failover-" + missing + "/abort", "{}", operator, "failover-operator")
                .statusCode(404);
        // A drill's scope goes to Temporal only when it is one.
        postJson(
                        "/api/drills",
                        "{\"runbook\":\"unconfirmed\",\"scope\":\"aws/us-east-1' or 1=1\"}",
                        operator,
                        "drill-operator")
                .statusCode(400)
                .body("title", equalTo("Bad scope"));
        // A field the call does not take is refused, not ignored: "parameter" would run with the default parameters.
        postJson(
                        "/api/drills",
                        "{\"runbook\":\"unconfirmed\",\"parameter\":{\"zone\":\"test.example\"}}",
                        operator,
                        "drill-operator")
                .statusCode(400)
                .body("detail", containsString("a field this call does not take at parameter"))
                .body("detail", containsString("parameters"));

        assertEquals(
                List.of("drill.start refused: 403"),
                auditRows("actor", viewer, "records.collect { it.action + ' ' + it.outcome.substring(0, 12) }"),
                "the viewer's attempt to drill");
        assertEquals(
                List.of("dora drill.start refused: 404"),
                auditRows(
                        "target",
                        missing,
                        "records.collect { it.actor + ' ' + it.action + ' ' + it.outcome.substring(0, 12) }"),
                "one row for the drill of a runbook that does not exist, none for the call without a token");
        List<String> operators =
                auditRows("actor", operator, "records.collect { it.action + ' ' + it.target + ' ' + it.outcome }");
        assertEquals(4, operators.size(), "rows: " + operators);
        assertTrue(operators.get(2).startsWith("drill.start unconfirmed refused: 400 scope "), operators.get(2));
        assertTrue(operators.get(3).startsWith("drill.start null refused: 400 the body has a field"), operators.get(3));
        assertTrue(
                operators.get(0).startsWith("failover.start unconfirmed refused: 400 ")
                        && operators.get(0).contains("confirm"),
                operators.get(0));
        assertTrue(
                operators.get(1).startsWith("execution.abort failover-" + missing + " refused: 404 "),
                operators.get(1));
        as("watcher", "viewer").get("/api/audit/verify").then().statusCode(200).body("intact", equalTo(true));
    }

    private static List<String> auditRows(String filter, String value, String path) {
        return as("watcher", "viewer")
                .queryParam(filter, value)
                .get("/api/audit")
                .then()
                .statusCode(200)
                .extract()
                .path(path);
    }

    @Test
    void formPostsAreRefusedAndCorsIsClosed() {
        as("admin", "admin")
                .contentType(ContentType.URLENC)
                .formParam("runbook", "shop")
                .post("/api/drills")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
        given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .options("/api/drills")
                .then()
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void healthIsOnTheManagementPortOnlyAndNeedsNoToken() {
        given().get(health).then().statusCode(200);
        as("admin", "admin").get("/q/health/live").then().statusCode(404);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            sleep(Duration.ofMillis(300));
        }
        fail("timed out waiting for " + what);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
