package io.baran.testinfra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * fake-gcs-server, the Cloud Storage JSON API ({@code go install github.com/fsouza/fake-gcs-server@v1.56.1}), as a
 * local process on 127.0.0.1. Objects live in memory, or in a folder so that a server started again on the same port
 * finds them: tests stop it to see a client notice the API going away, and start it again to see it come back.
 * Clients reach it with an endpoint override and no credentials.
 */
public final class FakeGcsServer implements AutoCloseable {

    private final int port;
    private final LocalProcess process;

    private FakeGcsServer(int port, LocalProcess process) {
        this.port = port;
        this.process = process;
    }

    /** A server keeping its objects in memory, on a free port; its log goes to {@code workDir}. */
    public static FakeGcsServer start(Path workDir) {
        return start(workDir, Ports.free(), null);
    }

    /** @param storage a folder to keep objects in across restarts on the same port, or null to keep them in memory */
    public static FakeGcsServer start(Path workDir, int port, Path storage) {
        return start(workDir, port, storage, List.of(), Map.of());
    }

    /**
     * A server in memory, on a free port, that publishes the object events of one bucket to a Pub/Sub topic as Cloud
     * Storage's Pub/Sub notifications do (attributes {@code eventType}, {@code bucketId}, {@code objectId},
     * {@code objectGeneration}, {@code payloadFormat=JSON_API_V1}; the object resource as JSON): {@code OBJECT_FINALIZE}
     * when an object is written, {@code OBJECT_DELETE} when one is deleted or overwritten. The topic must exist before
     * objects change.
     *
     * @param pubsubHost   the Pub/Sub emulator's {@code host:port} ({@code PUBSUB_EMULATOR_HOST})
     * @param objectPrefix only objects whose name starts with it publish events ("" for all)
     */
    public static FakeGcsServer startPublishingEvents(
            Path workDir, String pubsubHost, String project, String topic, String bucket, String objectPrefix) {
        List<String> flags = new ArrayList<>(List.of(
                "-event.pubsub-project-id",
                project,
                "-event.pubsub-topic",
                topic,
                "-event.bucket",
                bucket,
                "-event.list",
                "finalize,delete"));
        if (!objectPrefix.isEmpty()) {
            flags.addAll(List.of("-event.object-prefix", objectPrefix));
        }
        return start(workDir, Ports.free(), null, flags, Map.of("PUBSUB_EMULATOR_HOST", pubsubHost));
    }

    private static FakeGcsServer start(
            Path workDir, int port, Path storage, List<String> flags, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(
                binary().toString(),
                "-scheme",
                "http",
                "-host",
                "127.0.0.1",
                "-port",
                String.valueOf(port),
                "-log-level",
                "error"));
        if (storage == null) {
            command.addAll(List.of("-backend", "memory"));
        } else {
            command.addAll(List.of("-backend", "filesystem", "-filesystem-root", storage.toString()));
        }
        command.addAll(flags);
        LocalProcess process = LocalProcess.start("fake-gcs-server", command, workDir, env);
        process.awaitPort(port, Duration.ofSeconds(30));
        return new FakeGcsServer(port, process);
    }

    /** The program: {@code BARAN_FAKE_GCS_BIN}, PATH, or where {@code go install} puts it ({@code $GOPATH/bin}, often not on PATH). */
    static Path binary() {
        Optional<Path> onPath = Tools.onPath("fake-gcs-server");
        if (onPath.isPresent() || System.getenv("BARAN_FAKE_GCS_BIN") != null) {
            return Tools.find("fake-gcs-server", "BARAN_FAKE_GCS_BIN", "");
        }
        String gopath = System.getenv().getOrDefault("GOPATH", System.getProperty("user.home") + "/go");
        Path installed = Path.of(gopath.split(java.io.File.pathSeparator)[0], "bin", "fake-gcs-server");
        if (Files.isExecutable(installed)) {
            return installed;
        }
        throw new IllegalStateException(
                "fake-gcs-server is not installed: go install github.com/fsouza/fake-gcs-server@v1.56.1"
                        + " (or set BARAN_FAKE_GCS_BIN)");
    }

    /** The API's base URL, for the client's host (endpoint) override. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        Stopping.stop("fake-gcs-server", process);
    }
}
