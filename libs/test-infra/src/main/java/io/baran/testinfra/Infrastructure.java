package io.baran.testinfra;

import java.nio.file.Path;

/**
 * Where the real components of the integration tests run. Two implementations behind one API, so that no test
 * is written twice: {@link ProcessInfrastructure} starts them as local processes on 127.0.0.1 (needs the
 * {@code temporal} CLI, {@code moto_server} and the Kafka jars of infra/kafka-dist), {@link ContainerInfrastructure}
 * as Testcontainers containers (needs a Docker engine). Tests keep calling {@link KafkaBroker#start},
 * {@link TemporalDevServer#start} and {@link MotoServer#start}, which ask {@link #chosen()}.
 *
 * <p>The choice: system property {@code baran.test.infra} or environment variable {@code BARAN_TEST_INFRA},
 * {@code local} (the default), {@code testcontainers}, or {@code auto} (containers when a Docker engine answers,
 * local processes otherwise). See {@link InfrastructureChoice}.
 */
public interface Infrastructure {

    /** A single-node Kafka broker in KRaft mode. */
    KafkaBroker kafka(Path workDir);

    /** The Temporal dev server, in memory, with Baran's search attributes, with or without its Web UI. */
    TemporalDevServer temporal(Path workDir, boolean withUi);

    /** moto's server: the AWS APIs. */
    MotoServer moto(Path workDir);

    /** What this is, for logs and errors: "local processes" or "Testcontainers". */
    String describe();

    /** The infrastructure chosen for this JVM (decided once, on first use). */
    static Infrastructure chosen() {
        return InfrastructureChoice.chosen();
    }
}
