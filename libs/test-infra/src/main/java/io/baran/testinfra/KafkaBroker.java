package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A real single-node Kafka broker in KRaft mode: by default its own process from the jars that the
 * {@code infra/kafka-dist} module copies out of Maven Central, or a container (see {@link Infrastructure}).
 */
public final class KafkaBroker implements AutoCloseable {

    private final String host;
    private final int port;
    private final AutoCloseable running;

    KafkaBroker(String host, int port, AutoCloseable running) {
        this.host = host;
        this.port = port;
        this.running = running;
    }

    /** A broker on the {@link Infrastructure#chosen() chosen} infrastructure; its logs go to {@code workDir}. */
    public static KafkaBroker start(Path workDir) {
        return Infrastructure.chosen().kafka(workDir);
    }

    /** The broker as a local process on 127.0.0.1. */
    static KafkaBroker startProcess(Path workDir) {
        Path lib = kafkaLib();
        int port = Ports.free();
        int controller = Ports.free();
        try {
            Files.createDirectories(workDir);
            Path data = workDir.resolve("kafka-data");
            Path props = workDir.resolve("server.properties");
            Files.writeString(props, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    "log.dirs=" + data,
                    "num.partitions=3",
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=true",
                    ""));
            String classpath = lib + "/*";
            String java = Tools.javaExecutable().toString();
            LocalProcess format = LocalProcess.start("kafka-format",
                    List.of(java, "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", props.toString()),
                    workDir, Map.of());
            format.awaitExit(Duration.ofSeconds(60));
            LocalProcess broker = LocalProcess.start("kafka",
                    List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath, "kafka.Kafka", props.toString()),
                    workDir, Map.of());
            broker.awaitPort(port, Duration.ofSeconds(60));
            return new KafkaBroker("127.0.0.1", port, broker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path kafkaLib() {
        String configured = System.getProperty("baran.kafka.lib");
        Path lib = configured != null ? Path.of(configured) : Tools.projectRoot().resolve("infra/kafka-dist/target/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("the Kafka broker jars are missing at " + lib
                    + ": build them with ./mvnw -pl infra/kafka-dist generate-resources");
        }
        return lib;
    }

    /**
     * A random cluster id as Kafka writes them: 16 bytes in URL-safe base64. Never one starting with '-', which the
     * storage tool would read as an option (Kafka's own generator avoids those for the same reason).
     */
    static String clusterId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return id.startsWith("-") ? "A" + id.substring(1) : id;
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        Stopping.stop("Kafka", running);
    }
}
