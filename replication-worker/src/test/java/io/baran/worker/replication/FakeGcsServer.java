package io.baran.worker.replication;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * fake-gcs-server (the Cloud Storage JSON API, from the Go module proxy: {@code go install
 * github.com/fsouza/fake-gcs-server@v1.56.1}) on a free 127.0.0.1 port. In memory, or on disk so that a
 * restart on the same port finds the objects again.
 */
public final class FakeGcsServer implements AutoCloseable {

    private final int port;
    private final LocalProcess process;

    private FakeGcsServer(int port, LocalProcess process) {
        this.port = port;
        this.process = process;
    }

    public static FakeGcsServer start(Path workDir) {
        return start(workDir, Ports.free(), null);
    }

    /** @param storage a directory to keep objects in across restarts, or null to keep them in memory */
    public static FakeGcsServer start(Path workDir, int port, Path storage) {
        List<String> command = new ArrayList<>(List.of(binary().toString(), "-scheme", "http", "-host", "127.0.0.1",
                "-port", String.valueOf(port), "-log-level", "error"));
        if (storage == null) {
            command.addAll(List.of("-backend", "memory"));
        } else {
            command.addAll(List.of("-backend", "filesystem", "-filesystem-root", storage.toString()));
        }
        LocalProcess process = LocalProcess.start("fake-gcs-server", command, workDir, Map.of());
        process.awaitPort(port, Duration.ofSeconds(30));
        return new FakeGcsServer(port, process);
    }

    static Path binary() {
        java.util.Optional<Path> onPath = Tools.onPath("fake-gcs-server");
        if (onPath.isPresent() || System.getenv("BARAN_FAKE_GCS_BIN") != null) {
            return Tools.find("fake-gcs-server", "BARAN_FAKE_GCS_BIN", "");
        }
        // `go install` puts it in $GOPATH/bin, which is often not on PATH.
        String gopath = System.getenv().getOrDefault("GOPATH", System.getProperty("user.home") + "/go");
        Path installed = Path.of(gopath.split(java.io.File.pathSeparator)[0], "bin", "fake-gcs-server");
        if (Files.isExecutable(installed)) {
            return installed;
        }
        throw new IllegalStateException("fake-gcs-server is not installed: go install github.com/fsouza/fake-gcs-server@v1.56.1 "
                + "(or set BARAN_FAKE_GCS_BIN)");
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.close();
    }
}
