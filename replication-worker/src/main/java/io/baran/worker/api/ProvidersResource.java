package io.baran.worker.api;

import io.baran.security.AuthProblems.AuthProblem;
import io.baran.security.Roles;
import io.baran.worker.provider.Capability;
import io.baran.worker.provider.ConfiguredProvider;
import io.baran.worker.provider.Providers;
import io.baran.worker.provider.Support;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code GET /api/providers}: every configured provider with what it declares for each capability, so
 * whoever loads a runbook can refuse a step its provider cannot do before an outage needs it. Never shows
 * a setting (settings may name where secrets are kept).
 */
@RolesAllowed(Roles.VIEWER)
@APIResponse(
        responseCode = "401",
        description = "no valid bearer token: none was sent, or it has expired, or it was not issued for this API",
        content =
                @Content(mediaType = "application/problem+json", schema = @Schema(implementation = AuthProblem.class)))
@APIResponse(
        responseCode = "403",
        description = "the token does not carry a role this call needs",
        content =
                @Content(mediaType = "application/problem+json", schema = @Schema(implementation = AuthProblem.class)))
@Path("/api/providers")
public class ProvidersResource {

    private final Providers providers;

    public ProvidersResource(Providers providers) {
        this.providers = providers;
    }

    /** One provider; {@code capabilities} maps each capability to {level: CAN|CANNOT|NOT_YET, reason}. */
    public record ProviderView(String name, String type, Map<String, Support> capabilities) {}

    @GET
    @APIResponse(
            responseCode = "200",
            description = "every configured provider and what it can do",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY,
                                            implementation = ProviderView.class)))
    @Produces(MediaType.APPLICATION_JSON)
    public List<ProviderView> list() {
        return providers.all().stream().map(ProvidersResource::view).toList();
    }

    private static ProviderView view(ConfiguredProvider p) {
        Map<String, Support> capabilities = new LinkedHashMap<>();
        for (Capability c : Capability.values()) {
            capabilities.put(c.name(), p.support(c));
        }
        return new ProviderView(p.name(), p.type(), capabilities);
    }
}
