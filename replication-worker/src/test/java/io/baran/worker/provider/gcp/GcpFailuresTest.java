package io.baran.worker.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class GcpFailuresTest {

    private static ApplicationFailure map(int status, String reason) {
        return GcpFailures.map(
                status, reason, "the message", "gcp-main", "Cloud CDN", "backendServices.patch", "backendServices/web");
    }

    @Test
    void eachHttpStatusBecomesTheFailureTypeTheWorkflowRetriesBy() {
        assertEquals(FailureTypes.PROVIDER_REJECTED, map(403, "forbidden").getType());
        assertEquals(FailureTypes.PROVIDER_REJECTED, map(404, "notFound").getType());
        assertEquals(FailureTypes.PROVIDER_REJECTED, map(400, "invalid").getType());
        assertEquals(FailureTypes.PROVIDER_REJECTED, map(401, null).getType());
        assertEquals(
                FailureTypes.PROVIDER_THROTTLED, map(429, "rateLimitExceeded").getType());
        assertEquals(
                FailureTypes.PROVIDER_THROTTLED,
                map(403, "userRateLimitExceeded").getType());
        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, map(500, "backendError").getType());
        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, map(503, null).getType());
        assertEquals(
                FailureTypes.PROVIDER_UNAVAILABLE,
                map(409, "operationInProgress").getType());
        assertEquals(
                FailureTypes.PROVIDER_UNAVAILABLE, map(400, "resourceNotReady").getType());
        assertTrue(map(403, "forbidden").isNonRetryable());
        assertFalse(map(503, null).isNonRetryable());
    }

    @Test
    void theMessageNamesProviderServiceCallResourceAndReason() {
        assertEquals(
                "provider gcp-main (Cloud CDN): backendServices.patch on backendServices/web is not permitted: "
                        + "forbidden: the message (HTTP 403) (see the gcp provider's README for the roles it needs)",
                map(403, "forbidden").getOriginalMessage());
    }

    @Test
    void aConnectionThatFailsIsWorthRetryingAndMissingCredentialsAreNot() {
        ApplicationFailure unreachable = GcpFailures.unreachable(
                new IOException(new ConnectException("Connection refused")),
                "gcp-main",
                "Cloud DNS",
                "changes.get",
                "change 7");
        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, unreachable.getType());
        assertTrue(unreachable
                .getOriginalMessage()
                .endsWith("could not reach the provider: ConnectException: Connection refused"));
        ApplicationFailure noCredentials = GcpFailures.noCredentials(
                new IOException("The Application Default Credentials are " + "not available"),
                "gcp-main",
                "Cloud DNS",
                "changes.get",
                "change 7");
        assertEquals(FailureTypes.PROVIDER_REJECTED, noCredentials.getType());
        assertTrue(noCredentials.getOriginalMessage().contains("GOOGLE_APPLICATION_CREDENTIALS"));
    }

    @Test
    void anAccessTokenInAnErrorNeverReachesTheMessage() {
        String message = GcpFailures.map(
                        401,
                        "authError",
                        "Invalid token ya29.a0AfH6SMBx-secret_part.more",
                        "gcp-main",
                        "Cloud SQL",
                        "instances.get",
                        "instance orders")
                .getOriginalMessage();

        assertFalse(message.contains("ya29.a0AfH6"), message);
        assertTrue(message.contains("Invalid token <token>"), message);
    }
}
