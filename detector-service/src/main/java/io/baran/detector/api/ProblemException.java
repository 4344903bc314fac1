package io.baran.detector.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/** An error a REST caller can act on; rendered as RFC 9457 problem details. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String type, String title, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.problem = new Problem("https://baran.io/problems/" + type, title, status, detail, null, errors);
    }

    public static ProblemException of(int status, String type, String title, String detail) {
        return new ProblemException(status, type, title, detail, null);
    }

    public Problem problem() {
        return problem;
    }

    @Provider
    public static class Mapper implements ExceptionMapper<ProblemException> {
        @Override
        public Response toResponse(ProblemException e) {
            return Response.status(e.problem().status())
                    .type(Problem.MEDIA_TYPE)
                    .entity(e.problem())
                    .build();
        }
    }
}
