package io.baran.detector.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.detector.Targets;
import io.baran.detector.config.TargetSpec;
import io.baran.testinfra.MotoServer;
import io.baran.testinfra.Ports;
import io.baran.testinfra.WorkDirs;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 canary against moto, which serves the S3 API itself on 127.0.0.1. The probe takes its credentials from the
 * SDK's default chain, here the {@code aws.accessKeyId} and {@code aws.secretAccessKey} system properties.
 */
class S3CanaryProbeIT {

    @RegisterExtension
    static final CanaryProbes canary = new CanaryProbes();

    private static MotoServer moto;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        moto = MotoServer.start(WorkDirs.create("moto-canary"));
        s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(moto.endpoint()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        s3.createBucket(b -> b.bucket("canaries"));
        s3.putObject(b -> b.bucket("canaries").key("baran/canary.txt"), RequestBody.fromString("alive"));
    }

    @AfterAll
    static void stop() {
        s3.close();
        moto.close();
    }

    private static ProbeResult probe(String url, String endpoint, List<String> expect, Boolean write) {
        TargetSpec spec = new TargetSpec(
                url,
                "aws/us-east-1/s3",
                "1s",
                "5s",
                3,
                3,
                null,
                null,
                null,
                null,
                null,
                expect,
                endpoint,
                "us-east-1",
                write);
        return canary.run(Targets.define("s3-canary", spec));
    }

    @Test
    void readsTheCanaryObjectThroughTheS3Api() {
        ProbeResult result = probe("s3://canaries/baran/canary.txt", moto.endpoint(), null, null);
        assertTrue(result.passed(), result.detail());
        assertEquals("S3 read s3://canaries/baran/canary.txt (5 bytes)", result.detail());
        assertTrue(probe("s3://canaries/baran/canary.txt", moto.endpoint(), List.of("alive"), null)
                .passed());
    }

    @Test
    void failsWhenTheObjectHoldsOtherContent() {
        ProbeResult result = probe("s3://canaries/baran/canary.txt", moto.endpoint(), List.of("something else"), null);
        assertFalse(result.passed());
        assertEquals("S3 s3://canaries/baran/canary.txt holds other content than expected", result.detail());
    }

    @Test
    void failsWithTheApisErrorCodeWhenTheObjectIsMissing() {
        ProbeResult result = probe("s3://canaries/baran/missing.txt", moto.endpoint(), null, null);
        assertFalse(result.passed());
        assertEquals("S3 NoSuchKey (HTTP 404)", result.detail());
    }

    @Test
    void writesThenReadsBackWhenAskedTo() {
        ProbeResult result = probe("s3://canaries/baran/written.txt", moto.endpoint(), null, true);
        assertTrue(result.passed(), result.detail());
        assertEquals("S3 wrote and read s3://canaries/baran/written.txt", result.detail());
        String content = s3.getObjectAsBytes(b -> b.bucket("canaries").key("baran/written.txt"))
                .asUtf8String();
        assertTrue(content.startsWith("baran canary from test-vantage at "), content);
    }

    @Test
    void failsWhenTheApiDoesNotAnswer() {
        ProbeResult result = probe("s3://canaries/baran/canary.txt", "http://127.0.0.1:" + Ports.free(), null, null);
        assertFalse(result.passed());
        assertFalse(result.detail().contains("test"), "no credential in " + result.detail());
    }
}
