package io.baran.orchestrator.api;

import io.baran.orchestrator.readiness.ReadinessStore;
import io.baran.orchestrator.readiness.ReadinessView;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.runbook.Runbook;
import io.baran.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Continuous readiness: each runbook's latest verdict. Reading only; the evaluations run on their schedule. */
@RolesAllowed(Roles.VIEWER)
@Path("/api/readiness")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Readiness", description = "Whether each runbook would work now, and why not")
@APIResponse(responseCode = "401", description = Problem.UNAUTHORIZED)
@APIResponse(responseCode = "403", description = Problem.FORBIDDEN)
public class ReadinessResource {

    @Inject
    ReadinessStore store;

    @Inject
    RunbookCatalog catalog;

    /**
     * @param runbooks      the latest verdict of every runbook served and evaluated
     * @param notEvaluated  runbooks served but not evaluated yet
     */
    public record ReadinessList(List<ReadinessView> runbooks, List<String> notEvaluated) {}

    @GET
    @Operation(summary = "The latest readiness verdict of every runbook, with every reason")
    @APIResponse(
            responseCode = "200",
            description = "the verdicts",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReadinessList.class)))
    public ReadinessList list() {
        Set<String> served = catalog.all().stream().map(Runbook::name).collect(Collectors.toSet());
        List<ReadinessView> verdicts =
                store.all().stream().filter(v -> served.contains(v.runbook())).toList();
        Set<String> evaluated = verdicts.stream().map(ReadinessView::runbook).collect(Collectors.toSet());
        return new ReadinessList(
                verdicts,
                served.stream().filter(n -> !evaluated.contains(n)).sorted().toList());
    }

    @GET
    @Path("/{runbook}")
    @Operation(summary = "The latest readiness verdict of one runbook, with every reason")
    @APIResponse(
            responseCode = "200",
            description = "the verdict",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReadinessView.class)))
    @APIResponse(
            responseCode = "404",
            description = "no such runbook, or not evaluated yet",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ReadinessView get(@PathParam("runbook") String runbook) {
        if (catalog.find(runbook).isEmpty()) {
            throw new ProblemException(404, "Unknown runbook", "no runbook named \"" + runbook + "\"");
        }
        return store.find(runbook)
                .orElseThrow(() -> new ProblemException(
                        404,
                        "Not evaluated yet",
                        "runbook \"" + runbook
                                + "\" has not been evaluated yet; the readiness schedule evaluates every "
                                + "runbook every baran.readiness.interval"));
    }
}
