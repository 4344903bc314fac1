package io.baran.testinfra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** moto's server: the AWS APIs (Route 53, CloudFront, RDS, S3…) served on 127.0.0.1. */
public final class MotoServer implements AutoCloseable {

    private final int port;
    private final LocalProcess process;

    private MotoServer(int port, LocalProcess process) {
        this.port = port;
        this.process = process;
    }

    public static MotoServer start(Path workDir) {
        Path moto = Tools.find("moto_server", "BARAN_MOTO_BIN", "pip install \"moto[server]\"");
        int port = Ports.free();
        LocalProcess process = LocalProcess.start("moto", List.of(moto.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port)),
                workDir, Map.of());
        process.awaitPort(port, Duration.ofSeconds(60));
        return new MotoServer(port, process);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.close();
    }
}
