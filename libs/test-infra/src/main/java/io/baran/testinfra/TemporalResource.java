package io.baran.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** The real Temporal dev server for a {@code @QuarkusTest}; sets {@code baran.temporal.target}. */
public class TemporalResource implements QuarkusTestResourceLifecycleManager {

    private TemporalDevServer server;

    @Override
    public Map<String, String> start() {
        server = TemporalDevServer.start(WorkDirs.create("temporal"), false);
        return Map.of("baran.temporal.target", server.target());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
