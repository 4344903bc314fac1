package io.baran.detector.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baran.detector.Detector;
import io.baran.detector.config.TargetCatalog;
import io.baran.detector.config.TargetDefinitions;
import io.baran.detector.config.TargetSpec;
import io.baran.detector.state.TargetStatus;
import io.baran.security.AuditedCall;
import io.baran.security.AuditedCallContext;
import io.baran.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * What each probed target looks like from this detector, and the targets added at run time: {@code POST} adds one
 * (its {@code name} in the body), {@code PUT /{name}} adds or replaces one, {@code DELETE /{name}} removes one. The
 * body takes the fields of a configured target in camel case ({@code url}, {@code scope}, {@code interval}, {@code
 * failureThreshold}, ...). Targets of the configuration are listed but cannot be changed here (409).
 */
@APIResponse(
        responseCode = "401",
        description = "no valid bearer token: none was sent, or it has expired, or it was not issued for this API",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
        responseCode = "403",
        description = "the token does not carry a role this call needs",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@RolesAllowed(Roles.VIEWER)
@Path("/api/targets")
@Produces(MediaType.APPLICATION_JSON)
public class TargetsResource {

    private static final Set<String> FIELDS = Set.of(
            "url",
            "scope",
            "interval",
            "timeout",
            "failureThreshold",
            "successThreshold",
            "expectStatus",
            "bodyMatch",
            "maxLatency",
            "tlsMinValidity",
            "caFile",
            "expect",
            "endpoint",
            "region",
            "write",
            "account",
            "accountKeyEnv");

    /** A target added with {@code POST}: its name and the fields of a configured target. */
    @Schema(name = "NamedTarget")
    public record NamedTarget(
            @Schema(required = true, pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
            String name,

            String url,
            String scope,
            String interval,
            String timeout,
            Integer failureThreshold,
            Integer successThreshold,
            List<Integer> expectStatus,
            String bodyMatch,
            String maxLatency,
            String tlsMinValidity,
            String caFile,
            List<String> expect,
            String endpoint,
            String region,
            Boolean write,
            String account,
            String accountKeyEnv) {}

    private final Detector detector;
    private final AuditedCallContext audited;

    TargetsResource(Detector detector, AuditedCallContext audited) {
        this.detector = detector;
        this.audited = audited;
    }

    @GET
    @APIResponse(
            responseCode = "200",
            description = "every target, as this detector sees it",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY,
                                            implementation = TargetStatus.class)))
    public List<TargetStatus> list() {
        return detector.tracker().targets();
    }

    @GET
    @Path("{name}")
    @APIResponse(
            responseCode = "200",
            description = "the target as this detector sees it",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TargetStatus.class)))
    @APIResponse(
            responseCode = "404",
            description = "no target of that name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TargetStatus get(@PathParam("name") String name) {
        return detector.tracker().targets().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> unknown(name));
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @AuditedCall("target.add")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = NamedTarget.class)))
    @APIResponse(
            responseCode = "201",
            description = "added",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TargetStatus.class)))
    @APIResponse(
            responseCode = "400",
            description = "a body that is not a target: every wrong field named in errors",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "a target of that name exists",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response add(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid(List.of(new Problem.FieldError("", "the body must be a JSON object")));
        }
        JsonNode name = body.get("name");
        if (name != null && name.isTextual()) {
            audited.target(name.asText());
        }
        if (name == null
                || !name.isTextual()
                || !TargetDefinitions.NAME.matcher(name.asText()).matches()) {
            throw invalid(List.of(new Problem.FieldError(
                    "name",
                    "must be a name of letters, digits, '.', '_' or '-'"
                            + " (at most 128), starting with a letter or digit")));
        }
        ObjectNode rest = ((ObjectNode) body).deepCopy();
        rest.remove("name");
        put(name.asText(), rest, true);
        return Response.created(URI.create("/api/targets/" + name.asText()))
                .entity(get(name.asText()))
                .build();
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("{name}")
    @AuditedCall(value = "target.replace", target = "name")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TargetSpec.class)))
    @APIResponse(
            responseCode = "200",
            description = "replaced",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TargetStatus.class)))
    @APIResponse(
            responseCode = "201",
            description = "added",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TargetStatus.class)))
    @APIResponse(
            responseCode = "400",
            description = "a name or body that is not a target: every wrong field named in errors",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "the target is defined in the configuration",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response replace(@PathParam("name") String name, JsonNode body) {
        if (!TargetDefinitions.NAME.matcher(name).matches()) {
            throw invalid(List.of(new Problem.FieldError("name", "\"" + name + "\" is not a target name")));
        }
        if (body == null || !body.isObject()) {
            throw invalid(List.of(new Problem.FieldError("", "the body must be a JSON object")));
        }
        ObjectNode rest = ((ObjectNode) body).deepCopy();
        if (rest.has("name") && !name.equals(rest.get("name").asText())) {
            throw invalid(List.of(new Problem.FieldError("name", "differs from the name in the path (" + name + ")")));
        }
        rest.remove("name");
        boolean created = put(name, rest, false);
        return Response.status(created ? 201 : 200).entity(get(name)).build();
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("{name}")
    @AuditedCall(value = "target.delete", target = "name")
    @APIResponse(responseCode = "204", description = "removed")
    @APIResponse(
            responseCode = "404",
            description = "no target of that name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "the target is defined in the configuration",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response remove(@PathParam("name") String name) {
        try {
            if (!detector.catalog().remove(name)) {
                throw unknown(name);
            }
        } catch (TargetCatalog.Conflict e) {
            throw ProblemException.of(409, "target-configured", "Target defined in the configuration", e.getMessage());
        }
        return Response.noContent().build();
    }

    private boolean put(String name, ObjectNode body, boolean mustBeNew) {
        TargetSpec spec = spec(body);
        try {
            return detector.catalog().put(name, spec, mustBeNew);
        } catch (TargetCatalog.Invalid e) {
            throw invalid(e.problems().stream()
                    .map(p -> new Problem.FieldError(p.field(), p.message()))
                    .toList());
        } catch (TargetCatalog.Conflict e) {
            throw ProblemException.of(409, "target-conflict", "Target conflict", e.getMessage());
        }
    }

    /** Reads the body field by field, so that every wrong field is named, unknown ones included. */
    private static TargetSpec spec(ObjectNode body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                errors.add(new Problem.FieldError(
                        field,
                        "unknown field (known: name, "
                                + String.join(", ", FIELDS.stream().sorted().toList()) + ")"));
            }
        }
        TargetSpec spec = new TargetSpec(
                text(body, "url", errors),
                text(body, "scope", errors),
                text(body, "interval", errors),
                text(body, "timeout", errors),
                number(body, "failureThreshold", errors),
                number(body, "successThreshold", errors),
                numbers(body, "expectStatus", errors),
                text(body, "bodyMatch", errors),
                text(body, "maxLatency", errors),
                text(body, "tlsMinValidity", errors),
                text(body, "caFile", errors),
                list(body, "expect", errors),
                text(body, "endpoint", errors),
                text(body, "region", errors),
                bool(body, "write", errors),
                text(body, "account", errors),
                text(body, "accountKeyEnv", errors));
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return spec;
    }

    private static String text(ObjectNode body, String field, List<Problem.FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new Problem.FieldError(field, "must be a string"));
            return null;
        }
        return node.asText();
    }

    private static Integer number(ObjectNode body, String field, List<Problem.FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isInt()) {
            errors.add(new Problem.FieldError(field, "must be a whole number"));
            return null;
        }
        return node.asInt();
    }

    private static List<Integer> numbers(ObjectNode body, String field, List<Problem.FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isInt()) {
            return List.of(node.asInt());
        }
        if (node.isArray() && node.size() > 0) {
            List<Integer> values = new ArrayList<>();
            node.forEach(v -> {
                if (v.isInt()) {
                    values.add(v.asInt());
                }
            });
            if (values.size() == node.size()) {
                return values;
            }
        }
        errors.add(new Problem.FieldError(field, "must be a whole number or a list of them"));
        return null;
    }

    private static Boolean bool(ObjectNode body, String field, List<Problem.FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            errors.add(new Problem.FieldError(field, "must be true or false"));
            return null;
        }
        return node.asBoolean();
    }

    private static List<String> list(ObjectNode body, String field, List<Problem.FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
            if (node.size() == values.size() && values.stream().allMatch(v -> !v.isEmpty())) {
                return values;
            }
        }
        errors.add(new Problem.FieldError(field, "must be a string or a list of non-empty strings"));
        return null;
    }

    private static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(
                400,
                "invalid-target",
                "Invalid target",
                errors.size() == 1
                        ? errors.get(0).field() + ": " + errors.get(0).detail()
                        : errors.size() + " fields are wrong; see errors",
                errors);
    }

    private static ProblemException unknown(String name) {
        return ProblemException.of(404, "unknown-target", "Unknown target", "no target named \"" + name + "\"");
    }
}
