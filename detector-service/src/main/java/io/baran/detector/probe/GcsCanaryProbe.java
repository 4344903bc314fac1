package io.baran.detector.probe;

import com.google.cloud.BaseServiceException;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/** The canary of {@code gs://bucket/object}, through google-cloud-storage's JSON API client. */
final class GcsCanaryProbe extends CanaryProbe {

    private final Storage storage;
    private final ProbeEndpoint.Gcs endpoint;
    private final BlobId object;

    GcsCanaryProbe(
            Storage storage,
            Executor executor,
            TargetDefinition target,
            String vantage,
            io.baran.egress.EgressPolicy egress) {
        super(executor, target, vantage, "Cloud Storage", egress);
        this.storage = storage;
        this.endpoint = (ProbeEndpoint.Gcs) target.endpoint();
        this.object = BlobId.of(endpoint.bucket(), endpoint.object());
    }

    @Override
    String where() {
        return "gs://" + endpoint.bucket() + "/" + endpoint.object();
    }

    @Override
    void write(String content) {
        storage.create(
                BlobInfo.newBuilder(object).setContentType("text/plain").build(),
                content.getBytes(StandardCharsets.UTF_8),
                Storage.BlobTargetOption.disableGzipContent());
    }

    @Override
    String read() {
        return new String(storage.readAllBytes(object), StandardCharsets.UTF_8);
    }

    /** The service's answer (HTTP status and reason, e.g. {@code notFound (HTTP 404)}); a failure to reach it has code 0. */
    @Override
    String reason(Throwable failure) {
        if (failure instanceof BaseServiceException e && e.getCode() > 0) {
            return (e.getReason() == null ? "error" : e.getReason()) + " (HTTP " + e.getCode() + ")";
        }
        return null;
    }
}
