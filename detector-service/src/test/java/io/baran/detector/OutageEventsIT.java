package io.baran.detector;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.OutageEvent;
import io.baran.events.Topics;
import io.baran.security.Roles;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The detector against a real Kafka broker and a real HTTP target whose answer the test switches between 200 and 503.
 * The consumer reads the topic from its beginning, so "exactly one event" also proves nothing was published before.
 * The test only reads the API, as a viewer.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = HealthEndpointResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OidcIssuerResource.class, restrictToAnnotatedClass = true)
class OutageEventsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SCOPE = HealthEndpointResource.SCOPE;

    private final HttpClient http = HttpClient.newHttpClient();
    private KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> received = new ArrayList<>();

    @BeforeEach
    void callAsAViewer() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", OidcIssuer.shared().bearer("tester", Roles.VIEWER))
                .build();
    }

    @BeforeEach
    void readTheTopicFromTheStart() throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        // Created here, not by the first send, so the consumer can be assigned every partition before any event.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.HEALTH_EVENTS, 3, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.HEALTH_EVENTS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    @AfterEach
    void closeConsumer() {
        consumer.close(Duration.ofSeconds(5));
        RestAssured.requestSpecification = null;
    }

    @Test
    void anOutagePublishesOneDetectedThenOneRecoveredWithTheSameIncident() throws Exception {
        // Healthy: the target comes UP and nothing is published.
        awaitTarget(
                "UP and passing a few more probes",
                t -> "UP".equals(t.get("state")) && (int) t.get("consecutiveSuccesses") >= 6);
        pollFor(Duration.ofSeconds(1));
        assertEquals(List.of(), received, "a healthy target publishes nothing");
        Map<String, Object> scope = scope();
        assertEquals("UP", scope.get("state"));
        assertNull(scope.get("incidentId"));

        // The target answers 503: exactly one outage.detected.
        setStatus(503);
        awaitRecords(1);
        awaitTarget(
                "DOWN and failing a few more probes",
                t -> "DOWN".equals(t.get("state")) && (int) t.get("consecutiveFailures") >= 6);
        pollFor(Duration.ofSeconds(1));
        assertEquals(1, received.size(), "exactly one event for one outage: " + values());
        ConsumerRecord<String, String> detectedRecord = received.get(0);
        assertEquals(SCOPE, detectedRecord.key());
        CloudEvent<OutageEvent> detected = EventCodec.decodeOutage(detectedRecord.value());
        assertEquals(OutageEvent.DETECTED, detected.type());
        assertEquals("/baran/detector/test-vantage", detected.source());
        assertEquals(SCOPE, detected.subject());
        OutageEvent outage = detected.data();
        assertEquals(SCOPE, outage.scope());
        assertEquals("test-vantage", outage.vantage());
        assertFalse(outage.drill());
        assertEquals(SCOPE + "@" + outage.since().toEpochMilli(), outage.incidentId());
        assertEquals(
                List.of(new OutageEvent.TargetVerdict(HealthEndpointResource.TARGET, false, "HTTP 503, expected 200")),
                outage.targets());

        scope = scope();
        assertEquals("DOWN", scope.get("state"));
        assertEquals(outage.incidentId(), scope.get("incidentId"));
        assertEquals(outage.since(), Instant.parse((String) scope.get("since")));
        Map<String, Object> target = target();
        assertEquals("HTTP 503, expected 200", target.get("lastResult"));
        assertEquals(SCOPE, target.get("scope"));

        // Healthy again: exactly one outage.recovered naming the same incident.
        setStatus(200);
        awaitRecords(2);
        awaitTarget(
                "UP again and passing a few more probes",
                t -> "UP".equals(t.get("state")) && (int) t.get("consecutiveSuccesses") >= 6);
        pollFor(Duration.ofSeconds(1));
        assertEquals(2, received.size(), "one detected and one recovered: " + values());
        ConsumerRecord<String, String> recoveredRecord = received.get(1);
        assertEquals(SCOPE, recoveredRecord.key());
        CloudEvent<OutageEvent> recovered = EventCodec.decodeOutage(recoveredRecord.value());
        assertEquals(OutageEvent.RECOVERED, recovered.type());
        assertEquals(outage.incidentId(), recovered.data().incidentId());
        assertEquals("test-vantage", recovered.data().vantage());
        assertTrue(recovered.data().since().isAfter(outage.since()));
        assertEquals(
                List.of(new OutageEvent.TargetVerdict(HealthEndpointResource.TARGET, true, "HTTP 200")),
                recovered.data().targets());
        assertFalse(detected.id().equals(recovered.id()), "every event has its own id");

        scope = scope();
        assertEquals("UP", scope.get("state"));
        assertNull(scope.get("incidentId"));
    }

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthAndShownNowhere() throws Exception {
        awaitTarget("probed at least once", t -> t.get("lastCheckedAt") != null);
        String expected = "Basic "
                + Base64.getEncoder()
                        .encodeToString((HealthEndpointResource.USER + ":" + HealthEndpointResource.PASSWORD)
                                .getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, control("GET", "/control/authorization", null));

        String targets =
                given().get("/api/targets").then().statusCode(200).extract().asString();
        assertFalse(targets.contains(HealthEndpointResource.PASSWORD) || targets.contains("s3cr"), targets);
        assertEquals("http://127.0.0.1:" + URI.create(controlBase()).getPort() + "/healthz", target().get("url"));
        pollFor(Duration.ofMillis(500));
        received.forEach(r -> assertFalse(r.value().contains("s3cr"), r.value()));
    }

    private void awaitTarget(String what, Predicate<Map<String, Object>> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Object> last = null;
        while (System.nanoTime() < deadline) {
            last = target();
            if (condition.test(last)) {
                return;
            }
            sleep(100);
        }
        fail("target " + HealthEndpointResource.TARGET + " not " + what + " within " + WAIT.toSeconds()
                + " s; last seen " + last);
    }

    private static Map<String, Object> target() {
        List<Map<String, Object>> targets = given().get("/api/targets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertEquals(1, targets.size(), "one configured target: " + targets);
        assertEquals(HealthEndpointResource.TARGET, targets.get(0).get("name"));
        return targets.get(0);
    }

    private static Map<String, Object> scope() {
        List<Map<String, Object>> scopes = given().get("/api/scopes")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertEquals(1, scopes.size(), "one scope: " + scopes);
        assertEquals(SCOPE, scopes.get(0).get("scope"));
        return scopes.get(0);
    }

    private void awaitRecords(int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
        }
        assertTrue(
                received.size() >= count,
                "expected " + count + " events on " + Topics.HEALTH_EVENTS + " within " + WAIT.toSeconds() + " s, got "
                        + values());
    }

    private void pollFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(received::add);
        }
    }

    private List<String> values() {
        return received.stream().map(ConsumerRecord::value).toList();
    }

    private void setStatus(int status) throws Exception {
        assertEquals(String.valueOf(status), control("PUT", "/control/status", String.valueOf(status)));
    }

    private String control(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(controlBase() + path))
                .timeout(Duration.ofSeconds(5))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String controlBase() {
        return ConfigProvider.getConfig().getValue(HealthEndpointResource.CONTROL, String.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
