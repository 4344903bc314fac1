package io.baran.worker.replication;

import io.baran.testinfra.WorkDirs;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A replication pair for a {@code @QuarkusTest}: an S3 bucket on moto (provider {@code aws-test}) copied every
 * second to a file-system store (provider {@code onprem}); and pair {@code watched}, the directory {@code drop} of
 * {@code onprem} copied to another bucket on change notifications (passes hourly). Tests find the bucket and directory in the
 * configuration they get ({@code test.replication.bucket}, {@code baran.providers.onprem.root}).
 */
public class ReplicationPairsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String bucket = Emulators.bucket("app");
        Emulators.s3(bucket);
        Path root = WorkDirs.create("onprem");
        try {
            Files.createDirectories(root.resolve("assets-copy"));
            Files.createDirectories(root.resolve("drop"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("test.replication.bucket", bucket);
        config.put("baran.providers.aws-test.type", "aws");
        config.put("baran.providers.aws-test.endpoint", Emulators.moto().endpoint());
        config.put("baran.providers.onprem.type", "filesystem");
        config.put("baran.providers.onprem.root", root.toString());
        config.put("baran.replication.pairs.assets.source", "aws-test:s3://" + bucket);
        config.put("baran.replication.pairs.assets.replicas", "onprem:file://assets-copy");
        config.put("baran.replication.pairs.assets.interval", "1s");
        // A second pair whose source directory is watched: a change is copied on its notification, long before the next
        // pass.
        String dropBucket = Emulators.bucket("drop");
        Emulators.s3(dropBucket);
        config.put("test.replication.drop-bucket", dropBucket);
        config.put("baran.replication.pairs.watched.source", "onprem:file://drop");
        config.put("baran.replication.pairs.watched.replicas", "aws-test:s3://" + dropBucket);
        config.put("baran.replication.pairs.watched.interval", "1h");
        config.put("baran.replication.pairs.watched.notifications", "watch");
        config.put(
                "baran.replication.data-dir",
                WorkDirs.create("replication-data").toString());
        return config;
    }

    @Override
    public void stop() {
        // moto is shared by the test JVM and stops with it
    }
}
