package io.baran.detector.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * RFC 9457 problem details.
 *
 * @param errors one entry per wrong field, when the request has several problems
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One wrong field: its name in the request body and what is wrong with it. */
    public record FieldError(String field, String detail) {}
}
