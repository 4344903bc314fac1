package io.baran.orchestrator.api;

import io.baran.runbook.ActionCatalog;
import io.baran.runbook.RunbookSchema;
import io.baran.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The runbooks' JSON Schema, as published in runbooks/runbook.schema.json, so an editor can point at the
 * running service: {@code # yaml-language-server: $schema=http://127.0.0.1:8080/api/schemas/runbook.json}.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/api/schemas/runbook.json")
@Tag(name = "Runbooks")
@APIResponse(responseCode = "401", description = Problem.UNAUTHORIZED)
@APIResponse(responseCode = "403", description = Problem.FORBIDDEN)
public class SchemaResource {

    private static final String SCHEMA = RunbookSchema.text(ActionCatalog.standard());

    @GET
    @Produces("application/schema+json")
    @Operation(summary = "The JSON Schema of runbooks (draft-07), generated from the runbook model")
    @APIResponse(
            responseCode = "200",
            description = "the JSON Schema document",
            content =
                    @Content(
                            mediaType = "application/schema+json",
                            schema =
                                    @Schema(
                                            type = SchemaType.OBJECT,
                                            description = "a JSON Schema (draft-07) document")))
    public String schema() {
        return SCHEMA;
    }
}
