package io.baran.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * RFC 9457 problem details.
 *
 * @param errors the individual errors, when there are several (e.g. every error of a runbook, each a
 *               {@link RunbookErrorView})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<?> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null);
    }

    public static Problem withErrors(int status, String title, String detail, List<?> errors) {
        return new Problem("about:blank", title, status, detail, null, List.copyOf(errors));
    }
}
