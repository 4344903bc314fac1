package io.baran.testinfra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * moto's server: the AWS APIs (Route 53, CloudFront, RDS, S3…), by default a local process on 127.0.0.1, or a
 * container (see {@link Infrastructure}).
 */
public final class MotoServer implements AutoCloseable {

    private final String host;
    private final int port;
    private final AutoCloseable running;

    MotoServer(String host, int port, AutoCloseable running) {
        this.host = host;
        this.port = port;
        this.running = running;
    }

    /** moto on the {@link Infrastructure#chosen() chosen} infrastructure; its log goes to {@code workDir}. */
    public static MotoServer start(Path workDir) {
        return Infrastructure.chosen().moto(workDir);
    }

    /** moto as a local process on 127.0.0.1. */
    static MotoServer startProcess(Path workDir) {
        Path moto = Tools.find("moto_server", "BARAN_MOTO_BIN", "pip install \"moto[server]\"");
        int port = Ports.free();
        LocalProcess process = LocalProcess.start(
                "moto", List.of(moto.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port)), workDir, Map.of());
        process.awaitPort(port, Duration.ofSeconds(60));
        return new MotoServer("127.0.0.1", port, process);
    }

    public String endpoint() {
        return "http://" + host + ":" + port;
    }

    @Override
    public void close() {
        Stopping.stop("moto", running);
    }
}
