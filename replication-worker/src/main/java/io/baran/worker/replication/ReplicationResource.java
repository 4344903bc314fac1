package io.baran.worker.replication;

import io.baran.events.ReplicationStatus;
import io.baran.runbook.Durations;
import io.baran.security.AuditedCall;
import io.baran.security.AuthProblems.AuthProblem;
import io.baran.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Object replication over REST: the pairs with each replica's lag, a pass on demand, and the failover and
 * failback of a replica. Errors are RFC 9457 problem details.
 */
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
@RolesAllowed(Roles.VIEWER)
@Path("/api/replication/pairs")
@Produces(MediaType.APPLICATION_JSON)
public class ReplicationResource {

    private static final Duration MAX_WAIT = Duration.ofMinutes(10);
    /** S3's, Cloud Storage's and Blob Storage's limit on an object key (1024 bytes; characters here, checked again by the store). */
    private static final int MAX_KEY = 1024;

    private final ReplicationService service;
    private final TwoPersonRule twoPersons;

    public ReplicationResource(ReplicationService service, TwoPersonRule twoPersons) {
        this.service = service;
        this.twoPersons = twoPersons;
    }

    /**
     * One pair.
     *
     * @param lagSeconds the largest lag of its replicas; null while one of them has not finished its initial copy
     */
    public record PairView(
            String name,
            String source,
            String mode,
            String prefix,
            double intervalSeconds,
            Double lagSeconds,
            List<ReplicationStatus> replicas) {}

    /** A pass started: {@code pass} says whether it is {@code started} or still running after {@code wait}. */
    public record SyncStarted(String pair, String pass) {}

    /** The passes ended within {@code wait}. */
    public record SyncDone(String pair, List<PassReport> passes) {}

    /**
     * A failback: clean when no conflict was left.
     *
     * @param note why nothing was done, when nothing was (null otherwise)
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record FailbackDone(boolean clean, FailbackReport report, String note) {}

    @GET
    @APIResponse(
            responseCode = "200",
            description = "every pair, with the lag of its replicas",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY,
                                            implementation = PairView.class)))
    public List<PairView> list() {
        return service.pairs().stream().map(this::view).toList();
    }

    @GET
    @Path("{name}")
    @APIResponse(
            responseCode = "200",
            description = "the pair",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PairView.class)))
    @APIResponse(
            responseCode = "404",
            description = "no pair of that name",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    public Response get(@PathParam("name") String name) {
        Optional<ReplicationService.Pair> pair = service.pair(name);
        return pair.isPresent() ? Response.ok(view(pair.get())).build() : notFound(name);
    }

    /**
     * Starts a pass of every replica of the pair. With {@code wait} (e.g. {@code 30s}, at most 10m) answers 200
     * with what each pass did once they end, or 202 if they have not by then; without it, 202 at once.
     */
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("{name}/sync")
    @AuditedCall(value = "replication.sync", target = "name")
    @APIResponse(
            responseCode = "200",
            description = "every replica's pass ended within wait: what each did",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncDone.class)))
    @APIResponse(
            responseCode = "202",
            description = "the passes started (or are still running after wait)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SyncStarted.class)))
    @APIResponse(
            responseCode = "400",
            description = "a wait that is not a duration up to 10m",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "404",
            description = "no pair of that name",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "500",
            description = "a pass failed",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "503",
            description = "the worker is stopping, or the pair's pass lock was lost during the pass (lock=postgresql)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    public Response sync(@PathParam("name") String name, @QueryParam("wait") String wait) {
        if (service.pair(name).isEmpty()) {
            return notFound(name);
        }
        Duration waitFor = Duration.ZERO;
        if (wait != null && !wait.isBlank()) {
            Optional<Duration> parsed = Durations.tryParse(wait.trim());
            if (parsed.isEmpty() || parsed.get().compareTo(MAX_WAIT) > 0) {
                return problem(400, "Bad wait", "wait \"" + wait + "\" is not a duration up to 10m (e.g. 30s)");
            }
            waitFor = parsed.get();
        }
        CompletableFuture<List<PassReport>> done = service.sync(name);
        if (waitFor.isZero()) {
            return Response.accepted(new SyncStarted(name, "started")).build();
        }
        try {
            return Response.ok(new SyncDone(name, done.get(waitFor.toMillis(), TimeUnit.MILLISECONDS)))
                    .build();
        } catch (TimeoutException e) {
            return Response.accepted(new SyncStarted(name, "still running after " + wait))
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(503, "Interrupted", "the worker is stopping");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PassLock.Lost) {
                return problem(
                        503,
                        "Pass lock lost",
                        "pair " + name + ": " + e.getCause().getMessage() + "; retry");
            }
            return problem(500, "Pass failed", "pair " + name + ": " + e.getCause());
        }
    }

    /**
     * The replica now serves as primary: forward copying to it stops, so nothing written there is overwritten. 200
     * only once no copy or deletion of forward copying can land at the replica any more; 409, having changed nothing,
     * while writes to it were still under way after {@code baran.replication.failover-wait}.
     */
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("{name}/failover")
    @APIResponse(
            responseCode = "202",
            description = "left for a second person: done once another failover operator sends the same call with"
                    + " confirms=<request> within 10 minutes (an admin may act alone with a reason)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TwoPersonRule.AwaitingConfirmation.class)))
    @AuditedCall(
            value = "replication.failover",
            target = {"name", "replica"})
    @APIResponse(
            responseCode = "200",
            description = "the replica now serves as primary: nothing of forward copying lands there any more",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReplicationStatus.class)))
    @APIResponse(
            responseCode = "400",
            description = "a replica, key or keep that does not read",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "404",
            description = "no pair of that name",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "not failed over (nothing changed, retry): copies were still being written to the replica, the"
                            + " pair's pass lock was held elsewhere all the while, or its failback was under way; or this worker"
                            + " runs no passes of the pair",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "502",
            description = "the object store failed",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "503",
            description = "the worker is stopping, or the pair's pass lock cannot be asked or was lost while"
                    + " held (lock=postgresql)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    public Response failover(
            @PathParam("name") String name,
            @QueryParam("replica") String replica,
            @QueryParam("confirms") String confirms,
            @QueryParam("reason") String reason,
            @Context UriInfo uri) {
        return act(
                name,
                replica,
                r -> twoPersons.gate(List.of(name, String.valueOf(r.replicaAt())), confirms, reason, uri),
                r -> {
                    Replicator.Failover done = service.failover(r);
                    String where = "pair " + name + ", replica " + r.replicaAt() + ": ";
                    String notDone = "; not failed over (forward copying goes on), retry";
                    if (!done.done()) {
                        return switch (done.refused()) {
                            case PASS_ELSEWHERE ->
                                problem(
                                        409,
                                        "Pass under way elsewhere",
                                        where + "the pair's pass lock was held elsewhere for the whole "
                                                + service.failoverWait().toMillis() + " ms" + notDone);
                            case FAILING_BACK ->
                                problem(409, "Failing back", where + "its failback is under way" + notDone);
                            case WRITES_UNDER_WAY ->
                                problem(
                                        409,
                                        "Copies still running",
                                        where + "copies still running: " + done.writesUnderWay()
                                                + " still being written to the replica after "
                                                + service.failoverWait().toMillis() + " ms" + notDone);
                        };
                    }
                    service.publish(r);
                    return service.status(r);
                });
    }

    /**
     * Copies the changes made at the replica while it served as primary back to the source, and reports the
     * conflicts (changed at both sides), which it leaves alone. Forward copying resumes.
     */
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("{name}/failback")
    @APIResponse(
            responseCode = "202",
            description = "left for a second person: done once another failover operator sends the same call with"
                    + " confirms=<request> within 10 minutes (an admin may act alone with a reason)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TwoPersonRule.AwaitingConfirmation.class)))
    @AuditedCall(
            value = "replication.failback",
            target = {"name", "replica"})
    @APIResponse(
            responseCode = "200",
            description = "what was copied back, and the conflicts left alone",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = FailbackDone.class)))
    @APIResponse(
            responseCode = "400",
            description = "a replica, key or keep that does not read",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "404",
            description = "no pair of that name",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "the pair's pass lock was held elsewhere all the while (retry), or this worker runs no passes of"
                            + " the pair: nothing changed",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "502",
            description = "the object store failed",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "503",
            description = "the worker is stopping, or the pair's pass lock cannot be asked or was lost while"
                    + " held (lock=postgresql)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    public Response failback(
            @PathParam("name") String name,
            @QueryParam("replica") String replica,
            @QueryParam("confirms") String confirms,
            @QueryParam("reason") String reason,
            @Context UriInfo uri) {
        return act(
                name,
                replica,
                r -> twoPersons.gate(List.of(name, String.valueOf(r.replicaAt())), confirms, reason, uri),
                r -> {
                    java.util.Optional<FailbackReport> report =
                            service.failbackIfFailedOver(r, service.failoverWait(), () -> {});
                    if (report.isEmpty()) {
                        return new FailbackDone(
                                true,
                                new FailbackReport(
                                        name,
                                        String.valueOf(r.replicaAt()),
                                        List.of(),
                                        List.of(),
                                        List.of(),
                                        java.util.Map.of(),
                                        List.of()),
                                "the replica does not serve as primary: nothing to fail back");
                    }
                    service.publish(r);
                    return new FailbackDone(report.get().clean(), report.get(), null);
                });
    }

    /** Settles a conflict by keeping one side's version ({@code keep=source} or {@code keep=replica}). */
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("{name}/conflicts/resolve")
    @APIResponse(
            responseCode = "202",
            description = "left for a second person: done once another failover operator sends the same call with"
                    + " confirms=<request> within 10 minutes (an admin may act alone with a reason)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TwoPersonRule.AwaitingConfirmation.class)))
    @AuditedCall(
            value = "replication.resolve-conflict",
            target = {"name", "replica", "key"})
    @APIResponse(
            responseCode = "200",
            description = "the replica after the conflict was settled",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReplicationStatus.class)))
    @APIResponse(
            responseCode = "400",
            description = "a replica, key or keep that does not read",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "404",
            description = "no pair of that name",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "409",
            description = "keep=source while the replica serves as primary (failed over), the object changed at either"
                    + " side since it was asked for (or, for a confirmation, since the request it confirms), the pair's"
                    + " pass lock held elsewhere all the while, or this worker runs no passes of the pair: nothing"
                    + " changed",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "502",
            description = "the object store failed",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    @APIResponse(
            responseCode = "503",
            description = "the worker is stopping, or the pair's pass lock cannot be asked or was lost while"
                    + " held (lock=postgresql)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = AuthProblem.class)))
    public Response resolve(
            @PathParam("name") String name,
            @QueryParam("replica") String replica,
            @QueryParam("key") String key,
            @QueryParam("keep") String keep,
            @QueryParam("confirms") String confirms,
            @QueryParam("reason") String reason,
            @Context UriInfo uri) {
        if (key == null || !("source".equals(keep) || "replica".equals(keep))) {
            return problem(400, "Bad request", "give key=<key> and keep=source or keep=replica");
        }
        if (key.isEmpty() || key.length() > MAX_KEY || key.chars().anyMatch(Character::isISOControl)) {
            return problem(
                    400,
                    "Bad key",
                    "key must be an object key of 1 to " + MAX_KEY + " characters, none of them a control character");
        }
        // What each side holds as this call is made: part of what a confirmation must match, and the condition of the
        // writes, so an object written at either side after the people looked is never overwritten or deleted.
        ConflictResolver.Sides[] seen = {null};
        return act(
                name,
                replica,
                r -> {
                    seen[0] = r.sides(key);
                    List<String> call =
                            new java.util.ArrayList<>(List.of(name, String.valueOf(r.replicaAt()), key, keep));
                    call.addAll(seen[0].describe());
                    return twoPersons.gate(call, confirms, reason, uri);
                },
                r -> {
                    service.resolve(r, key, "source".equals(keep), seen[0]);
                    service.publish(r);
                    return service.status(r);
                });
    }

    private interface ReplicaAction {
        Object apply(Replicator r) throws InterruptedException;
    }

    /** @param gate null when the call may go on, else its answer (the two-person rule's) */
    private Response act(
            String name, String replica, java.util.function.Function<Replicator, Response> gate, ReplicaAction action) {
        if (service.pair(name).isEmpty()) {
            return notFound(name);
        }
        try {
            Replicator r = service.replica(name, replica);
            service.requirePasses(
                    r); // before the two-person rule: nothing is asked for or recorded that cannot be done
            Response held = gate.apply(r);
            if (held != null) {
                return held;
            }
            Object answer = action.apply(r);
            return answer instanceof Response refused
                    ? refused
                    : Response.ok(answer).build();
        } catch (IllegalArgumentException e) {
            return problem(400, "Bad request", e.getMessage());
        } catch (ReplicationService.PassElsewhere e) {
            return problem(409, "Pass under way elsewhere", e.getMessage());
        } catch (ReplicationService.NoPasses e) {
            return problem(409, "No passes here", e.getMessage());
        } catch (PassLock.Unreachable e) {
            return problem(503, "Pass lock unreachable", "nothing changed: " + e.getMessage());
        } catch (PassLock.Lost e) {
            return problem(503, "Pass lock lost", e.getMessage() + "; retry");
        } catch (Replicator.Busy e) {
            return problem(409, "Busy", e.getMessage());
        } catch (ConflictResolver.Changed e) {
            return problem(409, "Changed since", e.getMessage());
        } catch (FencedReplica.FailedOver e) {
            return problem(409, "Failed over", e.getMessage() + "; fail back first, or keep the replica's version");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(503, "Interrupted", "the worker is stopping");
        } catch (RuntimeException e) {
            return problem(502, "Store failed", e.getMessage());
        }
    }

    private PairView view(ReplicationService.Pair p) {
        List<ReplicationStatus> statuses =
                p.replicas().stream().map(service::status).toList();
        Double lag = statuses.stream().anyMatch(s -> s.lagSeconds() == null)
                ? null
                : statuses.stream()
                        .mapToDouble(ReplicationStatus::lagSeconds)
                        .max()
                        .orElse(0);
        return new PairView(
                p.name(),
                p.source().toString(),
                p.mode().label(),
                p.prefix(),
                p.interval().toMillis() / 1000.0,
                lag,
                statuses);
    }

    private Response notFound(String name) {
        return problem(
                404,
                "No such pair",
                "no replication pair " + name + " (configured: "
                        + String.join(
                                ", ",
                                service.pairs().stream()
                                        .map(ReplicationService.Pair::name)
                                        .toList()) + ")");
    }

    static Response problem(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return Response.status(status)
                .type("application/problem+json")
                .entity(body)
                .build();
    }
}
