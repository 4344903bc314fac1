package io.baran.worker.temporal;

import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Configures one provider of each self-managed type through real properties, as an operator would, so the
 * app's typed configuration is read end to end. None is called at start-up: the servers named do not exist.
 * The TSIG secret comes from BARAN_TSIG_APP_TEST, which the failsafe configuration sets.
 */
public class SelfManagedProviders implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "baran.providers.\"onprem-dns\".type", "rfc2136",
                "baran.providers.\"onprem-dns\".server", "127.0.0.1:" + Ports.free(),
                "baran.providers.\"onprem-dns\".tsig-key-name", "baran",
                "baran.providers.\"onprem-dns\".tsig-secret-env", "BARAN_TSIG_APP_TEST",
                "baran.providers.\"onprem-db\".type", "postgresql",
                "baran.providers.\"onprem-db\".user", "baran",
                "baran.providers.\"onprem-db\".instances.\"orders-replica\".standby", "127.0.0.1:" + Ports.free(),
                "baran.providers.\"onprem-db\".instances.\"orders-replica\".primary", "127.0.0.1:" + Ports.free(),
                "baran.providers.\"nas\".type", "filesystem",
                "baran.providers.\"nas\".root", WorkDirs.create("nas").toString());
    }

    @Override
    public void stop() {}
}
