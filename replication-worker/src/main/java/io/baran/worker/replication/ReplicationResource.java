package io.baran.worker.replication;

import io.baran.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.baran.events.ReplicationStatus;
import io.baran.runbook.Durations;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Object replication over REST: the pairs with each replica's lag, a pass on demand, and the failover and
 * failback of a replica. Errors are RFC 9457 problem details.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/api/replication/pairs")
@Produces(MediaType.APPLICATION_JSON)
public class ReplicationResource {

    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final ReplicationService service;

    public ReplicationResource(ReplicationService service) {
        this.service = service;
    }

    /**
     * One pair.
     *
     * @param lagSeconds the largest lag of its replicas; null while one of them has not finished its initial copy
     */
    public record PairView(String name, String source, String mode, String prefix, double intervalSeconds, Double lagSeconds,
                           List<ReplicationStatus> replicas) {
    }

    @GET
    public List<PairView> list() {
        return service.pairs().stream().map(ReplicationResource::view).toList();
    }

    @GET
    @Path("{name}")
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
            return Response.accepted(Map.of("pair", name, "pass", "started")).build();
        }
        try {
            return Response.ok(Map.of("pair", name, "passes", done.get(waitFor.toMillis(), TimeUnit.MILLISECONDS))).build();
        } catch (TimeoutException e) {
            return Response.accepted(Map.of("pair", name, "pass", "still running after " + wait)).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(503, "Interrupted", "the worker is stopping");
        } catch (ExecutionException e) {
            return problem(500, "Pass failed", "pair " + name + ": " + e.getCause());
        }
    }

    /** The replica now serves as primary: forward copying to it stops, so nothing written there is overwritten. */
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("{name}/failover")
    public Response failover(@PathParam("name") String name, @QueryParam("replica") String replica) {
        return act(name, replica, r -> {
            r.failover();
            service.publish(r);
            return r.status();
        });
    }

    /**
     * Copies the changes made at the replica while it served as primary back to the source, and reports the
     * conflicts (changed at both sides), which it leaves alone. Forward copying resumes.
     */
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("{name}/failback")
    public Response failback(@PathParam("name") String name, @QueryParam("replica") String replica) {
        return act(name, replica, r -> {
            FailbackReport report = r.failback();
            service.publish(r);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("clean", report.clean());
            body.put("report", report);
            return body;
        });
    }

    /** Settles a conflict by keeping one side's version ({@code keep=source} or {@code keep=replica}). */
    @RolesAllowed(Roles.FAILOVER_OPERATOR)
    @POST
    @Path("{name}/conflicts/resolve")
    public Response resolve(@PathParam("name") String name, @QueryParam("replica") String replica, @QueryParam("key") String key,
                            @QueryParam("keep") String keep) {
        if (key == null || !("source".equals(keep) || "replica".equals(keep))) {
            return problem(400, "Bad request", "give key=<key> and keep=source or keep=replica");
        }
        return act(name, replica, r -> {
            r.resolve(key, "source".equals(keep));
            service.publish(r);
            return r.status();
        });
    }

    private interface ReplicaAction {
        Object apply(Replicator r) throws InterruptedException;
    }

    private Response act(String name, String replica, ReplicaAction action) {
        if (service.pair(name).isEmpty()) {
            return notFound(name);
        }
        try {
            return Response.ok(action.apply(service.replica(name, replica))).build();
        } catch (IllegalArgumentException e) {
            return problem(400, "Bad request", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(503, "Interrupted", "the worker is stopping");
        } catch (RuntimeException e) {
            return problem(502, "Store failed", e.getMessage());
        }
    }

    private static PairView view(ReplicationService.Pair p) {
        List<ReplicationStatus> statuses = p.replicas().stream().map(Replicator::status).toList();
        Double lag = statuses.stream().anyMatch(s -> s.lagSeconds() == null) ? null
                : statuses.stream().mapToDouble(ReplicationStatus::lagSeconds).max().orElse(0);
        return new PairView(p.name(), p.source().toString(), p.mode().label(), p.prefix(), p.interval().toMillis() / 1000.0, lag, statuses);
    }

    private Response notFound(String name) {
        return problem(404, "No such pair", "no replication pair " + name + " (configured: "
                + String.join(", ", service.pairs().stream().map(ReplicationService.Pair::name).toList()) + ")");
    }

    static Response problem(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return Response.status(status).type("application/problem+json").entity(body).build();
    }
}
