package io.baran.worker.provider.azure;

import io.baran.worker.Failures;
import io.baran.worker.provider.FailureText;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.regex.Pattern;

/**
 * The one place where Azure Resource Manager answers become Baran's failure types, so the workflow's retry
 * policy sees the same type for the same cause whichever Azure service or call failed.
 */
public final class AzureFailures {

    /** Bearer tokens are JWTs; an error body that echoes one must not carry it into a log or a workflow history. */
    private static final FailureText TEXT =
            new FailureText(Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"), "<token>");

    private AzureFailures() {}

    /**
     * An answer ARM gave with an error status.
     *
     * @param where      e.g. {@code provider azure-dr (Azure DNS): CreateOrUpdate on www.example.com. CNAME}
     * @param code       the {@code error.code} of ARM's error body, or null
     * @param message    its {@code error.message}, or null
     * @param retryAfter the Retry-After header, or null
     */
    public static ApplicationFailure answered(
            String where, int status, String code, String message, String retryAfter) {
        String reason = TEXT.describe(code == null || code.isBlank() ? null : code, message, status);
        if (status == 429) {
            return Failures.of(
                    FailureTypes.PROVIDER_THROTTLED,
                    where + " was throttled: " + reason
                            + (retryAfter == null ? "" : "; Azure asks to retry after " + retryAfter + " s"));
        }
        if (status >= 500) {
            return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " failed on the provider's side: " + reason);
        }
        if (status == 412) {
            return Failures.of(
                    FailureTypes.PLAN_UNSAFE,
                    where + " was refused because the resource changed since it was read"
                            + " (its etag no longer matches): " + reason
                            + "; Baran will not overwrite it (check it, then plan again)");
        }
        if (status == 409) {
            // ARM answers 409 while another operation runs on the resource (AnotherOperationInProgress): it passes.
            return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " found the resource busy: " + reason);
        }
        if (status == 401) {
            return Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + " was not authenticated: " + reason
                            + "; check the identity of DefaultAzureCredential (AZURE_CLIENT_ID, AZURE_TENANT_ID, workload or managed identity)");
        }
        if (status == 403) {
            return Failures.of(
                    FailureTypes.PROVIDER_REJECTED,
                    where + " was not authorized: " + reason
                            + "; the identity needs the roles listed in the Azure adapter's README");
        }
        if (status == 404) {
            return Failures.of(FailureTypes.PROVIDER_REJECTED, where + " found no such resource: " + reason);
        }
        return Failures.of(FailureTypes.PROVIDER_REJECTED, where + " was rejected: " + reason);
    }

    /** No answer: connection refused, reset or timed out. */
    public static ApplicationFailure unreachable(String where, Throwable cause) {
        return Failures.of(
                FailureTypes.PROVIDER_UNAVAILABLE, where + " could not reach the provider: " + TEXT.rootCause(cause));
    }

    /** DefaultAzureCredential found no identity, or the identity's token request was refused. */
    public static ApplicationFailure noToken(String where, Throwable cause) {
        return Failures.of(
                FailureTypes.PROVIDER_REJECTED,
                where + " has no Azure token: " + TEXT.rootCause(cause)
                        + "; give the replication-worker an identity DefaultAzureCredential finds (environment, workload or managed identity)");
    }

    /** A long-running operation ARM reported as Failed or Canceled. */
    public static ApplicationFailure operationFailed(String where, String status, String code, String message) {
        String reason = (code == null ? "" : code + ": ") + (message == null ? "no message" : TEXT.redact(message));
        if ("Canceled".equalsIgnoreCase(status)) {
            return Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " was canceled by Azure: " + reason);
        }
        return Failures.of(FailureTypes.PROVIDER_REJECTED, where + " failed at Azure: " + reason);
    }
}
