package io.baran.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
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
    /** The broker's folder when it is a local process, where its settings and data are; null for a container. */
    private final Path workDir;

    private volatile AutoCloseable running;

    KafkaBroker(String host, int port, AutoCloseable running) {
        this(host, port, running, null);
    }

    private KafkaBroker(String host, int port, AutoCloseable running, Path workDir) {
        this.host = host;
        this.port = port;
        this.running = running;
        this.workDir = workDir;
    }

    /** A broker on the {@link Infrastructure#chosen() chosen} infrastructure; its logs go to {@code workDir}. */
    public static KafkaBroker start(Path workDir) {
        return Infrastructure.chosen().kafka(workDir);
    }

    /** The broker as a local process on 127.0.0.1. */
    static KafkaBroker startProcess(Path workDir) {
        int port = Ports.free();
        int controller = Ports.free();
        List<String> config = new ArrayList<>(List.of(
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "auto.create.topics.enable=true"));
        return new KafkaBroker("127.0.0.1", port, run(workDir, port, controller, config, List.of()), workDir);
    }

    /** Kills the broker at once (SIGKILL), as a crash would; {@link #restart()} starts it again. Local process only. */
    public void crash() {
        if (!(running instanceof LocalProcess process) || workDir == null) {
            throw new UnsupportedOperationException("only a broker run as a local process can be killed");
        }
        process.crash();
    }

    /** Starts the broker again after {@link #crash()}: same port, settings and data (the log is recovered). */
    public void restart() {
        if (workDir == null) {
            throw new UnsupportedOperationException("only a broker run as a local process can be restarted");
        }
        running = launch(workDir, port);
    }

    /**
     * Formats the storage and starts a single-node KRaft broker and controller with these listener settings (and
     * whatever else is given) on top of the settings every test broker shares.
     *
     * @param formatArguments more arguments of the storage tool's {@code format}, e.g. SCRAM users
     * @return the broker's process, listening on {@code port}
     */
    static LocalProcess run(Path workDir, int port, int controller, List<String> config, List<String> formatArguments) {
        Path lib = kafkaLib();
        try {
            Files.createDirectories(workDir);
            Path props = workDir.resolve("server.properties");
            List<String> lines = new ArrayList<>(List.of(
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                    "controller.listener.names=CONTROLLER",
                    "log.dirs=" + workDir.resolve("kafka-data"),
                    "num.partitions=3",
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0"));
            lines.addAll(config);
            lines.add("");
            Files.writeString(props, String.join("\n", lines));
            String classpath = lib + "/*";
            String java = Tools.javaExecutable().toString();
            List<String> format = new ArrayList<>(List.of(
                    java,
                    "-cp",
                    classpath,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    clusterId(),
                    "-c",
                    props.toString()));
            format.addAll(formatArguments);
            LocalProcess.start("kafka-format", format, workDir, Map.of()).awaitExit(Duration.ofSeconds(60));
            return launch(workDir, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the broker of {@code workDir/server.properties}, formatted already, and waits for its port. */
    private static LocalProcess launch(Path workDir, int port) {
        LocalProcess broker = LocalProcess.start(
                "kafka",
                List.of(
                        Tools.javaExecutable().toString(),
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        kafkaLib() + "/*",
                        "kafka.Kafka",
                        workDir.resolve("server.properties").toString()),
                workDir,
                Map.of());
        broker.awaitPort(port, Duration.ofSeconds(60));
        return broker;
    }

    static Path kafkaLib() {
        String configured = System.getProperty("baran.kafka.lib");
        Path lib =
                configured != null ? Path.of(configured) : Tools.projectRoot().resolve("infra/kafka-dist/target/lib");
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
    private static String clusterId() {
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
