package io.baran.testinfra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Azurite's Blob Storage service ({@code npm install -g azurite}) as a local process on 127.0.0.1 (or its Queue Storage
 * service, {@link #startQueueService}), keeping its data
 * in a folder so that a server started again on the same port finds the blobs: tests stop it to see a client notice
 * the API going away, and start it again to see it come back.
 */
public final class AzuriteServer implements AutoCloseable {

    /** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
    public static final String ACCOUNT = "devstoreaccount1";
    /** The development account's key, equally public; clients under test should still read it from the environment. */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final int port;
    private final LocalProcess process;

    private AzuriteServer(int port, LocalProcess process) {
        this.port = port;
        this.process = process;
    }

    /** A server on a free port with its data under {@code workDir}; its log goes there too. */
    public static AzuriteServer start(Path workDir) {
        return start(workDir, Ports.free(), workDir.resolve("azurite-data"));
    }

    /** @param data the folder Azurite keeps blobs in; start again with the same one (and port) to find them */
    public static AzuriteServer start(Path workDir, int port, Path data) {
        Path azurite = Tools.find("azurite-blob", "BARAN_AZURITE_BIN", "npm install -g azurite");
        LocalProcess process = LocalProcess.start(
                "azurite",
                List.of(
                        azurite.toString(),
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        String.valueOf(port),
                        "--location",
                        data.toString(),
                        "--skipApiVersionCheck",
                        "--loose",
                        "--silent",
                        "--disableTelemetry"),
                workDir,
                Map.of());
        process.awaitPort(port, Duration.ofSeconds(90));
        return new AzuriteServer(port, process);
    }

    /**
     * Azurite's Queue Storage service ({@code azurite-queue}, in the same npm package) on a free port, with its data
     * under {@code workDir}; {@link #endpoint()} is then the development account's queue endpoint.
     */
    public static AzuriteServer startQueueService(Path workDir) {
        int port = Ports.free();
        Path azurite = Tools.find("azurite-queue", "BARAN_AZURITE_QUEUE_BIN", "npm install -g azurite");
        LocalProcess process = LocalProcess.start(
                "azurite-queue",
                List.of(
                        azurite.toString(),
                        "--queueHost",
                        "127.0.0.1",
                        "--queuePort",
                        String.valueOf(port),
                        "--location",
                        workDir.resolve("azurite-queue-data").toString(),
                        "--skipApiVersionCheck",
                        "--loose",
                        "--silent",
                        "--disableTelemetry"),
                workDir,
                Map.of());
        process.awaitPort(port, Duration.ofSeconds(90));
        return new AzuriteServer(port, process);
    }

    /**
     * The development account's endpoint, {@code http://127.0.0.1:<port>/devstoreaccount1}: of its blobs, or of its
     * queues for {@link #startQueueService}.
     */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        Stopping.stop("azurite", process);
    }
}
