package io.baran.worker.temporal;

import io.baran.testinfra.MotoServer;
import io.baran.testinfra.WorkDirs;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A real moto server for a {@code @QuarkusTest}; configures the worker's provider {@code aws-test} to use it. */
public class MotoResource implements QuarkusTestResourceLifecycleManager {

    private MotoServer moto;

    @Override
    public Map<String, String> start() {
        moto = MotoServer.start(WorkDirs.create("moto"));
        return Map.of(
                "baran.providers.aws-test.type",
                "aws",
                "baran.providers.aws-test.region",
                "us-east-1",
                "baran.providers.aws-test.endpoint",
                moto.endpoint());
    }

    @Override
    public void stop() {
        if (moto != null) {
            moto.close();
        }
    }
}
