package io.baran.orchestrator.api;

import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookError;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/** The loaded runbooks, read-only in this version. */
@Path("/api/runbooks")
@Produces(MediaType.APPLICATION_JSON)
public class RunbookResource {

    @Inject
    RunbookCatalog catalog;

    @GET
    public Map<String, Object> list() {
        List<Map<String, Object>> runbooks = catalog.all().stream().map(r -> Map.<String, Object>of(
                "name", r.name(), "protects", r.protects(), "sha256", r.sha256(), "source", r.source())).toList();
        return Map.of("runbooks", runbooks, "refused", catalog.loadErrors().stream().map(RunbookError::toString).toList());
    }

    @GET
    @Path("/{name}")
    public Runbook get(@PathParam("name") String name) {
        return catalog.find(name).orElseThrow(() -> new ProblemException(404, "Unknown runbook", "no runbook named \"" + name + "\""));
    }
}
