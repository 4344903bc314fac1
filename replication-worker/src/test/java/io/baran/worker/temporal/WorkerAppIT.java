package io.baran.worker.temporal;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.security.Roles;
import io.baran.testinfra.OidcIssuer;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.TemporalResource;
import io.baran.worker.action.ActionRegistry;
import io.baran.worker.config.TemporalConfig;
import io.baran.workflow.StepCommand;
import io.baran.workflow.TemporalClients;
import io.baran.workflow.temporal.AesGcmPayloadCodec;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged worker as it runs: configuration from properties, the worker started on StartupEvent, the
 * actions served on the actions task queue to a workflow running elsewhere, against real Temporal and moto. The API
 * is read as a viewer; readiness is on the management interface.
 */
@QuarkusTest
@WithTestResource(OidcIssuerResource.class)
@WithTestResource(TemporalResource.class)
@WithTestResource(MotoResource.class)
@WithTestResource(SelfManagedProviders.class)
@WithTestResource(GcpProviders.class)
@Timeout(180)
class WorkerAppIT {

    @Inject
    TemporalConfig temporalConfig;

    @ConfigProperty(name = "baran.temporal.target")
    String temporalTarget;
    // A default, because Quarkus checks every test class's injection points whichever test class it boots for.
    @ConfigProperty(name = "baran.providers.aws-test.endpoint", defaultValue = "unset")
    String motoEndpoint;

    @Inject
    ActionRegistry registry;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @BeforeEach
    void callAsAViewer() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", OidcIssuer.shared().bearer("tester", Roles.VIEWER))
                .build();
    }

    @AfterEach
    void forgetTheToken() {
        RestAssured.requestSpecification = null;
    }

    @Test
    void readyOnceTheWorkerPollsTemporal() {
        Readiness.await(ready, Duration.ofSeconds(60));

        given().get(ready)
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'temporal' }.status", is("UP"))
                .body("checks.find { it.name == 'temporal' }.data.taskQueue", is("baran-actions"));
    }

    @Test
    void theConfiguredProvidersAndWhatTheyCanDoAreListed() {
        given().get("/api/providers")
                .then()
                .statusCode(200)
                .body("find { it.name == 'aws-test' }.type", is("aws"))
                .body("find { it.name == 'aws-test' }.capabilities.DNS_RECORDS.level", is("CAN"))
                .body("find { it.name == 'aws-test' }.capabilities.DATABASE_FENCE.level", is("CANNOT"))
                .body(
                        "find { it.name == 'aws-test' }.capabilities.DATABASE_FENCE.reason",
                        org.hamcrest.Matchers.startsWith("RDS has no API"))
                .body("find { it.name == 'aws-test' }.capabilities.CDN_CACHE_POLICY.level", is("CAN"))
                .body("find { it.name == 'aws-test' }.capabilities.DATABASE_SWITCHOVER.level", is("CAN"))
                .body("find { it.name == 'onprem-dns' }.type", is("rfc2136"))
                .body("find { it.name == 'onprem-dns' }.capabilities.DNS_RECORDS.level", is("CAN"))
                .body("find { it.name == 'onprem-db' }.capabilities.DATABASE_FENCE.level", is("CAN"))
                .body("find { it.name == 'onprem-db' }.capabilities.DATABASE_DEMOTE.level", is("CANNOT"))
                .body("find { it.name == 'nas' }.capabilities.OBJECT_STORE.level", is("CAN"))
                .body("find { it.name == 'gcp-dr' }.type", is("gcp"))
                .body("find { it.name == 'gcp-dr' }.capabilities.CDN_SERVE_STALE.level", is("CAN"))
                .body("find { it.name == 'gcp-dr' }.capabilities.OBJECT_STORE.level", is("CAN"))
                .body("find { it.name == 'gcp-dr' }.capabilities.DATABASE_FENCE.level", is("CANNOT"));
        String listing = given().get("/api/providers").asString();
        assertTrue(
                !listing.contains("BARAN_TSIG_APP_TEST") && !listing.contains("bm90LWEtcmVhbC1zZWNyZXQ"),
                "settings, and so where secrets are kept, are never shown: " + listing);
    }

    @Test
    void theWorkerServesItsActionsToAWorkflowRunningElsewhere() {
        assertTrue(
                registry.names()
                        .containsAll(List.of(
                                "cdn.extend-ttl",
                                "database.promote-replica",
                                "database.switchover",
                                "dns.switch",
                                "dns.set-weights",
                                "health.check",
                                "notify",
                                "storage.check-replica",
                                "storage.failover")),
                String.valueOf(registry.names()));
        Readiness.await(ready, Duration.ofSeconds(60));
        WorkflowServiceStubs stubs = TemporalClients.stubs(temporalTarget);
        try (MotoZone zone = new MotoZone(motoEndpoint);
                StepDriver driver = new StepDriver(
                        TemporalClients.client(stubs, "default", AesGcmPayloadCodec.from(temporalConfig.codec())))) {
            zone.set("www.baran.test.", "CNAME", "primary.baran.test.", 300);
            StepCommand command = new StepCommand(
                    "exec-1",
                    "move-traffic",
                    "dns.switch",
                    Map.of(
                            "provider",
                            "aws-test",
                            "zone",
                            "baran.test",
                            "record",
                            "www",
                            "type",
                            "CNAME",
                            "to",
                            "standby.baran.test",
                            "ttl",
                            60));

            StepTrace switched = driver.run(command, 1, false);
            assertTrue(switched.applies().get(0).changed());
            assertEquals(Optional.of("[standby.baran.test.] 60"), zone.get("www.baran.test.", "CNAME"));
            // what the worker answered is stored encrypted: the history holds no record name
            var results = driver.lastHistory().stream()
                    .filter(e -> e.hasActivityTaskCompletedEventAttributes())
                    .map(e -> e.getActivityTaskCompletedEventAttributes()
                            .getResult()
                            .getPayloads(0))
                    .toList();
            assertTrue(
                    !results.isEmpty()
                            && results.stream()
                                    .allMatch(p -> p.getMetadataOrThrow("encoding")
                                                    .toStringUtf8()
                                                    .equals(AesGcmPayloadCodec.ENCODING)
                                            && !p.getData()
                                                    .toString(java.nio.charset.StandardCharsets.ISO_8859_1)
                                                    .contains("baran.test")),
                    "activity results encrypted: " + results);

            StepTrace again = driver.run(command, 0, false);
            assertTrue(
                    again.plan().summary().contains("already as wanted"),
                    again.plan().summary());

            Map<String, Object> elsewhere = new java.util.HashMap<>(command.with());
            elsewhere.put("provider", "aws-elsewhere");
            WorkflowFailedException failed = assertThrows(
                    WorkflowFailedException.class,
                    () -> driver.run(new StepCommand("exec-1", "move-traffic", "dns.switch", elsewhere), 0, false));
            ApplicationFailure failure =
                    assertInstanceOf(ApplicationFailure.class, failed.getCause().getCause());
            assertEquals(
                    "provider aws-elsewhere is not configured in the replication-worker (configured: aws-test, gcp-dr, "
                            + "nas, onprem-db, onprem-dns)",
                    failure.getOriginalMessage());
        } finally {
            stubs.shutdown();
        }
    }
}
