package io.baran.worker.provider.aws;

import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectNames;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.S3BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 buckets of one AWS provider, through one client shared by all of them. */
public final class S3ObjectStore implements ObjectStore {

    private final String name;
    private final String region;
    private final S3Client client;

    public S3ObjectStore(String name, String region, S3Client client) {
        this.name = name;
        this.region = region;
        this.client = client;
    }

    public static S3ObjectStore connect(ProviderSettings settings) {
        return new S3ObjectStore(settings.name(), settings.region(), S3BlobStore.client(settings.region(), settings.endpoint()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ControlPlane controlPlane() {
        return new ControlPlane("aws/" + region, "s3", "S3");
    }

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public BlobStore bucket(String bucket) {
        ObjectNames.require(name, bucket, null);
        return new S3BlobStore(name, bucket, client);
    }

    @Override
    public void close() {
        client.close();
    }
}
