package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/** The mapping from AWS SDK exceptions (as the SDK builds them from Route 53 answers) to Baran's failure types. */
class AwsFailuresTest {

    private static Route53Exception answered(int status, String code, String message) {
        return (Route53Exception) Route53Exception.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName("Route53")
                        .build())
                .build();
    }

    private static ApplicationFailure map(Exception e) {
        return AwsFailures.map(
                (software.amazon.awssdk.core.exception.SdkException) e,
                "aws-main",
                "ChangeResourceRecordSets",
                "www.example.com. CNAME in zone example.com.");
    }

    @Test
    void throttlingIsRetryable() {
        for (Route53Exception e : new Route53Exception[] {
            answered(429, "TooManyRequests", "slow down"),
            answered(400, "Throttling", "Rate exceeded"),
            answered(400, "PriorRequestNotComplete", "still busy")
        }) {
            ApplicationFailure failure = map(e);
            assertEquals(FailureTypes.PROVIDER_THROTTLED, failure.getType(), failure.getOriginalMessage());
            assertFalse(failure.isNonRetryable());
        }
    }

    /** A global database failing or switching over refuses another failover for a while: the next attempt observes. */
    @Test
    void aGlobalDatabaseBusyFailingOverIsRetryable() {
        ApplicationFailure failure = AwsFailures.map(
                software.amazon.awssdk.services.rds.model.RdsException.builder()
                        .statusCode(400)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("InvalidGlobalClusterStateFault")
                                .errorMessage("Global cluster orders-global is failing over")
                                .build())
                        .build(),
                "aws-dr",
                "RDS",
                "FailoverGlobalCluster",
                "orders-global");

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, failure.getType(), failure.getOriginalMessage());
        assertFalse(failure.isNonRetryable());
    }

    @Test
    void serverErrorsAndUnreachableEndpointsAreRetryable() {
        ApplicationFailure fiveHundred = map(answered(503, "ServiceUnavailable", "try later"));
        ApplicationFailure refused = map(SdkClientException.builder()
                .message("Unable to execute HTTP request")
                .cause(new ConnectException("Connection refused"))
                .build());

        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, fiveHundred.getType());
        assertFalse(fiveHundred.isNonRetryable());
        assertEquals(FailureTypes.PROVIDER_UNAVAILABLE, refused.getType());
        assertTrue(
                refused.getOriginalMessage()
                        .endsWith("could not reach the provider: ConnectException: Connection refused"),
                refused.getOriginalMessage());
    }

    @Test
    void refusalsAreNotRetriedAndSayWhatAndWhy() {
        for (Route53Exception e : new Route53Exception[] {
            answered(404, "NoSuchHostedZone", "No hosted zone found with ID: Z1"),
            answered(400, "InvalidInput", "Invalid request"),
            answered(403, "AccessDenied", "not authorized")
        }) {
            ApplicationFailure failure = map(e);
            assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
            assertTrue(failure.isNonRetryable());
            String code = e.awsErrorDetails().errorCode();
            assertEquals(
                    "provider aws-main (Route 53): ChangeResourceRecordSets on www.example.com. CNAME in zone example.com."
                            + " was rejected: " + code + ": "
                            + e.awsErrorDetails().errorMessage() + " (HTTP " + e.statusCode() + ")",
                    failure.getOriginalMessage());
        }
    }

    @Test
    void missingCredentialsSayWhereCredentialsComeFrom() {
        ApplicationFailure failure =
                map(SdkClientException.create("Unable to load credentials from any of the providers in the chain"));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("AWS_ACCESS_KEY_ID"), failure.getOriginalMessage());
    }

    @Test
    void accessKeyIdsDoNotReachTheMessage() {
        ApplicationFailure failure = map(answered(
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid: AKIAIOSFODNN7EXAMPLE"));

        assertFalse(failure.getOriginalMessage().contains("AKIAIOSFODNN7EXAMPLE"), failure.getOriginalMessage());
        assertTrue(failure.getOriginalMessage().contains("<access key id>"));
    }
}
