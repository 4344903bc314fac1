package io.baran.detector.probe;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobStorageException;
import io.baran.detector.config.ProbeEndpoint;
import io.baran.detector.config.TargetDefinition;
import java.util.concurrent.Executor;

/** The canary of {@code az://container/blob}, through azure-storage-blob, signed with the account key. */
final class AzureCanaryProbe extends CanaryProbe {

    private final BlobClient blob;
    private final ProbeEndpoint.Azure endpoint;

    AzureCanaryProbe(
            BlobClient blob,
            Executor executor,
            TargetDefinition target,
            String vantage,
            io.baran.egress.EgressPolicy egress) {
        super(executor, target, vantage, "Blob Storage", egress);
        this.blob = blob;
        this.endpoint = (ProbeEndpoint.Azure) target.endpoint();
    }

    @Override
    String where() {
        return "az://" + endpoint.container() + "/" + endpoint.blob() + " (account " + endpoint.account() + ")";
    }

    @Override
    void write(String content) {
        blob.upload(BinaryData.fromString(content), true);
    }

    @Override
    String read() {
        return blob.downloadContentWithResponse(null, null, target().timeout(), Context.NONE)
                .getValue()
                .toString();
    }

    /** The service's error code and status, e.g. {@code BlobNotFound (HTTP 404)}. */
    @Override
    String reason(Throwable failure) {
        if (failure instanceof BlobStorageException e) {
            return (e.getErrorCode() == null ? "error" : e.getErrorCode().toString()) + " (HTTP " + e.getStatusCode()
                    + ")";
        }
        return null;
    }
}
