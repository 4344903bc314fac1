package io.baran.orchestrator.api;

import jakarta.ws.rs.HeaderParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The {@code Idempotency-Key} header of the requests that start executions: the same key from the same person for the
 * same runbook and mode names the same execution, so a request retried after its answer was lost starts nothing twice.
 */
final class IdempotencyKeys {

    static final String HEADER = "Idempotency-Key";
    /** What the header may hold. */
    static final String PATTERN = "^[A-Za-z0-9._:-]{1,64}$";

    static final String DESCRIPTION = "Makes a retried request safe: the same key from the same person for the same"
            + " runbook and mode answers with the execution the first request started (for as long as Temporal keeps"
            + " it) instead of starting another; 1 to 64 of A-Z a-z 0-9 . _ : -";

    private IdempotencyKeys() {}

    /** The header as a resource method takes it: {@code @BeanParam IdempotencyKeys.Header key}. */
    public static class Header {

        @HeaderParam(HEADER)
        @Parameter(
                description = DESCRIPTION,
                schema = @Schema(type = SchemaType.STRING, maxLength = 64, pattern = PATTERN))
        String value;

        /** The key (null when there is none); a 400 problem when it is not 1 to 64 of the allowed characters. */
        String checked() {
            return check(value);
        }
    }

    /** The key as given (null when there is none); a 400 problem when it is not 1 to 64 of the allowed characters. */
    static String check(String key) {
        if (key != null && !key.matches(PATTERN)) {
            throw new ProblemException(
                    400,
                    "Bad Idempotency-Key",
                    "header Idempotency-Key must be 1 to 64 characters, each one of A-Z a-z 0-9 . _ : -");
        }
        return key;
    }
}
