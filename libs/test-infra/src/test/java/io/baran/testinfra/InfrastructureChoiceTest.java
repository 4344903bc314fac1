package io.baran.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which infrastructure the tests get, and the default path still being the local processes it always was. */
class InfrastructureChoiceTest {

    @Test
    void localIsTheDefaultAndMeansLocalProcesses() {
        assumeTrue(
                System.getProperty(InfrastructureChoice.PROPERTY) == null
                        && System.getenv(InfrastructureChoice.VARIABLE) == null,
                "the build sets " + InfrastructureChoice.PROPERTY);
        assertEquals("local", InfrastructureChoice.setting());
        assertInstanceOf(ProcessInfrastructure.class, InfrastructureChoice.decide("local"));
    }

    @Test
    void theKafkaContainersBootstrapAddressIsReadWithOrWithoutAProtocol() {
        // Testcontainers' KafkaContainer answers host:port; other Kafka containers PLAINTEXT://host:port.
        assertEquals("127.0.0.1:32768", ContainerInfrastructure.hostAndPort("127.0.0.1:32768"));
        assertEquals("localhost:9092", ContainerInfrastructure.hostAndPort("PLAINTEXT://localhost:9092"));
        assertThrows(IllegalStateException.class, () -> ContainerInfrastructure.hostAndPort("PLAINTEXT://"));
    }

    @Test
    void autoTakesContainersExactlyWhenDockerAnswers() {
        Infrastructure auto = InfrastructureChoice.decide("auto");
        if (InfrastructureChoice.dockerUnavailableReason() == null) {
            assertInstanceOf(ContainerInfrastructure.class, auto);
        } else {
            assertInstanceOf(ProcessInfrastructure.class, auto);
        }
    }

    @Test
    void askingForContainersWithoutDockerFailsSayingWhatToDo() {
        String why = InfrastructureChoice.dockerUnavailableReason();
        assumeTrue(why != null, "a Docker engine answers here");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> InfrastructureChoice.decide("testcontainers"));
        assertTrue(e.getMessage().contains("baran.test.infra=testcontainers but " + why), e.getMessage());
        assertTrue(e.getMessage().contains("-Dbaran.test.infra=local"), e.getMessage());
    }

    @Test
    void anUnknownChoiceIsRefusedNamingTheValidOnes() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> InfrastructureChoice.decide("docker"));
        assertEquals("baran.test.infra is \"docker\"; use local, testcontainers or auto", e.getMessage());
    }

    @Test
    void theLocalProcessPathServesMotoOnTheLoopback() throws Exception {
        try (MotoServer moto = new ProcessInfrastructure().moto(WorkDirs.create("moto-choice"))) {
            assertTrue(moto.endpoint().startsWith("http://127.0.0.1:"), moto.endpoint());
            assertEquals(200, status(moto.endpoint() + "/moto-api/"));
        }
    }

    @Test
    void theContainerPathServesMotoWhereDockerRuns() throws Exception {
        assumeTrue(
                InfrastructureChoice.dockerUnavailableReason() == null,
                "no Docker engine here: the Testcontainers path is compiled but not run");
        try (MotoServer moto = new ContainerInfrastructure().moto(WorkDirs.create("moto-container"))) {
            assertEquals(200, status(moto.endpoint() + "/moto-api/"));
        }
    }

    private static int status(String url) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return client.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
