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

    /**
     * moto as a local process on 127.0.0.1, started through {@code infra/moto/moto_as_aws.py}: moto with Route 53's change
     * batches checked and applied as Route 53 does (see the script), by the Python that runs {@code moto_server}.
     */
    static MotoServer startProcess(Path workDir) {
        // moto installed (its server's entry point on PATH, as pip puts it), or a clear word on how to install it.
        Tools.find("moto_server", "BARAN_MOTO_BIN", "pip install \"moto[server]\"");
        Path python =
                Tools.find("python3", "BARAN_PYTHON_BIN", "install Python 3 with moto: pip install \"moto[server]\"");
        Path script = Tools.projectRoot().resolve("infra/moto/moto_as_aws.py");
        int port = Ports.free();
        LocalProcess process = LocalProcess.start(
                "moto",
                List.of(python.toString(), script.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port)),
                workDir,
                Map.of());
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
