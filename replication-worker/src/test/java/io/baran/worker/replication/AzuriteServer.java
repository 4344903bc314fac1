package io.baran.worker.replication;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Azurite's Blob Storage service ({@code npm install -g azurite}) on a free 127.0.0.1 port, keeping its data in
 * a directory so that a restart on the same port finds the blobs again.
 */
public final class AzuriteServer implements AutoCloseable {

    /** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final int port;
    private final LocalProcess process;

    private AzuriteServer(int port, LocalProcess process) {
        this.port = port;
        this.process = process;
    }

    public static AzuriteServer start(Path workDir, int port, Path data) {
        Path azurite = Tools.find("azurite-blob", "BARAN_AZURITE_BIN", "npm install -g azurite");
        LocalProcess process = LocalProcess.start("azurite", List.of(azurite.toString(), "--blobHost", "127.0.0.1",
                "--blobPort", String.valueOf(port), "--location", data.toString(), "--skipApiVersionCheck", "--loose", "--silent",
                "--disableTelemetry"), workDir, Map.of());
        process.awaitPort(port, Duration.ofSeconds(90));
        return new AzuriteServer(port, process);
    }

    public static AzuriteServer start(Path workDir) {
        return start(workDir, Ports.free(), workDir.resolve("azurite-data"));
    }

    /** The account's blob endpoint. */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.close();
    }
}
