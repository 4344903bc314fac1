package io.baran.worker.temporal;

import io.baran.testinfra.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Configures a gcp provider through real properties, so its keys (project, endpoint, the time-outs) are read
 * by the app's typed configuration end to end. Nothing is called at start-up: the endpoint named answers nothing.
 */
public class GcpProviders implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "baran.providers.\"gcp-dr\".type", "gcp",
                "baran.providers.\"gcp-dr\".project", "shop-dr-test",
                "baran.providers.\"gcp-dr\".endpoint", "http://127.0.0.1:" + Ports.free(),
                "baran.providers.\"gcp-dr\".operation-timeout", "30s",
                "baran.providers.\"gcp-dr\".promote-timeout", "5m");
    }

    @Override
    public void stop() {}
}
