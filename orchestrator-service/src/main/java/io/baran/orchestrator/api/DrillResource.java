package io.baran.orchestrator.api;

import io.baran.orchestrator.config.DrillConfig;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.runbook.Durations;
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
 * Drills: run a runbook's failover, hold, fail back. {@code mode: plan} observes and answers with what each
 * step would change. A drill never runs in mode failover: real failovers come from outage events or
 * {@code POST /api/failovers}.
 */
@Path("/api/drills")
@Blocking
public class DrillResource {

    /** How long a plan request waits for the plan before answering 202 with the execution to poll. */
    private static final Duration PLAN_WAIT = Duration.ofSeconds(60);

    /**
     * @param runbook the runbook's name
     * @param mode    {@code drill} (default) or {@code plan}
     * @param hold    how long to stay failed over, e.g. {@code 30s}; the configured default when absent
     * @param scope      the outage to plan or drill for, e.g. {@code aws/us-east-1}: steps whose provider's
     *                   control plane lives there are flagged
     * @param parameters values for this drill of parameters the runbook declares, e.g. a test zone; each
     *                   must be of its default's kind. The runbook's defaults otherwise
     */
    public record DrillRequest(String runbook, String mode, String hold, String scope, Map<String, Object> parameters) {
    }

    @Inject
    RunbookCatalog catalog;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    ExecutionReader reader;

    @Inject
    DrillConfig drill;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response start(DrillRequest request) {
        if (request == null || request.runbook() == null || request.runbook().isBlank()) {
            throw new ProblemException(400, "Runbook missing", "the body must name a runbook: {\"runbook\": \"<name>\"}");
        }
        Runbook runbook = RunbookProblems.find(catalog, request.runbook(), request.parameters());
        Mode mode = switch (request.mode() == null ? "drill" : request.mode()) {
            case "drill" -> Mode.DRILL;
            case "plan" -> Mode.PLAN;
            default -> throw new ProblemException(400, "Unknown mode",
                    "mode \"" + request.mode() + "\" is not drill or plan (a real failover is never started from a drill; use POST /api/failovers)");
        };
        Duration hold = drill.hold();
        if (request.hold() != null) {
            hold = Durations.tryParse(request.hold()).orElseThrow(() -> new ProblemException(400, "Bad hold",
                    "hold \"" + request.hold() + "\" is not a duration (use e.g. 30s or 5m)"));
            if (hold.compareTo(drill.maxHold()) > 0) {
                throw new ProblemException(400, "Bad hold", "hold " + request.hold() + " is longer than the allowed "
                        + drill.maxHold().toString().substring(2).toLowerCase());
            }
        }
        Duration chosenHold = hold;
        Actor caller = Actor.person("api", java.util.List.of()); // identity: replaced by the verified caller
        String id = RunbookProblems.startOrConflict(() -> launcher.startByHand(runbook, mode, chosenHold, runbook.version(), request.scope(),
                caller));
        if (mode == Mode.PLAN) {
            var plan = reader.awaitResult(id, PLAN_WAIT);
            if (plan.isPresent()) {
                return Response.ok(ExecutionViews.plan(id, plan.get())).build();
            }
        }
        return Response.accepted(Map.of("executionId", id, "runbook", runbook.name(), "mode", mode.name().toLowerCase()))
                .location(URI.create("/api/executions/" + id)).build();
    }
}
