package io.baran.security;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Errors the REST layer raises by itself (no such path, a method or media type an endpoint does not take,
 * a body that does not read, ...) as problem details too, so every error of the three APIs has one shape.
 */
@Provider
public class WebProblemMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        if (original.hasEntity()) {
            return original;
        }
        int status = original.getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String detail = switch (status) {
            case 415 ->
                "this endpoint does not take a body of that media type (the media types each takes are in /q/openapi;"
                        + " runbooks are sent as application/yaml)";
            case 400 ->
                e.getMessage() == null || e.getMessage().startsWith("HTTP 400")
                        ? "the request does not read (a body that is not JSON, a parameter of the wrong type); the API is described at /q/openapi"
                        : e.getMessage();
            case 405 -> "this path does not take that method";
            case 404 -> "no such path; the API is described at /q/openapi";
            default -> e.getMessage();
        };
        Response.ResponseBuilder out = Response.status(status)
                .type(AuthProblems.PROBLEM_JSON)
                .entity(new AuthProblems.AuthProblem("about:blank", title, status, detail));
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                values.forEach(v -> out.header(name, v));
            }
        });
        return out.build();
    }
}
