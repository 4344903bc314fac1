package io.baran.worker.provider.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baran.testinfra.Ports;
import io.baran.worker.Heartbeat;
import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectStore;
import io.baran.worker.provider.ProviderContext;
import io.baran.worker.provider.ProviderSettings;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.TestResources;
import io.baran.worker.replication.Emulators;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** The {@link BlobStoreConformance} suite on S3 buckets handed out by an {@code aws} provider, against moto. */
class S3BlobStoreIT extends BlobStoreConformance {

    private static final String REGION = "eu-west-1";

    @RegisterExtension
    static final TestResources resources = new TestResources();

    private static Providers providers;

    @BeforeAll
    static void connect() {
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test"));
        providers = resources.keep(Providers.connect(
                List.of(
                        new ProviderSettings(
                                "aws-objects",
                                "aws",
                                REGION,
                                Optional.of(URI.create(Emulators.moto().endpoint()))),
                        new ProviderSettings(
                                "aws-unreachable",
                                "aws",
                                REGION,
                                Optional.of(URI.create("http://127.0.0.1:" + Ports.free())))),
                ProviderContext.of(Duration.ofSeconds(10), Heartbeat.NONE)));
    }

    @Override
    protected ObjectStore provider() {
        return providers.objects("aws-objects");
    }

    @Override
    protected ControlPlane expectedControlPlane() {
        return new ControlPlane("aws/" + REGION, "s3", "S3");
    }

    /** moto 5.2.1 checks If-None-Match on PutObject and CompleteMultipartUpload and If-Match on PutObject and DeleteObject. */
    @Override
    protected String emulatorIgnores(Conditional call) {
        return switch (call) {
            case LARGE_IF_VERSION -> "moto 5.2.1 ignores If-Match on CompleteMultipartUpload";
            case LARGE_IF_ABSENT_SHA256_AT_THE_END, LARGE_IF_VERSION_SHA256_AT_THE_END ->
                "moto 5.2.1 ignores If-None-Match and If-Match on CopyObject (the copy in place of the temporary object)";
            default -> null;
        };
    }

    @Override
    protected BlobStore newStore() {
        String bucket = Emulators.bucket("conf");
        Emulators.s3Client().createBucket(b -> b.bucket(bucket));
        return provider().bucket(bucket);
    }

    @Override
    protected BlobStore missingBucket() {
        return provider().bucket("no-such-bucket");
    }

    /**
     * Under SSE-KMS an object's ETag is not its content's MD5 (taken as one, it made every compare with the other side
     * a difference: needless copies, false conflicts): a listing takes ETags as MD5s only where the bucket's default
     * encryption is SSE-S3 or none.
     */
    @Test
    void listedEtagsAreMd5sOnlyWhereTheBucketsDefaultEncryptionMakesThemOnes() {
        String md5OfA = "0cc175b9c0f1b6a831c399e269772661";
        assertEquals(md5OfA, listedMd5(bucketEncryptedBy(null)), "no default encryption");
        assertEquals(md5OfA, listedMd5(bucketEncryptedBy(ServerSideEncryption.AES256)), "SSE-S3");
        assertNull(listedMd5(bucketEncryptedBy(ServerSideEncryption.AWS_KMS)), "SSE-KMS");
    }

    private static String bucketEncryptedBy(ServerSideEncryption sse) {
        String bucket = Emulators.bucket("sse");
        Emulators.s3Client().createBucket(b -> b.bucket(bucket));
        if (sse != null) {
            Emulators.s3Client()
                    .putBucketEncryption(b -> b.bucket(bucket)
                            .serverSideEncryptionConfiguration(c ->
                                    c.rules(r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(sse)
                                            .kmsMasterKeyID(
                                                    sse == ServerSideEncryption.AWS_KMS
                                                            ? "alias/baran-test"
                                                            : null)))));
        }
        Emulators.s3Client().putObject(b -> b.bucket(bucket).key("a.txt"), RequestBody.fromString("a"));
        return bucket;
    }

    private static String listedMd5(String bucket) {
        List<Blob> listed = new java.util.ArrayList<>();
        providers.objects("aws-objects").bucket(bucket).list("", listed::add);
        assertEquals(1, listed.size(), listed.toString());
        return listed.get(0).md5();
    }

    @Test
    void anUnreachableStoreFailsRatherThanLookingEmpty() {
        BlobStore unreachable = providers.objects("aws-unreachable").bucket("any-bucket");
        assertThrows(BlobStoreException.class, () -> unreachable.list("", b -> {}));
    }
}
