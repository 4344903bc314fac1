package io.baran.detector.probe;

import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The canary of {@code s3://bucket/key}, through the AWS SDK's S3 client. */
final class S3CanaryProbe extends CanaryProbe {

    private final S3Client s3;
    private final ProbeEndpoint.S3 endpoint;

    S3CanaryProbe(
            S3Client s3,
            Executor executor,
            TargetDefinition target,
            String vantage,
            io.baran.egress.EgressPolicy egress) {
        super(executor, target, vantage, "S3", egress);
        this.s3 = s3;
        this.endpoint = (ProbeEndpoint.S3) target.endpoint();
    }

    @Override
    String where() {
        return "s3://" + endpoint.bucket() + "/" + endpoint.key();
    }

    @Override
    void write(String content) {
        s3.putObject(
                b -> b.bucket(endpoint.bucket()).key(endpoint.key()).contentType("text/plain"),
                RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    @Override
    String read() {
        return s3.getObjectAsBytes(b -> b.bucket(endpoint.bucket()).key(endpoint.key()))
                .asUtf8String();
    }

    @Override
    String reason(Throwable failure) {
        if (failure instanceof S3Exception s3e && s3e.awsErrorDetails() != null) {
            return s3e.awsErrorDetails().errorCode() + " (HTTP " + s3e.statusCode() + ")";
        }
        return null;
    }
}
