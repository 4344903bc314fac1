package io.baran.detector.probe;

import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * A provider canary: reads (and, when configured, first writes) a small object through the S3 API itself. In
 * February 2017 the S3 API in us-east-1 failed while many endpoints in front of it still answered, so a probe of
 * those endpoints alone would have seen nothing.
 *
 * <p>The SDK's client blocks, so the calls run on a small pool of their own and never on an event loop; canaries
 * are few (one or two per provider region), so a few threads serve them all.
 */
final class S3CanaryProbe implements Probe {

    private final S3Client s3;
    private final Executor executor;
    private final TargetDefinition target;
    private final ProbeEndpoint.S3 endpoint;
    private final String vantage;

    S3CanaryProbe(S3Client s3, Executor executor, TargetDefinition target, String vantage) {
        this.s3 = s3;
        this.executor = executor;
        this.target = target;
        this.endpoint = (ProbeEndpoint.S3) target.endpoint();
        this.vantage = vantage;
    }

    @Override
    public TargetDefinition target() {
        return target;
    }

    @Override
    public Uni<ProbeResult> run() {
        return Uni.createFrom().item(this::exercise).runSubscriptionOn(executor)
                .ifNoItem().after(target.timeout()).failWith(TimeoutException::new)
                .onFailure().recoverWithItem(this::describe);
    }

    private ProbeResult exercise() {
        String written = null;
        if (target.checks().write()) {
            written = "baran canary from " + vantage + " at " + Instant.now();
            s3.putObject(b -> b.bucket(endpoint.bucket()).key(endpoint.key()).contentType("text/plain"),
                    RequestBody.fromString(written, StandardCharsets.UTF_8));
        }
        String content = s3.getObjectAsBytes(b -> b.bucket(endpoint.bucket()).key(endpoint.key())).asUtf8String();
        String where = "s3://" + endpoint.bucket() + "/" + endpoint.key();
        if (written != null) {
            return written.equals(content) ? ProbeResult.passed("S3 wrote and read " + where)
                    : ProbeResult.failed("S3 read back other content than it wrote to " + where);
        }
        if (!target.checks().expect().isEmpty() && !target.checks().expect().contains(content.strip())) {
            return ProbeResult.failed("S3 " + where + " holds other content than expected");
        }
        return ProbeResult.passed("S3 read " + where + " (" + content.length() + " bytes)");
    }

    private ProbeResult describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return ProbeResult.failed("no S3 answer within " + target.timeout().toMillis() + "ms");
        }
        if (failure instanceof S3Exception s3e && s3e.awsErrorDetails() != null) {
            return ProbeResult.failed("S3 " + s3e.awsErrorDetails().errorCode() + " (HTTP " + s3e.statusCode() + ")");
        }
        // SDK messages name the endpoint and the cause, never the credentials.
        return Probe.describe(failure);
    }
}
