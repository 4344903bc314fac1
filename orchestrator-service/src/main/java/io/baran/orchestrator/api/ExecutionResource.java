package io.baran.orchestrator.api;

import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.workflow.RunbookWorkflow;
import io.smallrye.common.annotation.Blocking;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** Executions of runbooks: where they stand, step by step. */
@Path("/api/executions")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionResource {

    @Inject
    ExecutionReader reader;

    @Inject
    WorkflowClient client;

    @GET
    @Path("/{id}")
    public Map<String, Object> get(@PathParam("id") String id) {
        var execution = reader.read(id).orElseThrow(() -> notFound(id));
        var p = execution.progress();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionId", id);
        body.put("status", execution.status());
        body.put("runbook", p.runbook());
        body.put("protects", p.protects());
        body.put("mode", p.mode() == null ? null : p.mode().name().toLowerCase());
        body.put("phase", p.phase());
        body.put("currentStep", p.currentStep());
        body.put("steps", p.steps());
        body.put("error", p.error());
        return body;
    }

    /** Approves what the execution waits for: the first step, going on after a held step, or failback. */
    @POST
    @Path("/{id}/approve")
    public Response approve(@PathParam("id") String id) {
        try {
            client.newWorkflowStub(RunbookWorkflow.class, id).approve("api");
        } catch (WorkflowNotFoundException e) {
            throw notFound(id);
        }
        return Response.accepted(Map.of("executionId", id, "approved", true)).build();
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(404, "Unknown execution", "no running or recorded execution with id \"" + id + "\"");
    }
}
