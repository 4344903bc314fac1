package io.baran.testinfra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Google Cloud Pub/Sub's gRPC API served from memory by {@code infra/pubsub-emulator} (Google's in-memory fake,
 * pstest, in a small program of this repository) as a local process on 127.0.0.1. Clients reach it in plaintext and
 * without credentials, as they reach the Google Cloud SDK's emulator ({@code PUBSUB_EMULATOR_HOST=}{@link #host()}).
 * {@link #messages()} shows from the server's side what was published, delivered and acknowledged.
 */
public final class PubSubEmulator implements AutoCloseable {

    /** Where {@code .ci/run} builds the program to ({@code go build -o $GOPATH/bin/baran-pubsub-emulator}). */
    static final String PROGRAM = "baran-pubsub-emulator";

    private final int port;
    private final int messagesPort;
    private final LocalProcess process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PubSubEmulator(int port, int messagesPort, LocalProcess process) {
        this.port = port;
        this.messagesPort = messagesPort;
        this.process = process;
    }

    /** An emulator on free ports; its log goes to {@code workDir}. */
    public static PubSubEmulator start(Path workDir) {
        int port = Ports.free();
        int messagesPort = Ports.free();
        LocalProcess process = LocalProcess.start(
                "pubsub-emulator",
                List.of(
                        binary(workDir).toString(),
                        "-port",
                        String.valueOf(port),
                        "-messages-port",
                        String.valueOf(messagesPort)),
                workDir,
                Map.of());
        process.awaitPort(port, Duration.ofSeconds(30)).awaitPort(messagesPort, Duration.ofSeconds(10));
        return new PubSubEmulator(port, messagesPort, process);
    }

    /**
     * The program: {@code BARAN_PUBSUB_EMULATOR_BIN}, {@value #PROGRAM} on PATH or in {@code $GOPATH/bin} (where
     * {@code .ci/run} builds it), or else built now from {@code infra/pubsub-emulator} with Go.
     */
    static Path binary(Path workDir) {
        if (Tools.onPath(PROGRAM).isPresent() || System.getenv("BARAN_PUBSUB_EMULATOR_BIN") != null) {
            return Tools.find(PROGRAM, "BARAN_PUBSUB_EMULATOR_BIN", "");
        }
        String gopath = System.getenv().getOrDefault("GOPATH", System.getProperty("user.home") + "/go");
        Path installed = Path.of(gopath.split(java.io.File.pathSeparator)[0], "bin", PROGRAM);
        if (Files.isExecutable(installed)) {
            return installed;
        }
        Optional<Path> go = Tools.onPath("go");
        if (go.isEmpty()) {
            throw new IllegalStateException(PROGRAM + " is not installed and Go is not on PATH to build it: "
                    + "(cd infra/pubsub-emulator && go build -o $GOPATH/bin/" + PROGRAM
                    + " .) (or set BARAN_PUBSUB_EMULATOR_BIN)");
        }
        Path built = workDir.resolve(PROGRAM);
        Path source = Tools.projectRoot().resolve("infra/pubsub-emulator");
        LocalProcess build = LocalProcess.start(
                "go-build-pubsub-emulator",
                List.of(go.get().toString(), "build", "-C", source.toString(), "-o", built.toString(), "."),
                workDir,
                Map.of("GOFLAGS", "-mod=mod"));
        build.awaitExit(Duration.ofMinutes(5));
        if (!Files.isExecutable(built)) {
            throw new IllegalStateException(
                    "building " + source + " failed; log " + build.log() + ":\n" + build.tail());
        }
        return built;
    }

    /** {@code 127.0.0.1:<port>}: the gRPC target, as {@code PUBSUB_EMULATOR_HOST} names it. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The endpoint as a URL, {@code http://127.0.0.1:<port>} (plaintext). */
    public String endpoint() {
        return "http://" + host();
    }

    /** Every message published so far, as the server's JSON: {@code [{id, topic, attributes, deliveries, acks}]}. */
    public String messages() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + messagesPort + "/messages"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "pubsub-emulator GET /messages answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("pubsub-emulator GET /messages: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        Stopping.stop("pubsub-emulator", process);
    }
}
