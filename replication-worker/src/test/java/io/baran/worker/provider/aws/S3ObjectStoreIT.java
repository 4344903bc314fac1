package io.baran.worker.provider.aws;

import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.ObjectState;
import io.baran.worker.provider.ObjectStoreConformance;
import io.baran.worker.provider.Providers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The object-store conformance suite on S3, served by a real moto server. */
class S3ObjectStoreIT extends ObjectStoreConformance {

    private static final String REGION = "eu-west-1";
    @RegisterExtension
    static final MotoFixture moto = MotoFixture.start("moto-s3");
    private static S3Client direct;
    private static Providers providers;

    @BeforeAll
    static void connect() {
        direct = moto.client(S3Client.builder().forcePathStyle(true), Region.of(REGION));
        direct.createBucket(b -> b.bucket(BUCKET).createBucketConfiguration(c -> c.locationConstraint(REGION)));
        providers = moto.providers(REGION, moto.provider("aws-objects", REGION));
    }

    @Override
    protected Providers providers() {
        return providers;
    }

    @Override
    protected String providerName() {
        return "aws-objects";
    }

    @Override
    protected String unreachableProviderName() {
        return MotoFixture.UNREACHABLE;
    }

    @Override
    protected ControlPlane controlPlane() {
        return new ControlPlane("aws/" + REGION, "s3", "S3");
    }

    @Override
    protected void putDirect(String key, byte[] content) {
        direct.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    }

    @Override
    protected Optional<byte[]> readDirect(String key) {
        try {
            return Optional.of(direct.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Test
    void anObjectBaranDidNotWriteHasNoChecksumButStillCompares() {
        putDirect("foreign/object.txt", "from elsewhere".getBytes(StandardCharsets.UTF_8));

        ObjectState foreign = providers.objects("aws-objects").stat(BUCKET, "foreign/object.txt");

        assertNull(foreign.sha256(), "S3's ETag is not taken for a SHA-256");
        assertEquals(14, foreign.size());
    }
}
