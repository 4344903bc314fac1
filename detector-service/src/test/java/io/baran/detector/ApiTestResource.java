package io.baran.detector;

import com.sun.net.httpserver.HttpServer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * For the REST API tests: a real HTTP target on 127.0.0.1 answering 200 on every path, a fresh data folder for
 * the targets added through the API, and one configured target ({@code cfg}) that the API must refuse to change.
 */
public class ApiTestResource implements QuarkusTestResourceLifecycleManager {

    /** Test-only property: the base URL of the target server. */
    public static final String TARGETS = "baran.test.targets";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        int port = Ports.free();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + port;
        return Map.of(
                TARGETS,
                base,
                "baran.detector.data-dir",
                WorkDirs.create("detector-data").toString(),
                "baran.detector.targets.cfg.url",
                base + "/cfg",
                "baran.detector.targets.cfg.scope",
                "local/cfg",
                "baran.detector.targets.cfg.interval",
                "200ms",
                "baran.detector.canary.allowed-buckets",
                "canaries,allowed-canary",
                "baran.detector.canary.allowed-credentials",
                "BARAN_TEST_UNSET_AZURE_KEY",
                "baran.detector.canary.allowed-endpoints",
                "127.0.0.1");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
