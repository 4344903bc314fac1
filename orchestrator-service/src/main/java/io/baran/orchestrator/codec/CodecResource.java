package io.baran.orchestrator.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.baran.orchestrator.api.Problem;
import io.baran.orchestrator.config.TemporalConfig;
import io.baran.security.Roles;
import io.baran.workflow.temporal.PayloadEncryption;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodecException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Temporal's remote codec protocol, for the Temporal Web UI and {@code temporal --codec-endpoint}: the histories hold
 * payloads encrypted by the services' codec, and whoever holds a token with role {@code viewer} may have them decoded
 * here. Both endpoints take and answer {@code {"payloads": [...]}}, each payload in protobuf's JSON form (metadata
 * values and data in base64). The browser's CORS pre-flight is answered by {@link CodecCors}, for the UI's origin only.
 */
@Path("/codec")
@RolesAllowed(Roles.VIEWER)
@Tag(
        name = "Temporal codec",
        description = "Decodes the encrypted payloads of Temporal histories for the Temporal Web UI")
@APIResponse(
        responseCode = "400",
        description = "a body that is not {\"payloads\": [...]}, a payload the codec cannot read, or another namespace",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "401", description = Problem.UNAUTHORIZED)
@APIResponse(responseCode = "403", description = Problem.FORBIDDEN)
public class CodecResource {

    /** The protocol's body, as documented (the endpoints read and write it with protobuf's JSON form). */
    @Schema(name = "CodecPayloads")
    public record PayloadList(List<PayloadJson> payloads) {}

    /** One payload: metadata values and data in base64. */
    @Schema(name = "CodecPayload")
    public record PayloadJson(Map<String, String> metadata, String data) {}

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    @Inject
    PayloadEncryption encryption;

    @Inject
    TemporalConfig temporal;

    @Inject
    ObjectMapper json;

    @POST
    @Path("/decode")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Decrypts payloads of this deployment's Temporal histories (the remote codec protocol)")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PayloadList.class)))
    @APIResponse(
            responseCode = "200",
            description = "the payloads, decoded, in the same order",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PayloadList.class)))
    public String decode(@HeaderParam("X-Namespace") String namespace, String body) {
        return apply(
                namespace,
                body,
                payloads -> encryption.codec().map(c -> c.decode(payloads)).orElse(payloads));
    }

    @POST
    @Path("/encode")
    // Encrypting under the deployment's active key is a write-side ability (a payload the workers take as their own):
    // reading histories needs decode only.
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Encrypts payloads as the services do (the remote codec protocol), e.g. a signal sent from the UI")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PayloadList.class)))
    @APIResponse(
            responseCode = "200",
            description = "the payloads, encoded, in the same order",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PayloadList.class)))
    public String encode(@HeaderParam("X-Namespace") String namespace, String body) {
        return apply(
                namespace,
                body,
                payloads -> encryption.codec().map(c -> c.encode(payloads)).orElse(payloads));
    }

    private String apply(String namespace, String body, UnaryOperator<List<Payload>> codec) {
        if (namespace != null && !namespace.isBlank() && !namespace.equals(temporal.namespace())) {
            throw new BadRequestException(
                    "this codec serves Temporal namespace " + temporal.namespace() + ", not " + namespace);
        }
        checkShape(body);
        Payloads.Builder in = Payloads.newBuilder();
        try {
            PARSER.merge(body == null ? "" : body, in);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new BadRequestException(
                    "the body is not {\"payloads\": [...]} of Temporal payloads: " + e.getMessage());
        }
        try {
            return PRINTER.print(Payloads.newBuilder().addAllPayloads(codec.apply(in.getPayloadsList())));
        } catch (PayloadCodecException e) {
            throw new BadRequestException(e.getMessage());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Protobuf's JSON parser takes a number where base64 text belongs; the documented shape is checked first, so a
     * body of the wrong types is refused, naming where.
     */
    private void checkShape(String body) {
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException("the body is not {\"payloads\": [...]} of Temporal payloads");
        }
        JsonNode payloads = root.path("payloads");
        if (payloads.isMissingNode() || payloads.isNull()) {
            return;
        }
        if (!payloads.isArray()) {
            throw new BadRequestException("payloads must be an array");
        }
        for (int i = 0; i < payloads.size(); i++) {
            JsonNode payload = payloads.get(i);
            if (!payload.isObject()) {
                throw new BadRequestException("payloads[" + i + "] must be an object");
            }
            JsonNode data = payload.path("data");
            if (!data.isMissingNode() && !data.isNull() && !data.isTextual()) {
                throw new BadRequestException("payloads[" + i + "].data must be base64 text");
            }
            JsonNode metadata = payload.path("metadata");
            if (!metadata.isMissingNode() && !metadata.isNull()) {
                if (!metadata.isObject()) {
                    throw new BadRequestException("payloads[" + i + "].metadata must be an object");
                }
                for (JsonNode value : metadata) {
                    if (!value.isTextual()) {
                        throw new BadRequestException("payloads[" + i + "].metadata values must be base64 text");
                    }
                }
            }
        }
    }
}
