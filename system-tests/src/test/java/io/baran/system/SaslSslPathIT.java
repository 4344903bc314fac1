package io.baran.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.PostgresServer;
import io.baran.testinfra.SaslSslKafkaBroker;
import io.baran.testinfra.TemporalDevServer;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The detector → orchestrator path on a broker that requires SASL_SSL: SCRAM-SHA-512 over TLS, one principal per
 * service, and the production ACLs ({@code k8s/overlays/prod/kafka/acls.txt}) enforced by the StandardAuthorizer.
 * The packaged detector signs its outage event and publishes it as {@code baran-detector}; the packaged orchestrator
 * reads it as {@code baran-orchestrator} and fails over. Anyone else writing to the health-events topic is refused.
 * No worker: the runbook's only step is a wait, which the workflow itself does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SaslSslPathIT {

    private static final String HEALTH_EVENTS = "baran.health-events";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The services' passwords, made for this run. */
    private static final Map<String, String> USERS = Map.of(
            "baran-detector",
            "detector-" + System.nanoTime(),
            "baran-orchestrator",
            "orchestrator-" + System.nanoTime(),
            "baran-worker",
            "worker-" + System.nanoTime());

    private final Running running = new Running();
    private SaslSslKafkaBroker kafka;
    private DemoTarget primary;
    private ServiceProcess orchestrator;
    private ServiceProcess detector;

    @BeforeAll
    void startEverything() throws Exception {
        Path work = WorkDirs.create("sasl-ssl");
        kafka = keep(SaslSslKafkaBroker.start(work.resolve("kafka"), USERS));
        try (Admin admin = Admin.create(client(kafka.adminProperties()))) {
            // The topics the detector does not create itself, as a production cluster has them before Baran starts.
            admin.createTopics(List.of(
                            new NewTopic(HEALTH_EVENTS, 3, (short) 1),
                            new NewTopic("baran.health-events.dlq", 1, (short) 1),
                            new NewTopic("baran.execution-events", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            admin.createAcls(productionAcls()).all().get(30, TimeUnit.SECONDS);
        }
        TemporalDevServer temporal = keep(TemporalDevServer.start(work.resolve("temporal"), false));
        PostgresServer postgres = keep(PostgresServer.start(work.resolve("postgres")));
        primary = keep(new DemoTarget("sasl-primary"));

        Path runbooks = Files.createDirectories(work.resolve("runbooks"));
        Files.writeString(runbooks.resolve("sasl.yaml"), """
                apiVersion: baran.io/v1
                kind: Runbook
                metadata:
                  name: sasl
                spec:
                  protects: sasl
                  trigger:
                    outage: { scope: local/sasl }
                  failover:
                    - name: settle
                      action: wait
                      with: { for: 1s }
                  failback:
                    when: { recovered: true, stableFor: 1s }
                    approval: none
                """);

        Map<String, String> common = Map.of(
                "baran.temporal.target",
                temporal.target(),
                "quarkus.oidc.auth-server-url",
                OidcIssuer.shared().issuer(),
                "baran.egress.allow",
                "127.0.0.1");
        Map<String, String> roster = SigningKeys.make(work.resolve("signing"), "sasl-1", "sasl-vantage");

        Map<String, String> orchestratorProps = new HashMap<>(common);
        orchestratorProps.putAll(quarkusKafka("baran-orchestrator"));
        orchestratorProps.putAll(roster);
        orchestratorProps.put("baran.runbooks.dir", runbooks.toString());
        orchestratorProps.put("baran.temporal.codec.active-key", "sasl");
        orchestratorProps.put("baran.temporal.codec.keys.sasl", "dGVzdC1vbmx5LWtleS1mb3ItYmFyYW4tdGVzdHMtMDE=");
        orchestratorProps.putAll(ServiceSettings.orchestratorDatabase(postgres));
        orchestrator = keep(ServiceProcess.start("orchestrator-service", work, orchestratorProps, Map.of()));

        Map<String, String> detectorProps = new HashMap<>(common);
        detectorProps.putAll(ServiceSettings.auditTrail(postgres));
        detectorProps.putAll(quarkusKafka("baran-detector"));
        detectorProps.putAll(roster);
        detectorProps.putAll(SigningKeys.signWith(work.resolve("signing"), "sasl-1"));
        detectorProps.put("baran.detector.vantage", "sasl-vantage");
        detectorProps.putAll(ServiceSettings.fastTarget("sasl-primary", primary.url(), "local/sasl/web"));
        detector = keep(ServiceProcess.start("detector-service", work, detectorProps, Map.of()));

        orchestrator.awaitReady(Duration.ofSeconds(120));
        detector.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    void stopEverything() {
        running.close();
    }

    @Test
    @Order(1)
    void theDetectorsSignedOutageReachesTheOrchestratorWhichFailsOverAndBack() {
        primary.down();
        JsonNode failedOver = await(
                this::saslExecution,
                e -> "failed-over".equals(e.path("phase").asText()),
                "the outage, published as baran-detector, to fail over as baran-orchestrator");
        String id = failedOver.path("executionId").asText();
        assertTrue(id.startsWith("failover-sasl-"), failedOver.toString());
        assertEquals("local/sasl/web", failedOver.path("scope").asText(), failedOver.toString());

        primary.up();
        JsonNode done = await(
                () -> get(orchestrator.url("/api/executions/" + id)),
                e -> "completed".equals(e.path("status").asText()),
                "the recovery to fail back");
        assertEquals("done", done.path("phase").asText(), done.toString());
    }

    @Test
    @Order(2)
    void theOrchestratorsPrincipalMayNotWriteOutageEvents() {
        Throwable refused = send(client(kafka.clientProperties("baran-orchestrator", USERS.get("baran-orchestrator"))));
        assertInstanceOf(TopicAuthorizationException.class, refused, String.valueOf(refused));
    }

    @Test
    @Order(3)
    void theWorkersPrincipalMayNotWriteOutageEvents() {
        Throwable refused = send(client(kafka.clientProperties("baran-worker", USERS.get("baran-worker"))));
        assertInstanceOf(TopicAuthorizationException.class, refused, String.valueOf(refused));
    }

    @Test
    @Order(4)
    void aWrongPasswordIsRefusedAtAuthentication() {
        Throwable refused = send(client(kafka.clientProperties("baran-detector", "not-the-password")));
        assertInstanceOf(SaslAuthenticationException.class, refused, String.valueOf(refused));
    }

    @Test
    @Order(5)
    void aClientWithoutCredentialsNeverGetsIn() {
        Throwable refused = send(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        assertInstanceOf(TimeoutException.class, refused, String.valueOf(refused));
    }

    @Test
    @Order(6)
    void theTopicHoldsOnlyTheDetectorsSignedEvents() {
        Map<String, Object> props = client(kafka.adminProperties());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            // No group: the admin reads every partition from its start.
            List<TopicPartition> partitions = consumer.partitionsFor(HEALTH_EVENTS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            // Every record up to now: the detector's outage and recovery at least, which prove the read works.
            while (System.nanoTime() < deadline && values.size() < 2) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> values.add(r.value()));
        }
        assertTrue(values.stream().anyMatch(v -> v.contains("io.baran.outage.detected")), values.toString());
        assertTrue(values.stream().anyMatch(v -> v.contains("io.baran.outage.recovered")), values.toString());
        for (String value : values) {
            assertTrue(value.contains("\"baransig\""), "an event on " + HEALTH_EVENTS + " is not signed: " + value);
        }
    }

    /** What writing a forged outage event to the health-events topic with these client settings ends in. */
    private Throwable send(Map<String, ?> settings) {
        Map<String, Object> props = new HashMap<>(settings);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(HEALTH_EVENTS, "local/sasl", "{\"forged\":true}"))
                    .get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    /** The production ACL lines as bindings, exactly as apply-acls.sh gives them to kafka-acls.sh. */
    private static List<AclBinding> productionAcls() throws Exception {
        List<AclBinding> bindings = new ArrayList<>();
        for (String line : Files.readAllLines(Tools.projectRoot().resolve("k8s/overlays/prod/kafka/acls.txt"))) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] f = trimmed.split("\\s+");
            ResourceType type = ResourceType.fromString(f[1].replace("-", "_").toUpperCase(Locale.ROOT));
            PatternType pattern = PatternType.fromString(f[2].toUpperCase(Locale.ROOT));
            if (type == ResourceType.UNKNOWN || pattern == PatternType.UNKNOWN) {
                throw new IllegalArgumentException("unknown resource type or pattern in: " + line);
            }
            ResourcePattern resource = new ResourcePattern(type, f[3], pattern);
            for (String operation : f[4].split(",")) {
                AclOperation op = Arrays.stream(AclOperation.values())
                        .filter(o -> o.name().replace("_", "").equalsIgnoreCase(operation))
                        .findFirst()
                        .orElseThrow(
                                () -> new IllegalArgumentException("unknown operation " + operation + " in: " + line));
                bindings.add(new AclBinding(
                        resource, new AccessControlEntry("User:" + f[0], "*", op, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }

    private Map<String, String> quarkusKafka(String user) {
        Map<String, String> props = new HashMap<>();
        props.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        kafka.clientProperties(user, USERS.get(user)).forEach((k, v) -> props.put("kafka." + k, v));
        return props;
    }

    private Map<String, Object> client(Map<String, String> security) {
        Map<String, Object> props = new HashMap<>(security);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("client.id", "sasl-ssl-it");
        return props;
    }

    /** The execution of the runbook sasl, or an empty node while there is none. */
    private JsonNode saslExecution() {
        JsonNode list = get(orchestrator.url("/api/executions?runbook=sasl")).path("executions");
        return list.isArray() && !list.isEmpty()
                ? get(orchestrator.url(
                        "/api/executions/" + list.get(0).path("executionId").asText()))
                : JSON.createObjectNode();
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", OidcIssuer.shared().bearer("tester", "viewer"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (Exception e) {
            return JSON.createObjectNode().put("error", e.toString());
        }
    }

    private <T> T await(Supplier<T> read, Predicate<T> done, String what) {
        return Running.await(
                read,
                done,
                what,
                () -> "--- orchestrator-service ---\n" + orchestrator.logTail() + "\n--- detector-service ---\n"
                        + detector.logTail());
    }

    private <T extends AutoCloseable> T keep(T resource) {
        return running.keep(resource);
    }
}
