package io.baran.worker.provider.aws;

import io.baran.worker.Failures;
import io.baran.worker.provider.FailureText;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place where AWS SDK exceptions become Baran's failure types, so the workflow's retry policy
 * sees the same type for the same cause whichever service or call failed.
 */
public final class AwsFailures {

    /** Error codes AWS uses for "slow down", some of them with HTTP 400. */
    private static final Set<String> THROTTLING = Set.of(
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestLimitExceeded",
            "TooManyRequestsException",
            "PriorRequestNotComplete",
            "RequestThrottled",
            "RequestThrottledException",
            "SlowDown");
    /**
     * 4xx codes that describe a passing state of the resource (RDS busy modifying, a global database failing or switching
     * over): worth retrying, and the next attempt observes what is under way before it asks again.
     */
    private static final Set<String> BUSY = Set.of(
            "InvalidDBInstanceState",
            "InvalidDBClusterStateFault",
            "OperationAborted",
            "InvalidDBInstanceStateFault",
            "InvalidGlobalClusterStateFault");
    /** Access key ids may appear in signature errors; they are not secret, but they say whose key it is. */
    private static final FailureText TEXT =
            new FailureText(Pattern.compile("\\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\\b"), "<access key id>");

    private AwsFailures() {}

    /** A Route 53 call; see {@link #map(SdkException, String, String, String, String)}. */
    public static ApplicationFailure map(SdkException e, String provider, String operation, String resource) {
        return map(e, provider, "Route 53", operation, resource);
    }

    /**
     * @param provider  the configured provider name
     * @param service   the AWS service, as people name it: Route 53, CloudFront, RDS, S3
     * @param operation the API operation, e.g. ChangeResourceRecordSets
     * @param resource  what the call was about, e.g. {@code www.example.com. CNAME in zone example.com.}
     */
    public static ApplicationFailure map(
            SdkException e, String provider, String service, String operation, String resource) {
        String where = "provider " + provider + " (" + service + "): " + operation + " on " + resource;
        if (e instanceof AwsServiceException failed) {
            AwsErrorDetails details = failed.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            String reason = TEXT.describe(code, details == null ? null : details.errorMessage(), failed.statusCode());
            if (failed.statusCode() == 429
                    || (code != null && THROTTLING.contains(code))
                    || failed.isThrottlingException()) {
                return Failures.of(FailureTypes.PROVIDER_THROTTLED, where + " was throttled: " + reason);
            }
            if (failed.statusCode() >= 500) {
                return Failures.of(
                        FailureTypes.PROVIDER_UNAVAILABLE, where + " failed on the provider's side: " + reason);
            }
            if (code != null && BUSY.contains(code)) {
                return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " found the resource busy: " + reason);
            }
            return Failures.of(FailureTypes.PROVIDER_REJECTED, where + " was rejected: " + reason);
        }
        if (e instanceof SdkClientException
                && e.getMessage() != null
                && e.getMessage().contains("Unable to load credentials")) {
            return Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + " has no credentials: set AWS_ACCESS_KEY_ID and "
                            + "AWS_SECRET_ACCESS_KEY (or another source of the AWS SDK's default chain) for the replication-worker");
        }
        return Failures.of(
                FailureTypes.PROVIDER_UNAVAILABLE, where + " could not reach the provider: " + TEXT.rootCause(e));
    }

    /** The AWS error code of a service error, or null. */
    static String code(SdkException e) {
        return e instanceof AwsServiceException s && s.awsErrorDetails() != null
                ? s.awsErrorDetails().errorCode()
                : null;
    }
}
