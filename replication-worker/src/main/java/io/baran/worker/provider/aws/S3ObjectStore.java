package io.baran.worker.provider.aws;

import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectNames;
import io.baran.worker.provider.ObjectState;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.ProviderSettings;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.List;
import java.util.Map;

/**
 * Objects in Amazon S3. Each object Baran writes carries its SHA-256 as user metadata
 * ({@code x-amz-meta-baran-sha256}), which copies keep, so objects compare alike across stores whatever
 * S3's ETag means for them (multipart ETags are not digests).
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    static final String SHA256 = "baran-sha256";

    private final String name;
    private final String region;
    private final S3Client client;
    private final AwsCalls calls;

    public S3ObjectStore(String name, String region, S3Client client) {
        this.name = name;
        this.region = region;
        this.client = client;
        this.calls = new AwsCalls(name, "S3");
    }

    public static S3ObjectStore connect(ProviderSettings settings) {
        // An endpoint override (moto, a private endpoint) is addressed by path: bucket names are not host names there.
        return new S3ObjectStore(settings.name(), settings.region(), AwsClients.build(
                S3Client.builder().forcePathStyle(settings.endpoint().isPresent()), settings, Region.of(settings.region())));
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
    public ObjectState stat(String bucket, String key) {
        ObjectNames.require(name, bucket, key);
        String what = "s3://" + bucket + "/" + key;
        HeadObjectResponse head = calls.call("HeadObject", what, () -> {
            try {
                return client.headObject(b -> b.bucket(bucket).key(key));
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return null;
                }
                throw e;
            }
        });
        if (head == null) {
            // HEAD answers a bare 404 for a missing bucket too: ask the bucket, so a typo is not read as "absent".
            calls.call("HeadBucket", "s3://" + bucket, () -> client.headBucket(b -> b.bucket(bucket)));
            return ObjectState.absent(key);
        }
        return new ObjectState(key, true, head.contentLength(), head.metadata().get(SHA256), head.lastModified());
    }

    @Override
    public List<ObjectState> list(String bucket, String prefix) {
        ObjectNames.require(name, bucket, null);
        return calls.call("ListObjectsV2", "s3://" + bucket + "/" + prefix, () -> client
                .listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3ObjectStore::listed)
                .toList());
    }

    /** A listing carries no user metadata: the checksum is left unknown rather than guessed from the ETag. */
    private static ObjectState listed(S3Object o) {
        return new ObjectState(o.key(), true, o.size(), null, o.lastModified());
    }

    @Override
    public byte[] read(String bucket, String key) {
        ObjectNames.require(name, bucket, key);
        return calls.call("GetObject", "s3://" + bucket + "/" + key,
                () -> client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    }

    @Override
    public void write(String bucket, String key, byte[] content) {
        ObjectNames.require(name, bucket, key);
        calls.call("PutObject", "s3://" + bucket + "/" + key, () -> client.putObject(b -> b.bucket(bucket).key(key)
                .contentLength((long) content.length).metadata(Map.of(SHA256, ObjectState.sha256Of(content))), RequestBody.fromBytes(content)));
    }

    @Override
    public void copy(String bucket, String fromKey, String toKey) {
        ObjectNames.require(name, bucket, fromKey);
        ObjectNames.require(name, bucket, toKey);
        calls.call("CopyObject", "s3://" + bucket + "/" + fromKey + " to " + toKey, () -> client.copyObject(b -> b
                .sourceBucket(bucket).sourceKey(fromKey).destinationBucket(bucket).destinationKey(toKey)));
    }

    @Override
    public void delete(String bucket, String key) {
        ObjectNames.require(name, bucket, key);
        calls.call("DeleteObject", "s3://" + bucket + "/" + key, () -> client.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    @Override
    public void close() {
        client.close();
    }
}
