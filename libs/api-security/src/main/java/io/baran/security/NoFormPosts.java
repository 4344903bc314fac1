package io.baran.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Cross-site request forgery: a browser sends a form to another origin without asking, never JSON or YAML and
 * never an Authorization header. Every call needs a bearer token anyway; this refuses the form media types on
 * state-changing methods as well, before anything reads the body.
 */
public class NoFormPosts {

    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @ServerRequestFilter(preMatching = true)
    public Response refuseForms(ContainerRequestContext request) {
        if (!CHANGING.contains(request.getMethod())) {
            return null;
        }
        MediaType type = request.getMediaType();
        if (type != null
                && (type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                        || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE))) {
            return Response.status(415)
                    .type(AuthProblems.PROBLEM_JSON)
                    .entity(new AuthProblems.AuthProblem(
                            "about:blank",
                            "Unsupported Media Type",
                            415,
                            "form posts are refused on calls that change something; send JSON (or YAML for runbooks)"
                                    + " with a bearer token"))
                    .build();
        }
        return null;
    }
}
