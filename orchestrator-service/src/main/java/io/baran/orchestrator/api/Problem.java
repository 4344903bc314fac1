package io.baran.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * RFC 9457 problem details.
 *
 * @param errors the individual errors, when there are several (e.g. every error of a runbook, each a
 *               {@link RunbookErrorView})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "RFC 9457 problem details; every error of the API has this shape")
public record Problem(
        @Schema(examples = "about:blank") String type,
        String title,
        int status,
        String detail,
        String instance,

        @Schema(
                description = "the individual errors, when there are several: every error of a runbook (line, "
                        + "column, path, message, text), or the ids of the executions in the way")
        List<?> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** How the security layer's 401 reads in the API's document (it answers with this problem's fields). */
    public static final String UNAUTHORIZED =
            "no valid bearer token: none was sent, or it has expired, or it was not issued for this API";
    /** How the security layer's 403 reads in the API's document. */
    public static final String FORBIDDEN = "the token does not carry a role this call needs";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null);
    }

    public static Problem withErrors(int status, String title, String detail, List<?> errors) {
        return new Problem("about:blank", title, status, detail, null, List.copyOf(errors));
    }
}
