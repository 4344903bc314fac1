package io.baran.worker.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.baran.worker.Heartbeat;
import java.time.Duration;

/**
 * Waits for a long-running operation of Compute or Cloud SQL Admin, which both answer a change with an
 * operation ({@code name}, {@code status} PENDING/RUNNING/DONE, {@code error.errors[]}) to be read back until DONE.
 */
final class Operations {

    private final GcpApi api;
    private final String service;
    private final Duration timeout;
    private final Duration maxPoll;
    private final Heartbeat heartbeat;

    Operations(GcpApi api, String service, Duration timeout, Duration maxPoll, Heartbeat heartbeat) {
        this.api = api;
        this.service = service;
        this.timeout = timeout;
        this.maxPoll = maxPoll;
        this.heartbeat = heartbeat;
    }

    /**
     * @param operationsUrl the collection the operation is read from, e.g. {@code …/global/operations}
     * @param call          the call that started it, for messages, e.g. {@code backendServices.patch}
     * @param resource      what it changes, e.g. {@code backendServices/web}
     */
    void await(String operationsUrl, JsonNode operation, String call, String resource) {
        String id = operation.path("name").asText();
        String url = operationsUrl + "/" + GcpApi.encode(id);
        JsonNode[] last = {operation};
        Polling.await(
                api.provider(),
                service + " operation " + id + " (" + call + " on " + resource + ")",
                "DONE",
                operation.path("status").asText(),
                () -> {
                    last[0] = api.get(service, "operations.get", "operation " + id + " on " + resource, url);
                    return last[0].path("status").asText();
                },
                timeout,
                maxPoll,
                heartbeat);
        JsonNode error = last[0].path("error").path("errors").path(0);
        if (!error.isMissingNode()) {
            // Compute reports the HTTP status the call would have had; Cloud SQL does not, so its errors count as
            // refusals.
            throw GcpFailures.map(
                    last[0].path("httpErrorStatusCode").asInt(400),
                    error.path("code").asText(null),
                    error.path("message").asText(null),
                    api.provider(),
                    service,
                    call + " (operation " + id + ")",
                    resource);
        }
    }
}
