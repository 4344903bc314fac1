package io.baran.orchestrator.api;

import io.baran.events.OutageEvent;
import io.baran.orchestrator.audit.AuditActions;
import io.baran.orchestrator.config.DrillConfig;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionFilter;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.runbook.Durations;
import io.baran.runbook.Runbook;
import io.baran.security.Roles;
import io.baran.workflow.Mode;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Drills: run a runbook's failover, hold, fail back. {@code mode: plan} observes and answers with what each
 * step would change. A drill never runs in mode failover: real failovers come from outage events or
 * {@code POST /api/failovers}.
 */
@RolesAllowed(Roles.DRILL_OPERATOR)
@Path("/api/drills")
@Tag(name = "Drills and failovers", description = "Start drills, plans and real failovers")
@APIResponse(responseCode = "401", description = Problem.UNAUTHORIZED)
@APIResponse(responseCode = "403", description = Problem.FORBIDDEN)
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
    public record DrillRequest(
            @Schema(required = true, pattern = ExecutionFilter.NAME, examples = "demo-web")
            String runbook,

            @Schema(
                    enumeration = {"drill", "plan"},
                    defaultValue = "drill")
            String mode,

            @Schema(pattern = "^([0-9]+(ms|s|m|h|d))+$", examples = "30s")
            String hold,

            @Schema(examples = "aws/us-east-1") String scope,
            Map<String, Object> parameters) {}

    @Inject
    RunbookCatalog catalog;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    ExecutionReader reader;

    @Inject
    DrillConfig drill;

    @Inject
    Caller caller;

    @Inject
    Audited audited;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run a drill (fail over, hold, fail back) or a plan (observe only) of a runbook")
    @APIResponse(
            responseCode = "200",
            description = "mode plan: what each step would change; nothing was changed",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanView.class)))
    @APIResponse(
            responseCode = "202",
            description = "the drill started (or a plan that took longer than a minute); poll Location",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ExecutionStarted.class)))
    @APIResponse(
            responseCode = "400",
            description =
                    "no runbook named, a mode other than drill or plan, a hold that is no duration or too long, or a"
                            + " scope that is not one")
    @APIResponse(responseCode = "403", description = "the runbook does not let the caller drill, or no role")
    @APIResponse(responseCode = "404", description = "no such runbook")
    @APIResponse(responseCode = "409", description = "another execution of the same protected service runs")
    @APIResponse(
            responseCode = "422",
            description = "the parameters do not fit the runbook: every error, positioned in the stored runbook")
    @AuditedAs(AuditActions.DRILL_START)
    @CustomDeserialization(StrictBody.class)
    public Response start(DrillRequest request, @BeanParam IdempotencyKeys.Header key) {
        audited.about(request == null ? null : request.runbook());
        String idempotencyKey = key.checked();
        if (request == null || request.runbook() == null || request.runbook().isBlank()) {
            throw new ProblemException(
                    400, "Runbook missing", "the body must name a runbook: {\"runbook\": \"<name>\"}");
        }
        Runbook runbook = RunbookProblems.find(catalog, request.runbook(), request.parameters());
        Mode mode = switch (request.mode() == null ? "drill" : request.mode()) {
            case "drill" -> Mode.DRILL;
            case "plan" -> Mode.PLAN;
            default ->
                throw new ProblemException(
                        400,
                        "Unknown mode",
                        "mode \"" + request.mode()
                                + "\" is not drill or plan (a real failover is never started from a drill; use POST /api/failovers)");
        };
        Duration hold = drill.hold();
        if (request.hold() != null) {
            hold = Durations.tryParse(request.hold())
                    .orElseThrow(() -> new ProblemException(
                            400, "Bad hold", "hold \"" + request.hold() + "\" is not a duration (use e.g. 30s or 5m)"));
            if (hold.compareTo(drill.maxHold()) > 0) {
                throw new ProblemException(
                        400,
                        "Bad hold",
                        "hold " + request.hold() + " is longer than the allowed "
                                + drill.maxHold().toString().substring(2).toLowerCase());
            }
        }
        if (request.scope() != null
                && !OutageEvent.SCOPE.matcher(request.scope()).matches()) {
            throw new ProblemException(
                    400,
                    "Bad scope",
                    "scope \""
                            + RefusalAudit.printable(request.scope(), 80)
                            + "\" is not a scope: segments of letters, digits, '.', '_' and '-' separated by '/', as the"
                            + " detector names them (aws/us-east-1, aws/us-east-1/s3)");
        }
        Duration chosenHold = hold;
        String id = audited.run(
                AuditActions.DRILL_START,
                runbook.name(),
                null,
                () -> {
                    caller.requireMayDrill(runbook);
                    return RunbookProblems.startOrConflict(() -> launcher.startByHand(
                            runbook,
                            mode,
                            chosenHold,
                            runbook.version(),
                            request.scope(),
                            caller.actor(),
                            idempotencyKey));
                },
                started -> new Audited.Outcome(
                        false,
                        Map.of(
                                "executionId",
                                started,
                                "mode",
                                mode.name().toLowerCase(),
                                "version",
                                runbook.version())));
        if (mode == Mode.PLAN) {
            var plan = reader.awaitResult(id, PLAN_WAIT);
            if (plan.isPresent()) {
                return Response.ok(ExecutionViews.plan(id, plan.get())).build();
            }
        }
        return Response.accepted(
                        new ExecutionStarted(id, runbook.name(), mode.name().toLowerCase()))
                .location(URI.create("/api/executions/" + id))
                .build();
    }
}
