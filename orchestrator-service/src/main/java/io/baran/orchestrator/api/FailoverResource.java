package io.baran.orchestrator.api;

import io.baran.orchestrator.audit.AuditActions;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionFilter;
import io.baran.orchestrator.workflow.ExecutionLauncher;
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
 * A real failover started by a person (an outage the detectors cannot see). It stays failed over until
 * the runbook's failback condition holds or a person asks for failback. The body must repeat the runbook's
 * name in {@code confirm}, so no mistyped call moves production traffic.
 */
@RolesAllowed(Roles.FAILOVER_OPERATOR)
@Path("/api/failovers")
@Tag(name = "Drills and failovers")
@APIResponse(responseCode = "401", description = Problem.UNAUTHORIZED)
@APIResponse(responseCode = "403", description = Problem.FORBIDDEN)
@Blocking
public class FailoverResource {

    /**
     * @param parameters values for this failover of parameters the runbook declares; its defaults otherwise
     */
    public record FailoverRequest(
            @Schema(required = true, pattern = ExecutionFilter.NAME, examples = "demo-web")
            String runbook,

            @Schema(required = true, description = "the runbook's name again", examples = "demo-web")
            String confirm,

            String reason,
            Map<String, Object> parameters) {}

    @Inject
    RunbookCatalog catalog;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    Caller caller;

    @Inject
    Audited audited;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Start a real failover by hand; it stays failed over until its failback condition holds or failback is asked")
    @APIResponse(
            responseCode = "202",
            description = "the failover started; poll Location",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ExecutionStarted.class)))
    @APIResponse(
            responseCode = "400",
            description =
                    "no runbook named, confirm does not repeat its name, or a reason longer than 1,000 characters or"
                            + " with control characters; nothing started")
    @APIResponse(responseCode = "403", description = "the runbook does not let the caller fail over, or no role")
    @APIResponse(responseCode = "404", description = "no such runbook")
    @APIResponse(responseCode = "409", description = "another execution of the same protected service runs")
    @APIResponse(
            responseCode = "422",
            description = "the parameters do not fit the runbook: every error, positioned in the stored runbook")
    @AuditedAs(AuditActions.FAILOVER_START)
    @CustomDeserialization(StrictBody.class)
    public Response start(FailoverRequest request, @BeanParam IdempotencyKeys.Header key) {
        audited.about(request == null ? null : request.runbook());
        String idempotencyKey = key.checked();
        if (request == null || request.runbook() == null || request.runbook().isBlank()) {
            throw new ProblemException(
                    400,
                    "Runbook missing",
                    "the body must name a runbook: {\"runbook\": \"<name>\", \"confirm\": \"<name>\"}");
        }
        Runbook runbook = RunbookProblems.find(catalog, request.runbook(), request.parameters());
        if (!runbook.name().equals(request.confirm())) {
            throw new ProblemException(
                    400,
                    "Not confirmed",
                    "a real failover moves production traffic: repeat the runbook's name"
                            + " in \"confirm\" (\"confirm\": \"" + runbook.name() + "\") to start it");
        }
        String id = audited.run(
                AuditActions.FAILOVER_START,
                runbook.name(),
                request.reason(),
                () -> {
                    caller.requireMayFailover(runbook);
                    return RunbookProblems.startOrConflict(() -> launcher.startByHand(
                            runbook,
                            Mode.FAILOVER,
                            Duration.ZERO,
                            runbook.version(),
                            null,
                            caller.actor(),
                            idempotencyKey));
                },
                started -> new Audited.Outcome(false, Map.of("executionId", started, "version", runbook.version())));
        return Response.accepted(new ExecutionStarted(id, runbook.name(), "failover"))
                .location(URI.create("/api/executions/" + id))
                .build();
    }
}
