package io.baran.detector.api;

import io.baran.detector.Detector;
import io.baran.detector.config.TargetDefinitions;
import io.baran.detector.probe.Durations;
import io.baran.detector.quorum.ScopeRecord;
import io.baran.detector.quorum.Simulation;
import io.baran.events.OutageEvent;
import io.baran.security.AuditedCall;
import io.baran.security.AuditedCallContext;
import io.baran.security.Roles;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Simulated outages: {@code POST {"scope": "local/demo/web", "duration": "30s"}} makes the aggregator that owns the
 * scope publish {@code outage.detected} at once and {@code outage.recovered} after the duration, both with
 * {@code drill: true} and an incident id of their own ({@code <scope>@drill-<millis>-<6 hex>}), so that drills exercise the
 * automatic path without touching anything real. Real verdicts on the scope go on being counted meanwhile.
 *
 * <p>The call answers 202 only once the drill has started (the decisions topic records it), 409 when another drill
 * runs on the scope, and 503 when it could not be published or did not start in time: a drill the call did not
 * answer 202 for never runs.
 *
 * <p>The simulation names the caller as their token was verified here (name, groups, whether they are an admin), and
 * the outage event carries them under its signature: the orchestrator drills only the runbooks of the scope whose
 * {@code spec.access.drill} names one of their groups (an admin's: all), with them as {@code startedBy}, and records the
 * game day in its audit trail. The detector does not know the runbooks, and the 202 comes before the orchestrator reads
 * the event, so the answer cannot say which runbooks were drilled and which refused: its {@code outcome} says where to
 * read that (the orchestrator's {@code gameday.start} row for the incident).
 */
@APIResponse(
        responseCode = "401",
        description = "no valid bearer token: none was sent, or it has expired, or it was not issued for this API",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
        responseCode = "403",
        description = "the token does not carry a role this call needs",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@RolesAllowed(Roles.DRILL_OPERATOR)
@Path("/api/simulations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SimulationsResource {

    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofHours(24);
    private static final Duration START_GRACE = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Detector detector;
    private final SecurityIdentity identity;
    private final AuditedCallContext audited;

    SimulationsResource(Detector detector, SecurityIdentity identity, AuditedCallContext audited) {
        this.detector = detector;
        this.identity = identity;
        this.audited = audited;
    }

    /** @param duration how long the simulated outage lasts, 60s when absent */
    public record Request(String scope, String duration) {}

    /**
     * The simulated outage that started; its recovery follows on the health topic at {@code until}.
     *
     * @param requestedBy the caller, as the orchestrator names them in the drills' {@code startedBy} and the audit trail
     * @param outcome     what the orchestrator does with it and where it records which runbooks it drilled and which
     *     it refused (the detector cannot know: it holds no runbook)
     */
    public record Started(
            String scope,
            String incidentId,
            Instant since,
            Instant until,
            boolean drill,
            String requestedBy,
            String outcome) {}

    @POST
    @APIResponse(
            responseCode = "202",
            description = "the drill has started: the aggregator that owns the scope recorded it and published"
                    + " outage.detected (a drill) naming the caller; outage.recovered follows at until. The"
                    + " orchestrator then drills only the scope's runbooks whose spec.access.drill names one of the"
                    + " caller's groups (an admin: all); outcome names the orchestrator's audit query that lists the"
                    + " drills started and the runbooks refused",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Started.class)))
    @APIResponse(
            responseCode = "400",
            description = "a scope or duration that does not read: every wrong field named in errors",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "a drill already runs on the scope: this one is not started (the detail names the running"
                    + " drill and when it ends)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "503",
            description = "the request could not be published, or no aggregator started the drill within"
                    + " baran.detector.quorum.simulation-start-within; either way it never starts",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @AuditedCall("simulation.start")
    public Response simulate(Request request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String scope = request == null || request.scope() == null
                ? ""
                : request.scope().strip();
        if (!scope.isEmpty()) {
            audited.target(scope);
        }
        if (!TargetDefinitions.SCOPE.matcher(scope).matches()) {
            errors.add(
                    new Problem.FieldError(
                            "scope",
                            scope.isEmpty()
                                    ? "must not be empty"
                                    : "\"" + scope
                                            + "\" is not a scope: use segments of letters, digits, '.', '_' or '-' separated by '/'"));
        }
        Duration duration = Duration.ofSeconds(60);
        if (request != null && request.duration() != null) {
            try {
                duration = DurationConverter.parseDuration(request.duration().strip());
                if (duration.compareTo(MIN) < 0 || duration.compareTo(MAX) > 0) {
                    errors.add(new Problem.FieldError(
                            "duration",
                            Durations.text(duration) + " is not between " + Durations.text(MIN) + " and "
                                    + Durations.text(MAX)));
                }
            } catch (RuntimeException e) {
                errors.add(new Problem.FieldError(
                        "duration", "\"" + request.duration() + "\" is not a duration (write it like 30s or 5m)"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(
                    400,
                    "invalid-simulation",
                    "Invalid simulation",
                    errors.size() == 1
                            ? errors.get(0).field() + ": " + errors.get(0).detail()
                            : "several fields are wrong",
                    errors);
        }
        Instant since = Instant.now();
        ScopeRecord.Drill running =
                detector.decisions().get(scope).map(ScopeRecord::drill).orElse(null);
        if (running != null) {
            throw drillRunning(scope, running);
        }
        Duration within = detector.simulationStartWithin();
        OutageEvent.Requester requester = requester();
        Simulation simulation =
                Simulation.of(scope, since, since.plus(duration), detector.vantage(), within, requester);
        try {
            detector.publisher().simulate(simulation);
        } catch (IllegalStateException e) {
            throw ProblemException.of(503, "kafka-unavailable", "Kafka unavailable", e.getMessage());
        }
        // The aggregator that owns the scope may run on another instance: the drill is known to start only once the
        // decisions topic records it. One that has not started within the window of when the broker took the request
        // (judged on the broker's clock: the aggregator refuses it then) never starts, and the broker took it before
        // it acknowledged it, so every answer below is final; the grace covers the decision's way back to us.
        long deadline = System.nanoTime() + within.plus(START_GRACE).toNanos();
        ScopeRecord record = null;
        while (System.nanoTime() < deadline) {
            record = detector.decisions().get(scope).orElse(null);
            if (record != null && record.knowsDrill(simulation.incidentId())) {
                return Response.accepted(new Started(
                                scope,
                                simulation.incidentId(),
                                since,
                                simulation.until(),
                                true,
                                requester.name(),
                                outcome(requester, scope, simulation.incidentId())))
                        .build();
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (record != null && record.drill() != null) {
            throw drillRunning(scope, record.drill());
        }
        throw ProblemException.of(
                503,
                "drill-not-started",
                "Drill not started",
                "no aggregator started the drill of scope " + scope + " within " + Durations.text(within)
                        + " (none owns the scope's partition now, or it is still catching up); it will not start"
                        + " later: try again");
    }

    /** The caller as their token was verified: never a header or a body field they chose. */
    private OutageEvent.Requester requester() {
        return new OutageEvent.Requester(
                identity.getPrincipal().getName(),
                identity.getRoles().stream().sorted().toList(),
                identity.hasRole(Roles.ADMIN));
    }

    static String outcome(OutageEvent.Requester requester, String scope, String incidentId) {
        return "the orchestrator drills the runbooks of " + scope + " that "
                + (requester.admin()
                        ? requester.name() + " may drill (an admin: all of them)"
                        : "name one of the groups of " + requester.name() + " in spec.access.drill")
                + ", as " + requester.name() + "; the drills it started and the runbooks it refused are in its"
                + " audit trail: GET /api/audit?action=gameday.start&target="
                + URLEncoder.encode(incidentId, StandardCharsets.UTF_8);
    }

    private static ProblemException drillRunning(String scope, ScopeRecord.Drill running) {
        return ProblemException.of(
                409,
                "drill-running",
                "A drill already runs on the scope",
                "scope " + scope + " already has drill " + running.incidentId() + " running until " + running.until()
                        + ": one drill at a time per scope, so this one is not started; try again after it ends");
    }
}
