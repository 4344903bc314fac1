package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The components as Testcontainers containers, from the same pinned images as docker-compose.yml: Kafka from
 * the official Apache image in KRaft mode, the Temporal dev server from Temporal's admin-tools image (which
 * carries the {@code temporal} CLI), moto from its image. Each container's output goes to {@code workDir/<name>.log}
 * as a local process's would. Needs a Docker engine; chosen only when one answers (see {@link InfrastructureChoice}).
 * Not run on CI, which has no Docker engine.
 */
public final class ContainerInfrastructure implements Infrastructure {

    static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.3.1");
    static final DockerImageName TEMPORAL = DockerImageName.parse("temporalio/admin-tools:1.32.0");
    static final DockerImageName MOTO = DockerImageName.parse("motoserver/moto:5.2.2");

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final int TEMPORAL_PORT = 7233;
    private static final int TEMPORAL_UI_PORT = 8233;
    private static final int MOTO_PORT = 5000;

    /** Whether Testcontainers reaches a Docker engine. */
    static boolean dockerAnswers() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    public KafkaBroker kafka(Path workDir) {
        KafkaContainer kafka = new KafkaContainer(KAFKA)
                .withEnv("KAFKA_NUM_PARTITIONS", "3")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
                .withLogConsumer(logTo(workDir, "kafka"))
                .withStartupTimeout(STARTUP);
        start(kafka, "Kafka");
        String address = hostAndPort(kafka.getBootstrapServers());
        int colon = address.lastIndexOf(':');
        return new KafkaBroker(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), kafka);
    }

    /** host:port of a bootstrap address given as host:port or PROTOCOL://host:port. */
    static String hostAndPort(String bootstrap) {
        int scheme = bootstrap.indexOf("//");
        String address = scheme < 0 ? bootstrap : bootstrap.substring(scheme + 2);
        if (address.lastIndexOf(':') <= 0) {
            throw new IllegalStateException("the Kafka container's bootstrap address has no host:port: " + bootstrap);
        }
        return address;
    }

    @Override
    public TemporalDevServer temporal(Path workDir, boolean withUi) {
        List<String> command = new ArrayList<>(List.of(
                "server",
                "start-dev",
                "--ip",
                "0.0.0.0",
                "--port",
                String.valueOf(TEMPORAL_PORT),
                "--log-level",
                "warn"));
        TemporalDevServer.SEARCH_ATTRIBUTES.forEach(a -> command.addAll(List.of("--search-attribute", a)));
        if (withUi) {
            command.addAll(List.of("--ui-port", String.valueOf(TEMPORAL_UI_PORT)));
        } else {
            command.add("--headless");
        }
        Integer[] ports = withUi ? new Integer[] {TEMPORAL_PORT, TEMPORAL_UI_PORT} : new Integer[] {TEMPORAL_PORT};
        GenericContainer<?> temporal = new GenericContainer<>(TEMPORAL)
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("temporal"))
                .withCommand(command.toArray(String[]::new))
                .withExposedPorts(ports)
                .withLogConsumer(logTo(workDir, "temporal"))
                .waitingFor(Wait.forListeningPort().withStartupTimeout(STARTUP));
        start(temporal, "Temporal");
        return new TemporalDevServer(
                temporal.getHost(),
                temporal.getMappedPort(TEMPORAL_PORT),
                withUi ? temporal.getMappedPort(TEMPORAL_UI_PORT) : -1,
                temporal);
    }

    @Override
    public MotoServer moto(Path workDir) {
        // moto with Route 53's change batches checked as Route 53 does, as the local processes run it.
        GenericContainer<?> moto = new GenericContainer<>(MOTO)
                .withCopyFileToContainer(
                        MountableFile.forHostPath(Tools.projectRoot().resolve("infra/moto/moto_as_aws.py")),
                        "/baran/moto_as_aws.py")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("python3", "/baran/moto_as_aws.py"))
                .withCommand("-H", "0.0.0.0")
                .withExposedPorts(MOTO_PORT)
                .withLogConsumer(logTo(workDir, "moto"))
                .waitingFor(Wait.forHttp("/moto-api/")
                        .forPort(MOTO_PORT)
                        .forStatusCode(200)
                        .withStartupTimeout(STARTUP));
        start(moto, "moto");
        return new MotoServer(moto.getHost(), moto.getMappedPort(MOTO_PORT), moto);
    }

    @Override
    public String describe() {
        return "Testcontainers";
    }

    private static void start(GenericContainer<?> container, String what) {
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new IllegalStateException(
                    "the " + what + " container (" + container.getDockerImageName() + ") did not start: "
                            + e.getMessage() + "\n" + container.getLogs(),
                    e);
        }
    }

    /** Appends a container's output to workDir/name.log. */
    private static Consumer<OutputFrame> logTo(Path workDir, String name) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = workDir.resolve(name + ".log");
        return frame -> {
            try {
                Files.writeString(
                        log,
                        frame.getUtf8String(),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                // a log line lost does not fail a test
            }
        };
    }
}
