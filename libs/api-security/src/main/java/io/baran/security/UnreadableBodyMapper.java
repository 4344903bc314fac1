package io.baran.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A JSON body that does not bind to the operation's record (not JSON, an array where an object belongs, a list where a
 * map belongs, ...) answers 400 as problem details like every other error, instead of the REST layer's own shapes (an
 * empty 400), in the three services alike.
 */
public class UnreadableBodyMapper {

    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response unreadable(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return problem("the body has a field this call does not take" + path(unknown) + "; it takes "
                    + unknown.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .toList()
                    + " (nothing was done)");
        }
        String where = e instanceof MismatchedInputException m ? path(m) : "";
        return problem("the body is not the JSON this call takes" + where
                + "; its shape is in the API's document (/q/openapi on the management port)");
    }

    private static Response problem(String detail) {
        return Response.status(400)
                .type(AuthProblems.PROBLEM_JSON)
                .entity(new AuthProblems.AuthProblem("about:blank", "Unreadable body", 400, detail))
                .build();
    }

    /** Where the body went wrong, e.g. {@code " at parameters"}; Jackson's own message would name Java classes. */
    private static String path(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "" : " at " + path;
    }
}
