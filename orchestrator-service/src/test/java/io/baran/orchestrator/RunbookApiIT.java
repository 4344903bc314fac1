package io.baran.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.runbook.RunbookParser;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.PostgresResource;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.TemporalResource;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runbook API on a real PostgreSQL (versions), Temporal dev server (running executions) and Kafka broker.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TemporalResource.class, restrictToAnnotatedClass = true)
class RunbookApiIT {

    private static final String YAML = "application/yaml";
    /** Send YAML bodies as the bytes given, without a charset of RestAssured's choosing. */
    private static final RestAssuredConfig CONFIG = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig()
                    .appendDefaultContentCharsetToContentTypeIfUndefined(false)
                    .encodeContentTypeAs(YAML, ContentType.TEXT));

    @Inject
    RunbookCatalog catalog;

    @TestHTTPResource(value = "openapi", management = true)
    URL openApi;

    @TestHTTPResource(value = "swagger-ui/", management = true)
    URL swaggerUi;

    @Inject
    RunbookVersions versions;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private static String runbook(String name, String waitFor) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: %s
                spec:
                  protects: %s
                  parameters:
                    zone: { default: example.com }
                  trigger:
                    outage: { scope: test/%s }
                  failover:
                    - name: move-www
                      action: dns.switch
                      with: { provider: test, zone: "${zone}", record: www, type: CNAME, to: standby.example.net }
                    - name: settle
                      action: wait
                      with: { for: %s }
                  failback:
                    approval: none
                """.formatted(name, name, name, waitFor);
    }

    /** A runbook of waits only: a drill of it runs without any action worker. */
    private static String waits(String name, String waitFor) {
        return """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: %s
                spec:
                  protects: %s
                  failover:
                    - name: settle
                      action: wait
                      with: { for: %s }
                  failback:
                    approval: none
                """.formatted(name, name, waitFor);
    }

    private static RequestSpecification yaml() {
        return given().config(CONFIG).contentType(YAML);
    }

    private static Response put(String name, String body) {
        // The header is no identity: the author recorded is the token's user, ada.
        return yaml().header("Baran-Author", "mallory")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .put("/api/runbooks/" + name);
    }

    /** Every call of this class carries a token of the test issuer, as ada. */
    @BeforeEach
    void authenticate() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", OidcIssuer.shared().bearer("ada", "runbook-author", "admin"))
                .build();
    }

    @Test
    void aNewRunbookIsCreatedThenEachChangeIsANewVersionAndTheSameTextIsNone() {
        String first = runbook("orders", "1s");
        put("orders", first)
                .then()
                .statusCode(201)
                .contentType(ContentType.JSON)
                .header("Location", containsString("/api/runbooks/orders?version=1"))
                .body("version", equalTo(1))
                .body("outcome", equalTo("created"))
                .body("author", equalTo("ada"))
                .body("sha256", equalTo(RunbookParser.sha256(first)));
        String second = runbook("orders", "2s");
        put("orders", second)
                .then()
                .statusCode(200)
                .body("version", equalTo(2))
                .body("outcome", equalTo("new-version"));
        put("orders", second).then().statusCode(200).body("version", equalTo(2)).body("outcome", equalTo("unchanged"));

        given().get("/api/runbooks/orders/versions")
                .then()
                .statusCode(200)
                .body("versions.version", equalTo(List.of(1, 2)))
                .body("versions.sha256", equalTo(List.of(RunbookParser.sha256(first), RunbookParser.sha256(second))))
                .body("versions.author", equalTo(List.of("ada", "ada")))
                .body("versions.source", equalTo(List.of("api", "api")));
        given().get("/api/runbooks/orders")
                .then()
                .statusCode(200)
                .body("version", equalTo(2))
                .body("content", equalTo(second))
                .body("runbook.failover[0].with.zone", equalTo("example.com"))
                .body("runbook.version", equalTo(2));
        given().queryParam("version", 1)
                .get("/api/runbooks/orders")
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("content", equalTo(first));
        String yaml = given().accept(YAML)
                .queryParam("version", 1)
                .get("/api/runbooks/orders")
                .then()
                .statusCode(200)
                .contentType(containsString(YAML))
                .extract()
                .asString();
        assertEquals(first, yaml);
        given().queryParam("version", 3)
                .get("/api/runbooks/orders")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("has versions 1 to 2"));
        for (String bad : List.of("abc", "0", "-1", "99999999999")) {
            given().queryParam("version", bad)
                    .get("/api/runbooks/orders")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Bad version"))
                    .body("detail", containsString("\"" + bad + "\" is not a version number"));
        }

        // What drills and outages run is the latest stored version.
        assertEquals(2, catalog.find("orders").orElseThrow().version());
        assertEquals(
                "2s", catalog.find("orders").orElseThrow().step("settle").with().get("for"));
        given().get("/api/runbooks").then().statusCode(200).body("runbooks.name", hasItem("orders"));
    }

    @Test
    void anInvalidRunbookGetsEveryErrorWithPositionsAsProblemDetailsAndNothingIsStored() {
        put("payments", runbook("payments", "1s")).then().statusCode(201);
        String broken = runbook("payments", "soon")
                .replace("provider: test", "provider: tset")
                .replace("name: settle", "name: move-www")
                .replace("approval: none", "approval: nobody");
        put("payments", broken)
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("title", equalTo("Invalid runbook"))
                .body("detail", equalTo("4 errors in payments.yaml; nothing was stored"))
                .body(
                        "errors.text",
                        equalTo(List.of(
                                "payments.yaml:14:25 spec.failover[0].with.provider: unknown provider \"tset\" (did you mean test?); configured providers: files, test",
                                "payments.yaml:15:13 spec.failover[1].name: \"move-www\" is already the name of the step at line 12; step names must be unique",
                                "payments.yaml:17:20 spec.failover[1].with.for: \"soon\" is not a duration (use 30s, 5m or 24h)",
                                "payments.yaml:19:15 spec.failback.approval: \"nobody\" is not one of none, required")))
                .body("errors[0].line", equalTo(14))
                .body("errors[0].column", equalTo(25))
                .body("errors[0].path", equalTo("spec.failover[0].with.provider"));
        given().get("/api/runbooks/payments/versions")
                .then()
                .statusCode(200)
                .body("versions.version", equalTo(List.of(1)));
    }

    @Test
    void theNameInTheUrlMustBeTheRunbooksOwnName() {
        put("billing", runbook("invoices", "1s"))
                .then()
                .statusCode(422)
                .body(
                        "errors[0].text",
                        equalTo("billing.yaml:4:9 metadata.name: \"invoices\" is not the name it is stored under, "
                                + "\"billing\"; a runbook is stored under its own metadata.name"));
        given().get("/api/runbooks/billing").then().statusCode(404);
        given().get("/api/runbooks/invoices").then().statusCode(404);
    }

    @Test
    void aProviderWithoutTheCapabilityIsRefusedAtLoad() {
        put("files-dns", runbook("files-dns", "1s").replace("provider: test", "provider: files"))
                .then()
                .statusCode(422)
                .body(
                        "errors[0].message",
                        equalTo("provider \"files\" (filesystem) has no dns capability, which dns.switch needs; "
                                + "providers that have it: test"));
    }

    @Test
    void validateChecksLikePutAndStoresNothing() {
        yaml().body(runbook("draft", "1s"))
                .post("/api/runbooks/validate")
                .then()
                .statusCode(200)
                .body("valid", equalTo(true))
                .body("name", equalTo("draft"));
        yaml().queryParam("file", "runbooks/draft.yaml")
                .body(runbook("draft", "1 minute"))
                .post("/api/runbooks/validate")
                .then()
                .statusCode(422)
                .body(
                        "errors.text",
                        equalTo(
                                List.of(
                                        "runbooks/draft.yaml:17:20 spec.failover[1].with.for: \"1 minute\" is not a duration (use 1m)")));
        given().get("/api/runbooks/draft").then().statusCode(404);
    }

    @Test
    void aHealthCheckOfTheMetadataAddressIsRefusedAtValidateWithItsPosition() {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: metadata-probe
                spec:
                  protects: metadata-probe
                  failover:
                    - name: steal-credentials
                      action: health.check
                      with: { url: "http://169.254.169.254/latest/meta-data/" }
                    - name: internal
                      action: health.check
                      with: { url: "http://10.0.0.7/healthz" }
                    - name: allow-listed
                      action: health.check
                      with: { url: "http://127.0.0.1:8092/healthz" }
                  failback:
                    approval: none
                """;
        yaml().queryParam("file", "metadata-probe.yaml")
                .body(yaml)
                .post("/api/runbooks/validate")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors.text",
                        equalTo(
                                List.of(
                                        "metadata-probe.yaml:10:20 spec.failover[0].with.url: 169.254.169.254 is a cloud metadata address: refused by"
                                                + " the egress policy (rule metadata)",
                                        "metadata-probe.yaml:13:20 spec.failover[1].with.url: 10.0.0.7 is a private address (10.0.0.0/8): refused by"
                                                + " the egress policy (rule private; allow-list it in baran.egress.allow if this service must call it)")))
                .body("errors[0].line", equalTo(10))
                .body("errors[0].column", equalTo(20))
                .body("errors[0].path", equalTo("spec.failover[0].with.url"));
        put("metadata-probe", yaml).then().statusCode(422);
        given().get("/api/runbooks/metadata-probe").then().statusCode(404);
    }

    @Test
    void bodiesThatCannotBeARunbookAreClear4xxNeverA500AndStoreNothing() {
        byte[] megabyte = ("# " + "x".repeat(1024 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
        yaml().body(megabyte)
                .put("/api/runbooks/huge")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("at most 262144"));
        byte[] threeMegabytes = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(threeMegabytes, (byte) 'x');
        // Past the HTTP server's own limit (2M) it answers 413 and closes the connection, at times before the client
        // has sent the whole body; the client then sees the connection closed instead of the answer. Refused either
        // way.
        try {
            yaml().body(threeMegabytes).put("/api/runbooks/huge").then().statusCode(413);
        } catch (Exception closed) {
            Throwable cause = closed;
            while (cause != null && !(cause instanceof java.net.SocketException)) {
                cause = cause.getCause();
            }
            assertTrue(cause != null, "neither a 413 nor a connection closed by the server: " + closed);
        }

        byte[] binary = new byte[4096];
        new Random(7).nextBytes(binary);
        yaml().body(binary)
                .put("/api/runbooks/binary")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("title", startsWith("Not UTF-8"));
        yaml().body("apiVersion: baran.io/v1\0\0\0".getBytes(StandardCharsets.UTF_8))
                .put("/api/runbooks/binary")
                .then()
                .statusCode(415)
                .body("title", equalTo("Binary body"));
        given().config(CONFIG)
                .contentType("application/octet-stream")
                .body(binary)
                .put("/api/runbooks/binary")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
        byte[] latin1 = "metadata: { name: caf\u00e9 }".getBytes(StandardCharsets.ISO_8859_1);
        given().config(CONFIG)
                .contentType("application/yaml; charset=ISO-8859-1")
                .body(latin1)
                .put("/api/runbooks/latin")
                .then()
                .statusCode(415);

        String deep = "apiVersion: baran.io/v1\nkind: Runbook\nspec: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        yaml().body(deep)
                .put("/api/runbooks/deep")
                .then()
                .statusCode(422)
                .body("errors[0].message", containsString("nested more than"));
        String aliases = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                + IntStream.range(0, 40)
                        .mapToObj(i -> "b" + i + ": [*a, *a, *a, *a]\n")
                        .reduce("", String::concat);
        yaml().body(aliases).put("/api/runbooks/aliases").then().statusCode(422);
        yaml().body("")
                .put("/api/runbooks/empty")
                .then()
                .statusCode(422)
                .body("errors[0].message", startsWith("is empty"));

        for (String name : List.of("huge", "binary", "latin", "deep", "aliases", "empty")) {
            given().get("/api/runbooks/" + name).then().statusCode(404);
        }
    }

    @Test
    void deletingIsRefusedWhileAnExecutionOfTheRunbookRunsAndItsVersionIsRecorded() {
        put("held", waits("held", "1s")).then().statusCode(201);
        put("held", waits("held", "2s")).then().statusCode(200).body("version", equalTo(2));
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("runbook", "held", "hold", "10m"))
                .post("/api/drills")
                .then()
                .statusCode(202)
                .extract()
                .path("executionId");
        given().get("/api/runbooks/held/executions")
                .then()
                .statusCode(200)
                .body("executions[0].executionId", equalTo(id))
                .body("executions[0].version", equalTo(2));

        given().delete("/api/runbooks/held")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Runbook in use"))
                .body("errors", equalTo(List.of(id)))
                .body("detail", containsString(id));
        given().get("/api/runbooks/held").then().statusCode(200);

        given().contentType(ContentType.JSON)
                .post("/api/executions/" + id + "/abort")
                .then()
                .statusCode(202);
        await(() -> !"running".equals(given().get("/api/executions/" + id).path("status")), "the aborted drill to end");
        given().delete("/api/runbooks/held").then().statusCode(204);
        given().get("/api/runbooks/held").then().statusCode(404);
        given().get("/api/runbooks/held/versions").then().statusCode(404);
        given().delete("/api/runbooks/held").then().statusCode(404);
        assertTrue(catalog.find("held").isEmpty());
        given().contentType(ContentType.JSON)
                .body(Map.of("runbook", "held"))
                .post("/api/drills")
                .then()
                .statusCode(404);

        // A deleted runbook can be defined again; its versions go on counting.
        put("held", waits("held", "3s")).then().statusCode(201).body("version", equalTo(3));
    }

    @Test
    void aDrillMaySetTheRunbooksParametersAndBadValuesAreRefusedBeforeAnythingRuns() {
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: paused
                spec:
                  protects: paused
                  parameters:
                    pause: { default: 1s, description: how long to settle, overridable: true }
                  failover:
                    - name: settle
                      action: wait
                      with: { for: "${pause}" }
                  failback:
                    approval: none
                """;
        put("paused", yaml).then().statusCode(201);

        given().contentType(ContentType.JSON)
                .body(Map.of("runbook", "paused", "mode", "plan"))
                .post("/api/drills")
                .then()
                .statusCode(200)
                .body("steps[0].summary", equalTo("would wait 1s"));
        given().contentType(ContentType.JSON)
                .body(Map.of("runbook", "paused", "mode", "plan", "parameters", Map.of("pause", "7s")))
                .post("/api/drills")
                .then()
                .statusCode(200)
                .body("steps[0].summary", equalTo("would wait 7s"));

        given().contentType(ContentType.JSON)
                .body(Map.of("runbook", "paused", "parameters", Map.of("paus", "7s", "pause", 7)))
                .post("/api/drills")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors.message",
                        hasItem(
                                containsString(
                                        "the request sets parameter paus, which the runbook does not declare (did you mean pause?)")))
                .body(
                        "errors.message",
                        hasItem(containsString("the request sets pause to 7, but its default (\"1s\") is a text")));
        given().contentType(ContentType.JSON)
                .body(Map.of("runbook", "paused", "parameters", Map.of("pause", "soon")))
                .post("/api/drills")
                .then()
                .statusCode(422)
                .body("title", equalTo("Invalid parameters"))
                .body("errors.path", hasItem("spec.failover[0].with.for"));
        given().contentType(ContentType.JSON)
                .body(Map.of("runbook", "paused", "confirm", "paused", "parameters", Map.of("paus", "1s")))
                .post("/api/failovers")
                .then()
                .statusCode(422);
        assertEquals(2, versions.executions("paused").size(), "the two plans ran; no refused request started anything");
    }

    @Test
    void filesLoadedAtStartAreTheInitialVersionsAndLoadingThemAgainAddsNone() {
        given().get("/api/runbooks/shop/versions")
                .then()
                .statusCode(200)
                .body("versions.version", equalTo(List.of(1)))
                .body("versions.source", equalTo(List.of("shop.yaml")))
                .body("versions.author", equalTo(List.of("file")));
        var fromFile = versions.latest("shop").orElseThrow();
        // A restart reads the same file again: nothing new.
        assertEquals(
                RunbookVersions.Outcome.UNCHANGED,
                versions.importFile("shop", fromFile.sha256(), fromFile.content(), "shop.yaml")
                        .outcome());
        assertEquals(1, versions.versions("shop").size());
        // A version saved over the API is not undone by the next start reading the unchanged file.
        put("shop", fromFile.content() + "# reviewed\n").then().statusCode(200).body("version", equalTo(2));
        assertEquals(
                RunbookVersions.Outcome.UNCHANGED,
                versions.importFile("shop", fromFile.sha256(), fromFile.content(), "shop.yaml")
                        .outcome());
        assertEquals(2, catalog.find("shop").orElseThrow().version());
        // An edited file is a new version.
        String edited = fromFile.content() + "# edited in the repository\n";
        assertEquals(
                3,
                versions.importFile("shop", RunbookParser.sha256(edited), edited, "shop.yaml")
                        .version()
                        .number());
        given().get("/api/runbooks")
                .then()
                .statusCode(200)
                .body("runbooks.name", hasItem("shop"))
                .body("refused", hasItem(containsString("broken.yaml:10:94 spec.failover[0].with.ttl")));
    }

    @Test
    void aStoredVersionCannotBeChangedEvenInTheDatabase() throws Exception {
        put("fixed", runbook("fixed", "1s")).then().statusCode(201);
        var e = assertThrows(
                RuntimeException.class,
                () -> QuarkusTransaction.requiringNew()
                        .run(() -> Panache.getEntityManager()
                                .createNativeQuery(
                                        "update runbook_version set content = 'x' where runbook_name = 'fixed'")
                                .executeUpdate()));
        // The service's own role may not even try; the owner of the table is stopped by its trigger.
        assertTrue(rootMessage(e).contains("permission denied for table runbook_version"), rootMessage(e));
        try (java.sql.Connection owner =
                        java.sql.DriverManager.getConnection(jdbcUrl, PostgresServer.USER, PostgresServer.PASSWORD);
                java.sql.Statement s = owner.createStatement()) {
            var asOwner = assertThrows(
                    java.sql.SQLException.class,
                    () -> s.executeUpdate("update runbook_version set content = 'x' where runbook_name = 'fixed'"));
            assertTrue(asOwner.getMessage().contains("is immutable"), asOwner.getMessage());
        }
        given().get("/api/runbooks/fixed").then().body("content", equalTo(runbook("fixed", "1s")));
    }

    @Test
    void concurrentSavesOfOneRunbookGetDistinctConsecutiveVersions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Integer>> saves = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                String text = runbook("busy", i + "s");
                saves.add(() -> put("busy", text).then().extract().path("version"));
            }
            Set<Integer> numbers = new HashSet<>();
            for (Future<Integer> f : pool.invokeAll(saves, 60, TimeUnit.SECONDS)) {
                numbers.add(f.get());
            }
            assertEquals(Set.of(1, 2, 3, 4, 5, 6), numbers);
        } finally {
            pool.shutdownNow();
        }
        given().get("/api/runbooks/busy/versions").then().body("versions.version", equalTo(List.of(1, 2, 3, 4, 5, 6)));
    }

    @Test
    void theApiIsDescribedByOpenApiWithASwaggerUi() {
        given().queryParam("format", "json")
                .get(openApi)
                .then()
                .statusCode(200)
                .body("paths.'/api/runbooks/{name}'.put.summary", containsString("Store a runbook"))
                .body("paths.'/api/runbooks/validate'.post.responses.'422'.description", containsString("every error"))
                .body("paths.'/api/runbooks/{name}'.delete.responses.'409'.description", containsString("execution"))
                .body("paths.'/api/drills'.post.parameters.name", hasItem("Idempotency-Key"))
                .body("paths.'/api/failovers'.post.parameters.name", hasItem("Idempotency-Key"));
        given().get(swaggerUi).then().statusCode(200).body(containsString("swagger"));
        given().get("/api/schemas/runbook.json")
                .then()
                .statusCode(200)
                .contentType(containsString("application/schema+json"))
                .body("$id", equalTo(io.baran.runbook.RunbookSchema.ID))
                .body("definitions.'with.dns.switch'.required", hasItem("provider"));
        given().get("/api/no-such-thing").then().statusCode(404).contentType("application/problem+json");
    }

    /**
     * What a generated client needs: every operation of the API declares a success response with its schema (a 204
     * has no body), and every error response it declares is a problem document.
     */
    @Test
    void everyApiOperationDocumentsItsSuccessSchemaAndItsProblems() {
        Map<String, Map<String, Map<String, Object>>> paths = given().queryParam("format", "json")
                .get(openApi)
                .then()
                .statusCode(200)
                .extract()
                .path("paths");
        List<String> missing = new ArrayList<>();
        int operations = 0;
        for (var path : paths.entrySet()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (var operation : path.getValue().entrySet()) {
                if (!List.of("get", "put", "post", "delete", "patch").contains(operation.getKey())) {
                    continue;
                }
                operations++;
                String name = operation.getKey().toUpperCase() + " " + path.getKey();
                @SuppressWarnings("unchecked")
                Map<String, Map<String, Object>> responses =
                        (Map<String, Map<String, Object>>) operation.getValue().get("responses");
                if (responses.keySet().stream().noneMatch(code -> code.startsWith("2"))) {
                    missing.add(name + ": no 2xx response");
                }
                for (String required : List.of("401", "403")) {
                    if (!responses.containsKey(required)) {
                        missing.add(name + ": no " + required);
                    }
                }
                for (var response : responses.entrySet()) {
                    String code = response.getKey();
                    @SuppressWarnings("unchecked")
                    Map<String, Map<String, Object>> content = (Map<String, Map<String, Object>>)
                            response.getValue().get("content");
                    if (code.equals("204")) {
                        continue;
                    }
                    if (content == null || content.isEmpty()) {
                        missing.add(name + " " + code + ": no content");
                        continue;
                    }
                    if (code.startsWith("2")) {
                        content.forEach((mediaType, media) -> {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> schema = (Map<String, Object>) media.get("schema");
                            if (schema == null || !(schema.containsKey("$ref") || schema.containsKey("type"))) {
                                missing.add(name + " " + code + " " + mediaType + ": no schema");
                            }
                        });
                    } else if (code.startsWith("4") || code.startsWith("5")) {
                        Map<String, Object> problem = content.get("application/problem+json");
                        if (problem == null
                                || !Map.of("$ref", "#/components/schemas/Problem")
                                        .equals(problem.get("schema"))) {
                            missing.add(name + " " + code + ": not a problem document");
                        }
                    }
                }
            }
        }
        assertTrue(operations >= 20, "only " + operations + " operations under /api in the document");
        assertEquals(List.of(), missing);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder out = new StringBuilder();
        while (t != null) {
            out.append(t.getMessage()).append(" / ");
            t = t.getCause();
        }
        return out.toString();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail("timed out after 30 s waiting for " + what);
    }
}
