package io.baran.worker.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping from Azure Resource Manager answers to Baran's failure types. */
class AzureFailuresTest {

    private static final String WHERE =
            "provider azure-dr (Azure DNS): CreateOrUpdate record set on www.example.com. CNAME";

    @Test
    void eachStatusHasItsType() {
        Map<Integer, String> expected = Map.of(
                400,
                FailureTypes.PROVIDER_REJECTED,
                401,
                FailureTypes.PROVIDER_REJECTED,
                403,
                FailureTypes.PROVIDER_REJECTED,
                404,
                FailureTypes.PROVIDER_REJECTED,
                409,
                FailureTypes.PROVIDER_UNAVAILABLE,
                412,
                FailureTypes.PLAN_UNSAFE,
                429,
                FailureTypes.PROVIDER_THROTTLED,
                500,
                FailureTypes.PROVIDER_UNAVAILABLE,
                502,
                FailureTypes.PROVIDER_UNAVAILABLE,
                503,
                FailureTypes.PROVIDER_UNAVAILABLE);
        expected.forEach((status, type) -> {
            ApplicationFailure failure = AzureFailures.answered(WHERE, status, "Code" + status, "message", null);
            assertEquals(type, failure.getType(), "HTTP " + status);
            assertEquals(FailureTypes.NON_RETRYABLE.contains(type), failure.isNonRetryable(), "HTTP " + status);
            assertTrue(failure.getOriginalMessage().startsWith(WHERE), failure.getOriginalMessage());
            assertTrue(
                    failure.getOriginalMessage().contains("Code" + status + ": message (HTTP " + status + ")"),
                    failure.getOriginalMessage());
        });
    }

    @Test
    void refusalsSayWhatToCheck() {
        assertTrue(AzureFailures.answered(WHERE, 403, "AuthorizationFailed", "no access", null)
                .getOriginalMessage()
                .endsWith("the identity needs the roles listed in the Azure adapter's README"));
        assertTrue(AzureFailures.answered(WHERE, 401, "InvalidAuthenticationToken", "expired", null)
                .getOriginalMessage()
                .contains("DefaultAzureCredential"));
        assertTrue(AzureFailures.answered(WHERE, 429, "TooManyRequests", "slow down", "12")
                .getOriginalMessage()
                .endsWith("retry after 12 s"));
    }

    @Test
    void noAnswerIsWorthRetryingAndNoTokenIsNot() {
        ApplicationFailure refused = AzureFailures.unreachable(
                WHERE, new java.io.IOException("x", new ConnectException("Connection refused")));
        ApplicationFailure noToken = AzureFailures.noToken(
                WHERE, new IllegalStateException("EnvironmentCredential authentication unavailable"));

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, refused.getType());
        assertFalse(refused.isNonRetryable());
        assertTrue(refused.getOriginalMessage()
                .endsWith("could not reach the provider: ConnectException: Connection refused"));
        assertEquals(FailureTypes.PROVIDER_REJECTED, noToken.getType());
        assertTrue(noToken.isNonRetryable());
    }

    @Test
    void aFailedOperationIsRejectedAndACanceledOneRetried() {
        assertEquals(
                FailureTypes.PROVIDER_REJECTED,
                AzureFailures.operationFailed(WHERE, "Failed", "Conflict", "no").getType());
        assertEquals(
                FailureTypes.PROVIDER_UNAVAILABLE,
                AzureFailures.operationFailed(WHERE, "Canceled", null, null).getType());
    }

    @Test
    void aTokenEchoedInAnErrorIsMasked() {
        String jwt =
                "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJl";

        String message = AzureFailures.answered(
                        WHERE, 401, "InvalidAuthenticationToken", "token " + jwt + " expired", null)
                .getOriginalMessage();

        assertFalse(message.contains(jwt), message);
        assertTrue(message.contains("token <token> expired"), message);
    }
}
