package io.baran.security;

import io.quarkus.arc.Arc;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A method a path does not take answers 405 as problem details, with the {@code Allow} header naming the methods it does
 * take (RFC 9110, section 15.5.6), in the three services alike.
 */
public class MethodNotAllowedProblems {

    private static volatile AllowedMethods allowed;

    @ServerExceptionMapper(NotAllowedException.class)
    public Response notAllowed(NotAllowedException e, UriInfo uri) {
        Set<String> methods = allowed().forPath(uri.getPath());
        Response.ResponseBuilder out = Response.status(405)
                .type(AuthProblems.PROBLEM_JSON)
                .entity(new AuthProblems.AuthProblem(
                        "about:blank",
                        "Method Not Allowed",
                        405,
                        "this path does not take that method"
                                + (methods.isEmpty() ? "" : "; it takes " + String.join(", ", methods))));
        if (!methods.isEmpty()) {
            out.header(HttpHeaders.ALLOW, String.join(", ", methods));
        }
        return out.build();
    }

    /** The REST resources are CDI beans: their classes, read once. */
    private static AllowedMethods allowed() {
        AllowedMethods known = allowed;
        if (known == null) {
            List<Class<?>> resources = new ArrayList<>();
            for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
                resources.add(bean.getBeanClass());
            }
            known = AllowedMethods.of(resources);
            allowed = known;
        }
        return known;
    }
}
