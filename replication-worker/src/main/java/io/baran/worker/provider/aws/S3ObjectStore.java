package io.baran.worker.provider.aws;

import io.baran.worker.provider.BucketStore;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectNames;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.store.BlobStore;
import io.baran.worker.provider.store.BucketAddress;
import io.baran.worker.provider.store.ChangeFeed;
import io.baran.worker.provider.store.S3BlobStore;
import io.baran.worker.provider.store.SqsEventFeed;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The S3 buckets of one AWS provider, through one client shared by all of them. */
public final class S3ObjectStore extends BucketStore {

    private final String region;
    private final Optional<URI> endpoint;
    private final S3Client client;

    public S3ObjectStore(String name, String region, Optional<URI> endpoint, S3Client client) {
        super(name, new ControlPlane("aws/" + region, "s3", "S3"), "s3");
        this.region = region;
        this.endpoint = endpoint;
        this.client = client;
    }

    public static S3ObjectStore connect(ProviderSettings settings) {
        return new S3ObjectStore(
                settings.name(),
                settings.region(),
                settings.endpoint(),
                S3BlobStore.client(settings.region(), settings.endpoint()));
    }

    @Override
    protected BlobStore open(String bucket) {
        return new S3BlobStore(name(), bucket, client);
    }

    @Override
    public String address(String bucket) {
        return BucketAddress.s3(region, endpoint, bucket);
    }

    /** S3 event notifications, read from the SQS queue (same account, region and endpoint) the bucket delivers them to. */
    @Override
    public Optional<ChangeFeed> changes(String bucket, String queueUrl) {
        ObjectNames.require(name(), bucket, null);
        if (queueUrl == null || !queueUrl.matches("https?://[^/\\s]+/\\d*/?[A-Za-z0-9_-]+(\\.fifo)?")) {
            throw new IllegalArgumentException(
                    "S3 notifications of " + name() + ":s3://" + bucket + " need the URL of the SQS queue "
                            + "the bucket's event notifications are delivered to (e.g. https://sqs." + region
                            + ".amazonaws.com/123456789012/shop-assets-events), not \"" + queueUrl + "\"");
        }
        var builder = SqsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                // Longer than the 10 s long poll.
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .build());
        endpoint.ifPresent(builder::endpointOverride);
        return Optional.of(new SqsEventFeed(builder.build(), queueUrl, bucket));
    }

    @Override
    public void close() {
        client.close();
    }
}
