package io.baran.system;

import io.baran.testinfra.LocalProcess;
import io.baran.testinfra.Ports;
import io.baran.testinfra.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One of Baran's services, run from its packaged Quarkus app exactly as it ships. */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final int port;
    private final int managementPort;
    private final LocalProcess process;

    private ServiceProcess(String module, int port, int managementPort, LocalProcess process) {
        this.module = module;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
    }

    static ServiceProcess start(String module, Path workDir, Map<String, String> properties, Map<String, String> env) {
        return start(module, workDir, properties, env, "256m");
    }

    /** As {@link #start(String, Path, Map, Map)}, with a heap of at most {@code maxHeap} ({@code -Xmx}). */
    static ServiceProcess start(
            String module, Path workDir, Map<String, String> properties, Map<String, String> env, String maxHeap) {
        Path jar = Tools.projectRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw -B verify does)");
        }
        int port = Ports.free();
        // Health and metrics are on the management interface, whose packaged port (9080, 9081, 9082) a local stack
        // may hold: a free one per process, on the loopback like the API.
        int managementPort = Ports.free();
        List<String> command = new ArrayList<>(List.of(
                Tools.javaExecutable().toString(),
                "-Xmx" + maxHeap,
                "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.management.host=127.0.0.1"));
        if (!module.equals("detector-service")) {
            // C1 only, as their images and bin/local-stack run them (README, "Mass failover": the JIT).
            command.add("-XX:TieredStopAtLevel=1");
        }
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        LocalProcess process = LocalProcess.start(module, command, workDir, env);
        return new ServiceProcess(module, port, managementPort, process);
    }

    /** Waits until the service reports itself ready on /q/health/ready, on its management port. */
    ServiceProcess awaitReady(Duration timeout) {
        process.await(
                () -> status(managementUrl("/q/health/ready")) == 200,
                timeout,
                module + " to be ready on /q/health/ready (management port " + managementPort + ")");
        return this;
    }

    /** A URL of the service's API. */
    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** A URL of the management interface: /q/health, /q/metrics, /q/openapi. */
    String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    private static int status(String url) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Kills the process at once, as a crash would: no shutdown hooks, no graceful stop. */
    void crash() throws Exception {
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    String logTail() {
        return process.tail();
    }

    @Override
    public void close() {
        process.close();
    }
}
