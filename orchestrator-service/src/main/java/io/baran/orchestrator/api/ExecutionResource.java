package io.baran.orchestrator.api;

import io.baran.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.baran.events.ExecutionEvent;
import io.baran.orchestrator.workflow.ExecutionAudit;
import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.workflow.RunbookWorkflow;
import io.smallrye.common.annotation.Blocking;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Executions of runbooks: where they stand, step by step, and the decisions people make on them. */
@RolesAllowed(Roles.VIEWER)
@Path("/api/executions")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionResource {

    @Inject
    ExecutionReader reader;

    @Inject
    WorkflowClient client;

    @Inject
    ExecutionAudit audit;

    @GET
    public Map<String, Object> list(@QueryParam("runbook") String runbook, @QueryParam("service") String service,
                                    @QueryParam("phase") String phase) {
        List<ExecutionReader.Summary> executions = reader.list(runbook, service, phase);
        return Map.of("executions", executions, "limit", ExecutionReader.LIST_LIMIT);
    }

    @GET
    @Path("/{id}")
    public Map<String, Object> get(@PathParam("id") String id) {
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        return ExecutionViews.execution(id, execution.status(), execution.progress());
    }

    @GET
    @Path("/{id}/report")
    public Map<String, Object> report(@PathParam("id") String id) {
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        return ExecutionViews.report(id, execution.status(), execution.progress());
    }

    /** The audit trail: every phase change and step transition of the execution, as stored in PostgreSQL. */
    @GET
    @Path("/{id}/events")
    public Map<String, Object> events(@PathParam("id") String id) {
        List<ExecutionEvent> events = audit.of(id);
        if (events.isEmpty() && reader.read(id).isEmpty()) {
            throw notFound(id);
        }
        return Map.of("executionId", id, "events", events);
    }

    /**
     * Approves what the execution waits for: its first step, an approval step, going on after a held step,
     * or failback. With {@code {"step": "<name>"}} the approval counts only if the execution waits at that
     * step, so an approval meant for one step never lets another go ahead.
     */
    @RolesAllowed(Roles.APPROVER)
    @POST
    @Path("/{id}/approve")
    public Response approve(@PathParam("id") String id, String body) {
        requireAwaitingStep(id, Decision.parse(body));
        return decide(id, "approve", w -> w.approve("api"));
    }

    /** The optional body of approve and reject: {@code {"step": "<name>"}}; no body at all is fine. */
    public record Decision(String step) {

        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        static Decision parse(String body) {
            if (body == null || body.isBlank()) {
                return null;
            }
            try {
                return JSON.readValue(body, Decision.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ProblemException(400, "Bad decision", "the body must be empty or {\"step\": \"<name>\"}: "
                        + e.getOriginalMessage());
            }
        }
    }

    /** Refuses what the execution waits for. */
    @RolesAllowed(Roles.APPROVER)
    @POST
    @Path("/{id}/reject")
    public Response reject(@PathParam("id") String id, String body) {
        requireAwaitingStep(id, Decision.parse(body));
        return decide(id, "reject", w -> w.reject("api"));
    }

    /** Fails back now, without waiting for recovery or stability. */
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("/{id}/failback")
    public Response failback(@PathParam("id") String id) {
        return decide(id, "failback", w -> w.failback("api"));
    }

    /** Aborts the execution: what it changed is undone. */
    @RolesAllowed({Roles.DRILL_OPERATOR, Roles.FAILOVER_OPERATOR})
    @POST
    @Path("/{id}/abort")
    public Response abort(@PathParam("id") String id) {
        requireRunning(id);
        WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id)).cancel();
        return Response.accepted(Map.of("executionId", id, "requested", "abort")).build();
    }

    private Response decide(String id, String what, Consumer<RunbookWorkflow> signal) {
        requireRunning(id);
        try {
            signal.accept(client.newWorkflowStub(RunbookWorkflow.class, id));
        } catch (WorkflowNotFoundException e) {
            throw notFound(id);
        }
        return Response.accepted(Map.of("executionId", id, "requested", what)).build();
    }

    private void requireAwaitingStep(String id, Decision decision) {
        if (decision == null || decision.step() == null) {
            return;
        }
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        var progress = execution.progress();
        if (progress.awaiting() == null || !decision.step().equals(progress.currentStep())) {
            throw new ProblemException(409, "Not waiting for that step", "execution " + id + " is not waiting for a decision on step "
                    + decision.step() + (progress.awaiting() == null ? "; it waits for nothing"
                    : "; it waits for " + progress.awaiting()));
        }
    }

    private void requireRunning(String id) {
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        if (!"running".equals(execution.status())) {
            throw new ProblemException(409, "Execution finished", "execution " + id + " is " + execution.status()
                    + " (phase " + execution.progress().phase() + "); there is nothing left to decide");
        }
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(404, "Unknown execution", "no running or recorded execution with id \"" + id + "\"");
    }
}
