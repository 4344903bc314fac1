package io.baran.orchestrator.api;

import io.baran.audit.Verification;
import io.baran.orchestrator.audit.AuditQuery;
import io.baran.orchestrator.audit.AuditRecord;
import io.baran.orchestrator.audit.AuditTrail;
import io.baran.orchestrator.audit.AuditTrailUnavailableException;
import io.baran.orchestrator.workflow.ExecutionFilter;
import io.baran.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The audit trail: who asked for what, read page by page, and whether the hash chain still holds (the same check
 * {@code bin/baran audit verify} makes against the database).
 */
@Path("/api/audit")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
@Tag(name = "Audit", description = "Who asked Baran to do what, in a tamper-evident trail")
@APIResponse(responseCode = "401", description = Problem.UNAUTHORIZED)
@APIResponse(responseCode = "403", description = Problem.FORBIDDEN)
public class AuditResource {

    @Inject
    AuditTrail trail;

    /**
     * A page of the trail.
     *
     * @param records the rows, oldest first
     * @param next    the {@code after} that reads the next page, or null when this page is the last
     */
    public record AuditPage(List<AuditRecord> records, Long next) {}

    /** The query parameters {@code GET /api/audit} takes. */
    static final List<String> FILTERS = List.of("actor", "action", "target", "since", "until", "limit", "after");

    @GET
    @Operation(summary = "Rows of the audit trail, oldest first, filtered; page with after=<next>")
    @APIResponse(
            responseCode = "200",
            description = "a page of rows",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = AuditPage.class)))
    @APIResponse(
            responseCode = "400",
            description = "a filter that does not read (a time that is not ISO-8601, a limit out of range,"
                    + " a text over 256 characters or with a control character), or a parameter that is no filter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "the audit trail cannot be read")
    public AuditPage list(
            @Parameter(description = "the actor, exactly", schema = @Schema(maxLength = 256)) @QueryParam("actor")
                    String actor,
            @Parameter(description = "the action, e.g. failover.start", schema = @Schema(maxLength = 256))
                    @QueryParam("action")
                    String action,
            @Parameter(description = "the runbook name or execution id", schema = @Schema(maxLength = 256))
                    @QueryParam("target")
                    String target,
            @Parameter(
                            description = "rows written at or after, e.g. 2026-03-01T10:00:00Z",
                            allowEmptyValue = true,
                            schema = @Schema(type = SchemaType.STRING, format = "date-time"))
                    @QueryParam("since")
                    String since,
            @Parameter(
                            description = "rows written before, e.g. 2026-03-02T00:00:00Z",
                            allowEmptyValue = true,
                            schema = @Schema(type = SchemaType.STRING, format = "date-time"))
                    @QueryParam("until")
                    String until,
            @Parameter(
                            description = "at most this many rows, 1 to 1000 (100 when absent)",
                            allowEmptyValue = true,
                            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000"))
                    @QueryParam("limit")
                    String limit,
            @Parameter(
                            description = "rows after this id: the previous page's next",
                            allowEmptyValue = true,
                            schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "0"))
                    @QueryParam("after")
                    String after,
            @Context UriInfo uri) {
        QueryFilters.refuseUnknown(uri, FILTERS, "Bad audit query");
        AuditQuery query;
        try {
            Long max = number("limit", limit);
            query = new AuditQuery(
                    text("actor", actor),
                    text("action", action),
                    text("target", target),
                    time("since", since),
                    time("until", until),
                    max == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, max)),
                    number("after", after));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Bad audit query", e.getMessage());
        }
        List<AuditRecord> records = trail.list(query);
        Long next = records.size() == query.limit()
                ? records.get(records.size() - 1).id()
                : null;
        return new AuditPage(records, next);
    }

    @GET
    @Path("/verify")
    @Operation(summary = "Recomputes the hash chain: intact, or the first row that does not hold and why")
    @APIResponse(
            responseCode = "200",
            description = "the verification (intact or not)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Verification.class)))
    @APIResponse(responseCode = "429", description = "another verification is running; ask again once it ended")
    @APIResponse(responseCode = "503", description = "the audit trail cannot be read")
    public Verification verify() {
        return trail.verifyUnlessRunning()
                .orElseThrow(() -> new ProblemException(
                        429,
                        "Verification running",
                        "another verification of the audit trail is running (one at a time: each reads the whole"
                                + " trail); ask again once it ended"));
    }

    /** A text filter: at most 256 characters, none of them a control character; blank is absent. */
    private static String text(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > 256 || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    name + " must be at most 256 characters, none of them a control character");
        }
        return value.isBlank() ? null : value;
    }

    /** A time, or none when absent or empty ({@code ?until=}: the REST layer passes no value for it). */
    private static Instant time(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be an ISO-8601 time with its offset, e.g. 2026-03-01T10:00:00Z, not \""
                            + ExecutionFilter.printable(value) + "\"");
        }
        if (time.getYear() < 1 || time.getYear() > 9999) {
            // PostgreSQL keeps times of years 4713 BC to 294276 only; nothing was recorded outside these anyway.
            throw new IllegalArgumentException(name + " must be a time between the years 1 and 9999, not \""
                    + ExecutionFilter.printable(value) + "\"");
        }
        return time.toInstant();
    }

    private static Long number(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a whole number, not \"" + ExecutionFilter.printable(value) + "\"");
        }
    }

    /** The trail cannot be read or written: 503, and whatever was asked was not done. */
    @Provider
    public static class UnavailableMapper implements ExceptionMapper<AuditTrailUnavailableException> {
        @Override
        public Response toResponse(AuditTrailUnavailableException e) {
            // The database's error names its host and user: the log has it, the caller does not.
            org.jboss.logging.Logger.getLogger(AuditResource.class)
                    .errorf("audit trail unavailable: %s", e.getMessage());
            return Response.status(503)
                    .type(Problem.MEDIA_TYPE)
                    .entity(Problem.of(
                            503,
                            "Audit trail unavailable",
                            e.what() + " (the database does not answer; the orchestrator's log has its error)"))
                    .build();
        }
    }
}
