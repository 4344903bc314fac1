package io.baran.orchestrator.api;

import io.baran.orchestrator.runbook.RunbookBusyException;
import io.baran.runbook.RunbookError;
import io.baran.runbook.RunbookInvalidException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/** Runbook errors as RFC 9457 problem details. */
public final class RunbookProblemMappers {

    private RunbookProblemMappers() {}

    /** Every error of a refused runbook, with line, column and path: 422, nothing stored. */
    static Problem invalid(List<RunbookError> errors) {
        String file = errors.isEmpty() ? "the runbook" : errors.get(0).file();
        return Problem.withErrors(
                422,
                "Invalid runbook",
                errors.size() + (errors.size() == 1 ? " error" : " errors") + " in " + file + "; nothing was stored",
                errors.stream().map(RunbookErrorView::of).toList());
    }

    @Provider
    public static class Invalid implements ExceptionMapper<RunbookInvalidException> {
        @Override
        public Response toResponse(RunbookInvalidException e) {
            return Response.status(422)
                    .type(Problem.MEDIA_TYPE)
                    .entity(invalid(e.errors()))
                    .build();
        }
    }

    @Provider
    public static class Busy implements ExceptionMapper<RunbookBusyException> {
        @Override
        public Response toResponse(RunbookBusyException e) {
            return Response.status(409)
                    .type(Problem.MEDIA_TYPE)
                    .entity(Problem.withErrors(409, "Runbook in use", e.getMessage(), e.running()))
                    .build();
        }
    }
}
