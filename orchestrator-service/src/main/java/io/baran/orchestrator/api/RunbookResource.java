package io.baran.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baran.orchestrator.audit.AuditActions;
import io.baran.orchestrator.readiness.RunbookHistories;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookDirectory;
import io.baran.runbook.RunbookError;
import io.baran.runbook.RunbookInvalidException;
import io.baran.runbook.RunbookParser;
import io.baran.runbook.Trigger;
import io.baran.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Runbooks and their versions. A {@code PUT} stores a new immutable version when the YAML is valid and
 * differs from the latest, or answers 422 with every error (nothing stored); {@code POST /validate} checks
 * without storing.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/api/runbooks")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runbooks", description = "Define runbooks, and read every version of them")
@APIResponse(responseCode = "401", description = Problem.UNAUTHORIZED)
@APIResponse(responseCode = "403", description = Problem.FORBIDDEN)
public class RunbookResource {

    @Inject
    RunbookHistories histories;

    /**
     * The runbooks served and the files refused.
     *
     * @param refused each refused file's errors, as {@code baran lint} prints them
     */
    public record RunbookList(List<RunbookItem> runbooks, List<String> refused) {}

    /** A runbook served: its latest version. */
    public record RunbookItem(
            String name,
            String description,
            String protects,
            int version,
            String sha256,
            Trigger trigger,
            String source) {}

    /**
     * A stored version of a runbook.
     *
     * @param author who stored it: the verified caller, or {@code file} for a file loaded at start
     * @param source {@code api}, or the file it was loaded from
     */
    public record VersionView(
            String name, int version, String sha256, String author, String source, Instant createdAt) {

        static VersionView of(RunbookVersions.Version v) {
            return new VersionView(v.name(), v.number(), v.sha256(), v.author(), v.source(), v.createdAt());
        }
    }

    /** Every stored version of a runbook, oldest first. */
    public record VersionList(String name, List<VersionView> versions) {}

    /**
     * A stored version with its text, and the runbook parsed from it; a version that no longer parses (an old one, or
     * one naming a provider no longer configured) comes with its {@code errors} instead of {@code runbook}.
     */
    public record StoredRunbook(
            String name,
            int version,
            String sha256,
            String author,
            String source,
            Instant createdAt,
            @Schema(description = "the YAML text") String content,
            @JsonInclude(JsonInclude.Include.NON_NULL) Runbook runbook,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<RunbookErrorView> errors) {}

    /** What a PUT stored: the version, and whether it is new. */
    public record SavedRunbook(
            String name,
            int version,
            String sha256,
            String author,
            String source,
            Instant createdAt,

            @Schema(enumeration = {"created", "new-version", "unchanged"})
            String outcome) {}

    /** The executions of a runbook, each with the version it ran. */
    public record RunbookExecutions(String name, List<RunbookVersions.Execution> executions) {}

    /** A valid runbook, as PUT would store it. */
    public record Validation(
            @Schema(enumeration = "true") boolean valid, String name, String sha256, Runbook runbook) {}

    /** YAML as clients send it; text/plain so that {@code curl --data-binary} with a plain type works too. */
    static final String YAML = "application/yaml";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern AUTHOR = Pattern.compile("[^\\p{Cntrl}]{1,200}");
    private static final String EXAMPLE = """
            apiVersion: baran.io/v1
            kind: Runbook
            metadata:
              name: demo-web
            spec:
              protects: demo-web
              trigger:
                outage: { scope: local/demo, services: [web] }
              failover:
                - name: move-traffic
                  action: dns.switch
                  with: { provider: aws-local, zone: baran.test, record: www, type: CNAME, to: standby.baran.test, ttl: 60 }
              failback:
                when: { recovered: true, stableFor: 3s }
                approval: none
            """;

    @Inject
    RunbookCatalog catalog;

    @Inject
    RunbookVersions versions;

    @Inject
    Caller caller;

    @Inject
    Audited audited;

    @GET
    @Operation(summary = "The runbooks served now (latest version of each), and the runbooks refused")
    @APIResponse(
            responseCode = "200",
            description = "the runbooks",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RunbookList.class)))
    public RunbookList list() {
        List<RunbookItem> runbooks = catalog.all().stream()
                .map(r -> new RunbookItem(
                        r.name(), r.description(), r.protects(), r.version(), r.sha256(), r.trigger(), r.source()))
                .toList();
        return new RunbookList(
                runbooks,
                catalog.loadErrors().stream().map(RunbookError::toString).toList());
    }

    @GET
    @Path("/{name}")
    @Produces({MediaType.APPLICATION_JSON, YAML})
    @Operation(
            summary =
                    "A runbook: its latest version, or the one asked for; as JSON (text and model) or as the YAML text")
    @APIResponse(
            responseCode = "200",
            description = "the version",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = StoredRunbook.class)),
                @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING))
            })
    @APIResponse(responseCode = "404", description = "no such runbook or version")
    @APIResponse(responseCode = "400", description = "a version that is not a whole number from 1")
    public Response get(
            @PathParam("name") String name,
            @Parameter(
                            description = "a version number; the latest when absent",
                            schema = @Schema(type = SchemaType.INTEGER, minimum = "1"))
                    @QueryParam("version")
                    String versionText,
            @Context HttpHeaders headers) {
        Integer version = versionNumber(versionText);
        RunbookVersions.Version stored = (version == null ? versions.latest(name) : versions.version(name, version))
                .orElseThrow(() -> version == null || !versions.exists(name)
                        ? unknown(name)
                        : new ProblemException(
                                404,
                                "Unknown version",
                                "runbook " + name + " has no version " + version + "; it has versions 1 to "
                                        + versions.latest(name)
                                                .map(RunbookVersions.Version::number)
                                                .orElse(0)));
        if (wantsYaml(headers)) {
            return Response.ok(stored.content(), YAML + ";charset=UTF-8")
                    .header("ETag", "\"" + stored.sha256() + "\"")
                    .build();
        }
        Runbook runbook = null;
        List<RunbookErrorView> errors = null;
        try {
            runbook = catalog.parser()
                    .parse(name + ".yaml", stored.content(), name)
                    .withVersion(stored.number());
        } catch (RunbookInvalidException e) {
            // An old version, or one that names a provider no longer configured: still shown, not runnable.
            errors = e.errors().stream().map(RunbookErrorView::of).toList();
        }
        var body = new StoredRunbook(
                stored.name(),
                stored.number(),
                stored.sha256(),
                stored.author(),
                stored.source(),
                stored.createdAt(),
                stored.content(),
                runbook,
                errors);
        return Response.ok(body).header("ETag", "\"" + stored.sha256() + "\"").build();
    }

    /** The {@code version} query parameter: null when absent, else a whole number from 1, or 400 naming it. */
    private static Integer versionNumber(String text) {
        if (text == null) {
            return null;
        }
        try {
            int number = Integer.parseInt(text);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ProblemException(
                400,
                "Bad version",
                "version \"" + RefusalAudit.printable(text) + "\" is not a version number (a whole number from 1)");
    }

    @GET
    @Path("/{name}/versions")
    @Operation(summary = "Every stored version of a runbook, oldest first")
    @APIResponse(
            responseCode = "200",
            description = "the versions",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = VersionList.class)))
    @APIResponse(responseCode = "404", description = "no such runbook")
    public VersionList versions(@PathParam("name") String name) {
        List<RunbookVersions.Version> all = versions.versions(name);
        if (all.isEmpty()) {
            throw unknown(name);
        }
        return new VersionList(name, all.stream().map(VersionView::of).toList());
    }

    @GET
    @Path("/{name}/executions")
    @Operation(summary = "The executions of a runbook, newest first, each with the exact version it ran")
    @APIResponse(
            responseCode = "200",
            description = "the executions",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RunbookExecutions.class)))
    @APIResponse(responseCode = "404", description = "no such runbook")
    public RunbookExecutions executions(@PathParam("name") String name) {
        if (!versions.exists(name)) {
            throw unknown(name);
        }
        return new RunbookExecutions(name, versions.executions(name));
    }

    @RolesAllowed(Roles.RUNBOOK_AUTHOR)
    @PUT
    @Path("/{name}")
    @Consumes({YAML, "application/x-yaml", "text/yaml", "text/x-yaml", MediaType.TEXT_PLAIN})
    @Operation(summary = "Store a runbook: a new version when the YAML is valid and differs from the latest")
    @RequestBody(
            required = true,
            description = "the runbook, UTF-8 YAML; metadata.name must be the name in the URL",
            content =
                    @Content(
                            mediaType = YAML,
                            schema = @Schema(type = SchemaType.STRING),
                            examples = @ExampleObject(name = "demo-web", value = EXAMPLE)))
    @APIResponse(
            responseCode = "201",
            description = "stored as the runbook's first version",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SavedRunbook.class)))
    @APIResponse(
            responseCode = "200",
            description = "stored as a new version, or unchanged (same text as the latest)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SavedRunbook.class)))
    @APIResponse(responseCode = "400", description = "the name in the URL is not a runbook name")
    @APIResponse(
            responseCode = "422",
            description = "invalid: every error with line, column and path; nothing stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "413", description = "larger than a runbook can be")
    @APIResponse(responseCode = "415", description = "not UTF-8 YAML text")
    @AuditedAs(AuditActions.RUNBOOK_PUT)
    public Response put(
            @PathParam("name") String name,
            byte[] body,
            @Parameter(description = "file name used in error messages; default <name>.yaml") @QueryParam("file")
                    String file) {
        if (!NAME.matcher(name).matches()) {
            throw new ProblemException(
                    400,
                    "Bad runbook name",
                    "\"" + name + "\" is not a runbook name (lower-case letters, digits and -, at most 63)");
        }
        String text = text(body);
        // The author recorded is the verified caller, never a name the client sent.
        RunbookCatalog.Saved saved = audited.run(
                AuditActions.RUNBOOK_PUT,
                name,
                null,
                () -> catalog.save(name, label(file, name + ".yaml"), text, caller.name()),
                done -> new Audited.Outcome(
                        false,
                        Map.of(
                                "version",
                                done.stored().version().number(),
                                "sha256",
                                done.stored().version().sha256(),
                                "outcome",
                                done.stored().outcome().name().toLowerCase())));
        RunbookVersions.Version v = saved.stored().version();
        var answer = new SavedRunbook(
                v.name(),
                v.number(),
                v.sha256(),
                v.author(),
                v.source(),
                v.createdAt(),
                saved.stored().outcome().name().toLowerCase().replace('_', '-'));
        URI location = URI.create(
                "/api/runbooks/" + name + "?version=" + saved.stored().version().number());
        if (saved.stored().outcome() == RunbookVersions.Outcome.CREATED) {
            return Response.created(location).entity(answer).build();
        }
        return Response.ok(answer).location(location).build();
    }

    @POST
    @Path("/validate")
    @RolesAllowed(Roles.RUNBOOK_AUTHOR)
    @Consumes({YAML, "application/x-yaml", "text/yaml", "text/x-yaml", MediaType.TEXT_PLAIN})
    @Operation(summary = "Check a runbook as PUT would, storing nothing")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = YAML,
                            schema = @Schema(type = SchemaType.STRING),
                            examples = @ExampleObject(name = "demo-web", value = EXAMPLE)))
    @APIResponse(
            responseCode = "200",
            description = "valid",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Validation.class)))
    @APIResponse(
            responseCode = "422",
            description = "invalid: every error with line, column and path",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "413", description = "larger than a runbook can be")
    @APIResponse(responseCode = "415", description = "not UTF-8 YAML text")
    public Validation validate(
            byte[] body,
            @Parameter(description = "file name used in error messages; default runbook.yaml") @QueryParam("file")
                    String file) {
        Runbook runbook = catalog.parser().parse(label(file, "runbook.yaml"), text(body));
        return new Validation(true, runbook.name(), runbook.sha256(), runbook);
    }

    @RolesAllowed(Roles.RUNBOOK_AUTHOR)
    @DELETE
    @Path("/{name}")
    @Operation(summary = "Stop serving a runbook; refused while an execution of it runs. Its versions are kept.")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "404", description = "no such runbook")
    @APIResponse(
            responseCode = "409",
            description = "an execution of it runs (their ids in errors)",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(
            responseCode = "503",
            description = "Temporal cannot be asked whether an execution of it runs; nothing deleted")
    @AuditedAs(AuditActions.RUNBOOK_DELETE)
    public Response delete(@PathParam("name") String name) {
        if (!versions.exists(name)) {
            throw unknown(name);
        }
        audited.run(AuditActions.RUNBOOK_DELETE, name, null, () -> {
            boolean deleted;
            try {
                deleted = catalog.delete(name);
            } catch (io.grpc.StatusRuntimeException e) {
                throw new ProblemException(
                        503,
                        "Temporal unreachable",
                        "cannot tell whether an execution of runbook " + name + " runs ("
                                + e.getStatus().getCode() + "); nothing was deleted");
            }
            if (!deleted) {
                throw unknown(name);
            }
            return name;
        });
        return Response.noContent().build();
    }

    /** The body as UTF-8 text, or the 4xx that says why it cannot be a runbook. */
    private static String text(byte[] body) {
        if (body == null) {
            return "";
        }
        if (body.length > RunbookParser.MAX_BYTES) {
            throw new ProblemException(
                    413,
                    "Runbook too large",
                    "the body has " + body.length + " bytes; a runbook may have at most " + RunbookParser.MAX_BYTES
                            + " (" + RunbookParser.MAX_BYTES / 1024 + " KiB). Nothing was stored.");
        }
        // A declared charset is not trusted either way: the bytes must be UTF-8, and are checked as such.
        String text;
        try {
            text = RunbookDirectory.utf8(body);
        } catch (CharacterCodingException e) {
            throw new ProblemException(
                    415,
                    "Not UTF-8 text",
                    "the body is not UTF-8 text (binary?); runbooks are UTF-8 YAML. Nothing was stored.");
        }
        if (text.indexOf('\0') >= 0) {
            throw new ProblemException(
                    415,
                    "Binary body",
                    "the body holds NUL bytes, so it is binary, not YAML text. Nothing was stored.");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static boolean wantsYaml(HttpHeaders headers) {
        for (MediaType type : headers.getAcceptableMediaTypes()) {
            if (type.isWildcardType()) {
                return false;
            }
            if (type.getSubtype().contains("yaml")) {
                return true;
            }
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return false;
            }
        }
        return false;
    }

    /** A file name for messages: what the caller gave (its last path part, printable), or the default. */
    @GET
    @Path("/{name}/history")
    @Operation(
            summary = "Every drill and failover of a runbook with its RTO split, the trend, and the RTO it predicts",
            description = "Read from the transitions the orchestrator stores; at most baran.readiness.history "
                    + "executions, newest first. Plans are not history.")
    @APIResponse(
            responseCode = "200",
            description = "the history",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RunbookHistories.HistoryView.class)))
    @APIResponse(responseCode = "404", description = "no such runbook")
    public RunbookHistories.HistoryView history(@PathParam("name") String name) {
        return histories.history(catalog.find(name).orElseThrow(() -> unknown(name)));
    }

    private static String label(String file, String fallback) {
        if (file == null || file.isBlank() || !AUTHOR.matcher(file).matches()) {
            return fallback;
        }
        return file.trim();
    }

    private static ProblemException unknown(String name) {
        return new ProblemException(404, "Unknown runbook", "no runbook named \"" + name + "\"");
    }
}
