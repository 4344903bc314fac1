package io.baran.worker.provider.gcp;

import io.baran.worker.Failures;
import io.baran.worker.provider.FailureText;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place where failed Google API calls become Baran's failure types, so the workflow's retry policy
 * sees the same type for the same cause whichever API (Cloud DNS, Compute, Cloud SQL Admin) failed.
 */
public final class GcpFailures {

    /** Reasons Google gives for "slow down", some with HTTP 403 rather than 429. */
    private static final Set<String> THROTTLING = Set.of(
            "rateLimitExceeded",
            "userRateLimitExceeded",
            "quotaExceeded",
            "RESOURCE_EXHAUSTED",
            "QUOTA_EXCEEDED",
            "RATE_LIMIT_EXCEEDED");
    /** A resource busy with another operation: Compute says resourceNotReady, Cloud SQL operationInProgress. */
    private static final Set<String> BUSY =
            Set.of("resourceNotReady", "operationInProgress", "FAILED_PRECONDITION_BUSY");
    /** Bearer tokens must never reach a log line or a workflow history. */
    private static final FailureText TEXT = new FailureText(Pattern.compile("ya29\\.[A-Za-z0-9._-]+"), "<token>");

    private GcpFailures() {}

    /**
     * @param provider  the configured provider name
     * @param service   the API as people name it: Cloud DNS, Cloud CDN, Cloud SQL
     * @param operation the API method, e.g. changes.create
     * @param resource  what the call was about, e.g. {@code www.example.com. CNAME in zone example-com}
     * @param status    the HTTP status
     * @param reason    Google's error reason ({@code error.errors[0].reason} or {@code error.status}), or null
     * @param message   Google's error message, or null
     */
    public static ApplicationFailure map(
            int status,
            String reason,
            String message,
            String provider,
            String service,
            String operation,
            String resource) {
        String where = "provider " + provider + " (" + service + "): " + operation + " on " + resource;
        String why = TEXT.describe(reason, message, status);
        if (status == 429 || (reason != null && THROTTLING.contains(reason))) {
            return Failures.of(FailureTypes.PROVIDER_THROTTLED, where + " was throttled: " + why);
        }
        if (status >= 500) {
            return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " failed on the provider's side: " + why);
        }
        if (reason != null && BUSY.contains(reason)) {
            return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " found the resource busy: " + why);
        }
        if (status == 401) {
            return Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + " was refused its credentials: " + why
                            + "; check GOOGLE_APPLICATION_CREDENTIALS or the workload's service account");
        }
        if (status == 403) {
            return Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + " is not permitted: " + why + " (see the gcp provider's README for the roles it needs)");
        }
        if (status == 404) {
            return Failures.of(FailureTypes.PROVIDER_REJECTED, where + " found no such resource: " + why);
        }
        return Failures.of(FailureTypes.PROVIDER_REJECTED, where + " was rejected: " + why);
    }

    /** The call never got an answer: a connection refused, a time-out, a name that did not resolve. */
    public static ApplicationFailure unreachable(
            Throwable e, String provider, String service, String operation, String resource) {
        return Failures.of(
                FailureTypes.PROVIDER_UNAVAILABLE,
                "provider " + provider + " (" + service + "): " + operation + " on " + resource
                        + " could not reach the provider: " + TEXT.rootCause(e));
    }

    /** No credentials could be found by Application Default Credentials. */
    public static ApplicationFailure noCredentials(
            Throwable e, String provider, String service, String operation, String resource) {
        return Failures.of(
                FailureTypes.PROVIDER_REJECTED,
                "provider " + provider + " (" + service + "): " + operation + " on "
                        + resource + " has no credentials (" + TEXT.rootCause(e)
                        + "): set GOOGLE_APPLICATION_CREDENTIALS or run "
                        + "where the metadata server gives the workload a service account");
    }
}
