package io.baran.worker.replication;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baran.events.ReplicationStatus;
import io.baran.events.Topics;
import io.baran.security.Roles;
import io.baran.testinfra.AuditLogResource;
import io.baran.testinfra.KafkaResource;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.worker.action.ActionRegistry;
import io.baran.worker.action.StorageCheckReplica;
import io.baran.worker.action.StorageFailover;
import io.baran.worker.provider.store.FileBlobStore;
import io.baran.worker.provider.store.S3BlobStore;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged worker replicating a pair configured in its properties, against a real Kafka broker and moto:
 * the REST API (as a failover operator, who may sync, fail over and fail back), the status events on Kafka,
 * {@code storage.check-replica}, {@code storage.failover} and the metrics (on the management interface).
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(ReplicationPairsResource.class)
@WithTestResource(OidcIssuerResource.class)
@WithTestResource(AuditLogResource.class)
@Timeout(180)
class ReplicationAppIT {

    // Defaults, because Quarkus checks every test class's injection points whichever test class it boots for.
    @ConfigProperty(name = "test.replication.bucket", defaultValue = "unset")
    String bucket;

    @ConfigProperty(name = "baran.providers.onprem.root", defaultValue = "unset")
    String onpremRoot;

    @ConfigProperty(name = "test.replication.drop-bucket", defaultValue = "unset")
    String dropBucket;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Inject
    ActionRegistry registry;

    @Inject
    ReplicationService replication;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @BeforeEach
    void callAsAFailoverOperator() {
        // JSON: a POST without a body is sent as a form by RestAssured otherwise, which the API refuses (415).
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .setContentType(ContentType.JSON)
                .addHeader("Authorization", OidcIssuer.shared().bearer("tester", Roles.FAILOVER_OPERATOR))
                .build();
    }

    @AfterEach
    void forgetTheToken() {
        RestAssured.requestSpecification = null;
    }

    private S3BlobStore source() {
        return new S3BlobStore("aws-test", bucket, Emulators.s3Client());
    }

    private FileBlobStore replica() {
        return new FileBlobStore("onprem", Path.of(onpremRoot), "assets-copy");
    }

    private StepCommand check(String replica, String maxLag) {
        return new StepCommand(
                "exec-1",
                "assets-fresh",
                StorageCheckReplica.NAME,
                Map.of("source", "aws-test:s3://" + bucket, "replica", replica, "maxLag", maxLag));
    }

    @Test
    void aFileWrittenInAWatchedSourceReachesTheReplicaOnItsNotificationLongBeforeThePass() throws Exception {
        java.nio.file.Files.writeString(Path.of(onpremRoot, "drop", "invoice-7.pdf"), "invoice 7");
        S3BlobStore replica = new S3BlobStore("aws-test", dropBucket, Emulators.s3Client());

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"invoice 7".equals(TestData.text(replica, "invoice-7.pdf")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }

        assertEquals("invoice 7", TestData.text(replica, "invoice-7.pdf"));
        given().get("/api/replication/pairs/watched")
                .then()
                .statusCode(200)
                .body("intervalSeconds", is(3600f))
                .body("replicas[0].copiedObjects", is(0)); // the only pass ran at start-up, before the file existed
    }

    @Test
    void aPassOnDemandCopiesAndThePairIsListedWithItsLag() {
        TestData.put(source(), "css/site.css", "body{}");

        given().post("/api/replication/pairs/assets/sync?wait=60s")
                .then()
                .statusCode(200)
                .body("passes[0].listed", is(true));

        assertEquals("body{}", TestData.text(replica(), "css/site.css"));
        given().get("/api/replication/pairs")
                .then()
                .statusCode(200)
                .body("[0].name", is("assets"))
                .body("[0].source", is("aws-test:s3://" + bucket))
                .body("[0].replicas[0].replica", is("onprem:file://assets-copy"))
                .body("[0].replicas[0].state", is("in-sync"))
                .body("[0].lagSeconds", lessThan(30f));
        given().post("/api/replication/pairs/nope/sync")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", is("no replication pair nope (configured: assets, watched)"));
    }

    @Test
    void storageCheckReplicaPassesWithinMaxLagReportingTheRpoAndRefusesAStalerReplica() {
        TestData.put(source(), "js/app.js", "console.log(1)");
        given().post("/api/replication/pairs/assets/sync?wait=60s").then().statusCode(200);
        var action = registry.find(check("onprem:file://assets-copy", "5m"));

        StepPlan plan = action.plan(check("onprem:file://assets-copy", "5m"));
        StepOutcome ok = action.apply(check("onprem:file://assets-copy", "5m"), plan);

        assertTrue(ok.summary().startsWith("RPO "), ok.summary());
        assertTrue(ok.summary().contains("(maxLag 5m): onprem:file://assets-copy (pair assets, in-sync"), ok.summary());
        assertEquals(false, ok.changed());

        ApplicationFailure stale = assertThrows(
                ApplicationFailure.class, () -> action.apply(check("onprem:file://assets-copy", "1ms"), plan));
        assertEquals("HealthCheckFailed", stale.getType());
        assertTrue(stale.getOriginalMessage().contains("exceeds maxLag 1ms"), stale.getOriginalMessage());

        ApplicationFailure unknown =
                assertThrows(ApplicationFailure.class, () -> action.plan(check("onprem:file://elsewhere", "5m")));
        assertEquals("CapabilityMissing", unknown.getType());
        assertTrue(
                unknown.getOriginalMessage().contains("pairs: assets: aws-test:s3://" + bucket),
                unknown.getOriginalMessage());
    }

    private StepCommand failover(String step) {
        return new StepCommand(
                "exec-1",
                step,
                StorageFailover.NAME,
                Map.of("source", "aws-test:s3://" + bucket, "replica", "onprem:file://assets-copy"));
    }

    private void assertFailedOver(boolean expected) {
        given().get("/api/replication/pairs/assets")
                .then()
                .statusCode(200)
                .body("replicas[0].state", expected ? is("failed-over") : not("failed-over"));
    }

    /**
     * A runbook's {@code storage.failover} step: its plan says what it will do, its apply fails the replica over (so a
     * pass no longer overwrites what is written there), and applying it again changes nothing more; its undo fails back,
     * copying the replica's changes to the source and naming a conflict, and undoing again does nothing.
     */
    @Test
    void storageFailoverStepFailsTheReplicaOverAndItsUndoFailsBackNamingConflicts() throws Exception {
        try {
            String conflicted = "shared/" + UUID.randomUUID() + ".txt";
            TestData.put(source(), conflicted, "original");
            given().post("/api/replication/pairs/assets/sync?wait=60s").then().statusCode(200);
            var action = registry.find(failover("storage-to-standby"));

            StepPlan plan = action.plan(failover("storage-to-standby"));

            assertTrue(plan.changes(), plan.toString());
            assertEquals(false, plan.observed().get("failedOver"));
            assertTrue(
                    plan.summary()
                            .startsWith("fail over onprem:file://assets-copy (pair assets): forward copying from "
                                    + "aws-test:s3://" + bucket + " stops"),
                    plan.summary());
            assertFailedOver(false);

            StepOutcome applied = action.apply(failover("storage-to-standby"), plan);

            assertTrue(applied.changed());
            assertTrue(
                    applied.summary()
                            .matches("RPO [0-9.]+s: onprem:file://assets-copy serves as primary \\(pair assets\\).*"),
                    applied.summary());
            assertFailedOver(true);
            TestData.put(replica(), "data/written-by-the-standby.txt", "kept");
            TestData.put(replica(), conflicted, "the standby's version");
            TestData.put(source(), conflicted, "the source's version");
            TestData.put(source(), "css/late.css", "late");
            given().post("/api/replication/pairs/assets/sync?wait=60s").then().statusCode(200);
            assertNull(TestData.text(replica(), "css/late.css"), "no forward copy to a failed-over replica");
            assertEquals("the standby's version", TestData.text(replica(), conflicted));

            StepOutcome again = action.apply(failover("storage-to-standby"), plan);

            assertTrue(again.changed(), "a retried apply reports the failover it made");
            assertFailedOver(true);

            StepOutcome undone = action.undo(failover("storage-to-standby"), plan);

            assertTrue(undone.changed());
            assertTrue(undone.summary().contains("objects copied back to aws-test:s3://" + bucket), undone.summary());
            assertTrue(
                    undone.summary()
                            .contains("1 keys changed at both sides left as they are (conflicts, e.g. " + conflicted
                                    + "): settle each with POST /api/replication/pairs/assets/conflicts/resolve"),
                    undone.summary());
            assertEquals("kept", TestData.text(source(), "data/written-by-the-standby.txt"));
            assertEquals(
                    "the source's version", TestData.text(source(), conflicted), "a conflict is never overwritten");
            assertFailedOver(false);

            StepOutcome undoneAgain = action.undo(failover("storage-to-standby"), plan);

            assertFalse(undoneAgain.changed());
            assertTrue(undoneAgain.summary().contains("nothing to undo"), undoneAgain.summary());
            assertTrue(
                    undoneAgain.summary().contains("1 conflicts left (e.g. " + conflicted + ")"),
                    undoneAgain.summary());
            given().post("/api/replication/pairs/assets/conflicts/resolve?key=" + conflicted + "&keep=source")
                    .then()
                    .statusCode(200);
        } finally {
            // Whatever failed above, the pair is left as the other tests expect it: not failed over.
            if (replication.failedOver(replication.replica("assets", null))) {
                given().post("/api/replication/pairs/assets/failback").then().statusCode(200);
            }
        }
    }

    /** A replica someone failed over by hand before the step: the step changes nothing, and its undo leaves it so. */
    @Test
    void storageFailoverOfAReplicaAlreadyFailedOverLeavesItToWhoeverFailedItOver() {
        given().post("/api/replication/pairs/assets/failover").then().statusCode(200);
        try {
            var action = registry.find(failover("storage-again"));

            StepPlan plan = action.plan(failover("storage-again"));
            StepOutcome applied = action.apply(failover("storage-again"), plan);
            StepOutcome undone = action.undo(failover("storage-again"), plan);

            assertFalse(plan.changes(), plan.toString());
            assertFalse(applied.changed(), applied.summary());
            assertFalse(undone.changed(), undone.summary());
            assertTrue(undone.summary().contains("left as it is"), undone.summary());
            assertFailedOver(true);
        } finally {
            given().post("/api/replication/pairs/assets/failback").then().statusCode(200);
        }
        ApplicationFailure unknown = assertThrows(
                ApplicationFailure.class,
                () -> registry.find(failover("nowhere"))
                        .plan(new StepCommand(
                                "exec-1",
                                "nowhere",
                                StorageFailover.NAME,
                                Map.of("source", "aws-test:s3://" + bucket, "replica", "onprem:file://elsewhere"))));
        assertEquals("CapabilityMissing", unknown.getType());
    }

    @Test
    void eachPassPublishesTheReplicasStatusOnKafkaKeyedByPair() throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.REPLICATION_STATUS));
            JsonNode found = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (found == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = json.readTree(r.value());
                    if ("assets".equals(r.key()) && event.path("data").hasNonNull("lagSeconds")) {
                        found = event;
                    }
                }
            }
            assertTrue(found != null, "a status with a measured lag within 60 s");
            assertEquals(ReplicationStatus.TYPE, found.get("type").asText());
            assertEquals("1.0", found.get("specversion").asText());
            assertEquals(
                    "onprem:file://assets-copy",
                    found.get("data").get("replica").asText());
            assertEquals("mirror", found.get("data").get("mode").asText());
        }
    }

    @Test
    void lagAndBacklogAreMetrics() {
        given().post("/api/replication/pairs/assets/sync?wait=60s").then().statusCode(200);
        String metrics =
                given().get(this.metrics).then().statusCode(200).extract().asString();
        assertTrue(
                metrics.contains(
                        "baran_replication_lag_seconds{pair=\"assets\",replica=\"onprem:file://assets-copy\"}"),
                metrics.lines().filter(l -> l.contains("replication")).toList().toString());
        assertTrue(metrics.contains("baran_replication_backlog_objects{"));
        assertTrue(metrics.contains("baran_replication_copied_bytes_total{"));
    }

    @Test
    void aFailoverWhileACopyIsBeingWrittenToTheReplicaAnswers409AndChangesNothing() throws Exception {
        Replicator assets = replication.replica("assets", null);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // A copy being made visible at the replica, held there as a slow store would hold it.
        Thread copy = new Thread(() -> assets.fenced().visible("css/held.css", () -> {
            writing.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        copy.start();
        try {
            assertTrue(writing.await(30, TimeUnit.SECONDS), "the write is under way");

            given().post("/api/replication/pairs/assets/failover")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("title", is("Copies still running"))
                    .body("detail", containsString("copies still running: 1 still being written to the replica"))
                    .body("detail", containsString("not failed over"));

            given().get("/api/replication/pairs/assets")
                    .then()
                    .statusCode(200)
                    .body("replicas[0].state", not("failed-over"));
        } finally {
            release.countDown();
            copy.join(60_000);
        }
        given().post("/api/replication/pairs/assets/failover")
                .then()
                .statusCode(200)
                .body("state", is("failed-over"));
        given().post("/api/replication/pairs/assets/failback").then().statusCode(200);
        given().get("/api/replication/pairs/assets")
                .then()
                .statusCode(200)
                .body("replicas[0].state", not("failed-over"));
    }

    @Test
    void keepingTheSourcesVersionOfAConflictAnswers409WhileTheReplicaServesAsPrimary() {
        String key = "conflicted/" + java.util.UUID.randomUUID() + ".txt";
        TestData.put(source(), key, "original");
        given().post("/api/replication/pairs/assets/sync?wait=60s").then().statusCode(200);
        given().post("/api/replication/pairs/assets/failover").then().statusCode(200);
        TestData.put(replica(), key, "replica's version");
        TestData.put(source(), key, "source's version");
        given().post("/api/replication/pairs/assets/failback")
                .then()
                .statusCode(200)
                .body("report.conflicts." + "'" + key + "'", notNullValue());
        // A new outage before anyone settled it: the replica serves as primary again, and takes a write.
        given().post("/api/replication/pairs/assets/failover").then().statusCode(200);
        TestData.put(replica(), key, "written after the second failover");

        given().post("/api/replication/pairs/assets/conflicts/resolve?key=" + key + "&keep=source")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", is("Failed over"))
                .body("detail", containsString("serves as primary"));

        assertEquals("written after the second failover", TestData.text(replica(), key));
        given().post("/api/replication/pairs/assets/conflicts/resolve?key=" + key + "&keep=replica")
                .then()
                .statusCode(200);
        assertEquals("written after the second failover", TestData.text(source(), key));
        given().post("/api/replication/pairs/assets/failback").then().statusCode(200);
    }

    /** A failback of a replica that does not serve as primary does nothing, and says so. */
    @Test
    void aFailbackOfAReplicaNotFailedOverDoesNothing() {
        assertFailedOver(false);

        given().post("/api/replication/pairs/assets/failback")
                .then()
                .statusCode(200)
                .body("clean", is(true))
                .body("note", is("the replica does not serve as primary: nothing to fail back"))
                .body("report.copiedBack", is(List.of()));
        assertFailedOver(false);
    }

    @Test
    void failoverPausesCopyingAndFailbackCopiesTheReplicasChangesBack() {
        TestData.put(source(), "data/shared.txt", "v1");
        given().post("/api/replication/pairs/assets/sync?wait=60s").then().statusCode(200);

        given().post("/api/replication/pairs/assets/failover")
                .then()
                .statusCode(200)
                .body("state", is("failed-over"));
        TestData.put(replica(), "data/written-during-outage.txt", "kept");
        given().post("/api/replication/pairs/assets/sync?wait=60s")
                .then()
                .statusCode(200)
                .body("passes[0].skipped", notNullValue());
        given().post("/api/replication/pairs/assets/failback")
                .then()
                .statusCode(200)
                .body("clean", is(true))
                .body("report.copiedBack", is(List.of("data/written-during-outage.txt")));

        assertEquals("kept", TestData.text(source(), "data/written-during-outage.txt"));
        given().get("/api/replication/pairs/assets")
                .then()
                .statusCode(200)
                .body("replicas[0].state", not("failed-over"));
    }
}
