package io.baran.detector.probe;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.baran.detector.config.ProbeEndpoint;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the Cloud Storage and Blob Storage clients of the canaries, shared between targets of one endpoint. Every
 * client makes one attempt per call, bounded by the target's timeout: a retry would hide the failure the canary is
 * there to see.
 */
final class CanaryClients {

    private CanaryClients() {}

    /** Credentials from Application Default Credentials; with an endpoint override (an emulator) none are sent. */
    static Storage gcs(Map<String, Storage> clients, ProbeEndpoint.Gcs gcs, Duration timeout) {
        String key = gcs.endpoint().map(Object::toString).orElse("") + "|" + timeout.toMillis();
        return clients.computeIfAbsent(key, k -> {
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            StorageOptions.Builder options = StorageOptions.http()
                    .setTransportOptions(HttpTransportOptions.newBuilder()
                            .setConnectTimeout(millis)
                            .setReadTimeout(millis)
                            .build())
                    .setRetrySettings(RetrySettings.newBuilder()
                            .setMaxAttempts(1)
                            .setTotalTimeoutDuration(timeout)
                            .setInitialRpcTimeoutDuration(timeout)
                            .setMaxRpcTimeoutDuration(timeout)
                            .build());
            gcs.endpoint()
                    .ifPresent(endpoint -> options.setHost(endpoint.toString())
                            .setCredentials(NoCredentials.getInstance())
                            .setProjectId("baran"));
            return options.build().getService();
        });
    }

    /**
     * Signed with the account key read from the environment variable {@code account-key-env} names, when the client
     * is built: the key is never part of the target, its logs or its REST view.
     */
    static BlobServiceClient azure(
            Map<String, BlobServiceClient> clients,
            ProbeEndpoint.Azure azure,
            Duration timeout,
            Function<String, String> environment) {
        String key = azure.serviceEndpoint() + "|" + azure.account() + "|" + azure.accountKeyEnv() + "|"
                + timeout.toMillis();
        return clients.computeIfAbsent(key, k -> {
            String accountKey = environment.apply(azure.accountKeyEnv());
            if (accountKey == null || accountKey.isBlank()) {
                throw new IllegalStateException(
                        "account-key-env names " + azure.accountKeyEnv() + ", which is not set");
            }
            return new BlobServiceClientBuilder()
                    .endpoint(azure.serviceEndpoint())
                    .credential(new StorageSharedKeyCredential(azure.account(), accountKey))
                    .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, timeout, null, null, null))
                    .buildClient();
        });
    }

    static void close(Collection<Storage> storages) {
        for (Storage storage : storages) {
            try {
                storage.close();
            } catch (Exception e) {
                // closing releases nothing the detector still needs
            }
        }
    }
}
