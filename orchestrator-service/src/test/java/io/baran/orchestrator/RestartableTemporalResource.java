package io.baran.orchestrator;

import io.baran.testinfra.TemporalDevServer;
import io.baran.testinfra.WorkDirs;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The real Temporal dev server for a {@code @QuarkusTest} that stops it and starts it again: kept in a file, so it
 * comes back with what it had, on the same port. The test class reaches it through {@link #server()}.
 */
public class RestartableTemporalResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TemporalDevServer server;

    public static TemporalDevServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = TemporalDevServer.startPersistent(WorkDirs.create("temporal"));
        return Map.of("baran.temporal.target", server.target());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
