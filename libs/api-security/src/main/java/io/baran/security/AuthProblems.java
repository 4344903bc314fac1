package io.baran.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A missing, expired or foreign token answers 401 and a missing role 403, both as RFC 9457 problem details like
 * every other error of the APIs. Authentication is not proactive ({@code quarkus.http.auth.proactive=false}), so
 * these failures reach the REST layer and are answered here.
 */
public class AuthProblems {

    static final String PROBLEM_JSON = "application/problem+json";
    static final String CHALLENGE = "Bearer realm=\"baran\"";

    /** The problem document; the services' own problem types have the same fields. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuthProblem(String type, String title, int status, String detail) {}

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .type(PROBLEM_JSON)
                .entity(new AuthProblem(
                        "about:blank",
                        "Unauthorized",
                        401,
                        "this call needs a valid bearer token from the identity provider (Authorization: Bearer <token>);"
                                + " none was sent, or it has expired, or it was not issued for this API"))
                .build();
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden(ForbiddenException e) {
        return Response.status(403)
                .type(PROBLEM_JSON)
                .entity(new AuthProblem(
                        "about:blank",
                        "Forbidden",
                        403,
                        e.getMessage() != null && !e.getMessage().isBlank()
                                ? e.getMessage()
                                : "your token does not carry a role this call needs"))
                .build();
    }
}
