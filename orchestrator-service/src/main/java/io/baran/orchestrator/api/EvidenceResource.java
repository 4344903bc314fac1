package io.baran.orchestrator.api;

import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionAudit;
import io.baran.orchestrator.workflow.ExecutionReader;
import io.baran.runbook.Objectives;
import io.baran.runbook.Runbook;
import io.baran.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * The evidence pack of an execution, for auditors: JSON (the record, with its hash), PDF or HTML (the same, to read).
 * Read-only, so role {@code viewer}; auditors get that role and nothing more.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/api/executions/{id}/evidence")
@Tag(name = "Executions", description = "Where executions stand, their reports, and the decisions people make on them")
@APIResponse(
        responseCode = "401",
        description = Problem.UNAUTHORIZED,
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
        responseCode = "403",
        description = Problem.FORBIDDEN,
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@Blocking
public class EvidenceResource {

    private static final Logger LOG = Logger.getLogger(EvidenceResource.class);
    static final String PDF = "application/pdf";

    @Inject
    ExecutionReader reader;

    @Inject
    ExecutionAudit audit;

    @Inject
    RunbookCatalog catalog;

    @GET
    @Produces({MediaType.APPLICATION_JSON, PDF, MediaType.TEXT_HTML})
    @Operation(
            summary = "The evidence pack of an execution: runbook version and sha256, who started and approved, each "
                    + "step before and after, RTO and RPO against the objectives, the Temporal run, a hash of the pack")
    @APIResponse(
            responseCode = "200",
            description = "the pack: JSON by default; PDF or HTML by format or Accept",
            content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EvidencePack.class)),
                @Content(
                        mediaType = PDF,
                        schema =
                                @Schema(
                                        type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                                        format = "binary")),
                @Content(
                        mediaType = MediaType.TEXT_HTML,
                        schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING))
            })
    @APIResponse(
            responseCode = "400",
            description = "a format other than json, pdf or html",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "no such execution",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response evidence(
            @PathParam("id") String id,
            @Parameter(description = "json (default), pdf or html; without it, the Accept header chooses")
                    @QueryParam("format")
                    String format,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String chosen = chosen(format, accept);
        var execution = reader.read(id)
                .orElseThrow(() -> new ProblemException(
                        404, "Unknown execution", "no running or recorded execution with id \"" + id + "\""));
        var progress = execution.progress();
        Optional<Runbook> runbook = runbookOf(progress.runbook(), progress.runbookVersion());
        EvidencePack pack = EvidencePacks.of(
                ExecutionViews.execution(id, execution.status(), progress),
                ExecutionViews.report(
                        id,
                        execution.status(),
                        progress,
                        runbook.map(Runbook::objectives).orElse(Objectives.NONE)),
                execution.runId(),
                runbook,
                audit.of(id),
                Instant.now());
        return switch (chosen) {
            case "pdf" ->
                Response.ok(EvidenceDocuments.pdf(pack), PDF)
                        .header("Content-Disposition", "inline; filename=\"evidence-" + id + ".pdf\"")
                        .header("X-Baran-Pack-Sha256", pack.packSha256())
                        .build();
            case "html" ->
                Response.ok(EvidenceDocuments.html(pack), MediaType.TEXT_HTML + ";charset=utf-8")
                        .header("X-Baran-Pack-Sha256", pack.packSha256())
                        .build();
            default -> Response.ok(pack, MediaType.APPLICATION_JSON).build();
        };
    }

    private static String chosen(String format, String accept) {
        if (format != null) {
            if (!java.util.List.of("json", "pdf", "html").contains(format)) {
                throw new ProblemException(
                        400,
                        "Unknown format",
                        "format \"" + format.replaceAll("[^A-Za-z0-9._-]", "?") + "\" is not json, pdf or html");
            }
            return format;
        }
        if (accept != null && accept.contains(PDF)) {
            return "pdf";
        }
        if (accept != null && accept.contains(MediaType.TEXT_HTML)) {
            return "html";
        }
        return "json";
    }

    private Optional<Runbook> runbookOf(String name, int version) {
        try {
            return catalog.version(name, version);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "cannot read version %d of runbook %s (%s); the pack goes without its sha256",
                    version, name, e.getMessage());
            return Optional.empty();
        }
    }
}
