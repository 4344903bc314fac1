package io.baran.orchestrator.api;

import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;
import io.baran.workflow.Actor;
import io.baran.workflow.Mode;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * A real failover started by a person (an outage the detectors cannot see). It stays failed over until
 * the runbook's failback condition holds or a person asks for failback. The body must repeat the runbook's
 * name in {@code confirm}, so no mistyped call moves production traffic.
 */
@Path("/api/failovers")
@Blocking
public class FailoverResource {

    /**
     * @param parameters values for this failover of parameters the runbook declares; its defaults otherwise
     */
    public record FailoverRequest(String runbook, String confirm, String reason, Map<String, Object> parameters) {
    }

    @Inject
    RunbookCatalog catalog;

    @Inject
    ExecutionLauncher launcher;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response start(FailoverRequest request) {
        if (request == null || request.runbook() == null || request.runbook().isBlank()) {
            throw new ProblemException(400, "Runbook missing", "the body must name a runbook: {\"runbook\": \"<name>\", \"confirm\": \"<name>\"}");
        }
        Runbook runbook = RunbookProblems.find(catalog, request.runbook(), request.parameters());
        if (!runbook.name().equals(request.confirm())) {
            throw new ProblemException(400, "Not confirmed", "a real failover moves production traffic: repeat the runbook's name"
                    + " in \"confirm\" (\"confirm\": \"" + runbook.name() + "\") to start it");
        }
        Actor caller = Actor.person("api", java.util.List.of()); // identity: replaced by the verified caller
        String id = RunbookProblems.startOrConflict(() -> launcher.startByHand(runbook, Mode.FAILOVER, Duration.ZERO, runbook.version(),
                caller));
        return Response.accepted(Map.of("executionId", id, "runbook", runbook.name(), "mode", "failover"))
                .location(URI.create("/api/executions/" + id)).build();
    }
}
