package io.baran.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The payload of {@code io.baran.outage.detected} and {@code io.baran.outage.recovered}.
 *
 * <p>Fields are only ever added at the end, nullable or defaulted, so that a consumer built against an older
 * version reads newer events (unknown fields are ignored) and a newer consumer reads older events (missing
 * fields are empty).
 *
 * @param scope      what is down or back, e.g. {@code aws/us-east-1/s3} or {@code local/demo/web}
 * @param incidentId stable for one outage: the recovered event carries the id of the outage it ends
 * @param vantage    the detector instance that decided
 * @param since      when the scope changed state, as seen by the detector
 * @param targets    the targets behind the verdict and what each last saw
 * @param drill      true when the outage was simulated, never for a real one
 * @param votes      the verdict of every live vantage point when the decision was taken; empty in events from
 *                   detectors that decide alone
 * @param confidence the share of live vantages that agreed with the decision, 0 to 1; null when not known
 * @param requester  for a simulated outage, the person who asked for it (the detector's {@code POST
 *                   /api/simulations}, verified from their bearer token); the orchestrator drills only the runbooks
 *                   they may drill. Null for a real outage, and in simulations of detectors older than this field
 */
public record OutageEvent(
        String scope,
        String incidentId,
        String vantage,
        Instant since,
        List<TargetVerdict> targets,
        boolean drill,
        List<Vote> votes,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double confidence,
        @JsonInclude(JsonInclude.Include.NON_NULL) Requester requester) {

    public static final String DETECTED = "io.baran.outage.detected";

    /**
     * A scope as detectors name them: up to 8 segments of letters, digits, '.', '_', '-', separated by '/' ({@code
     * aws/us-east-1/s3}, {@code storefront}).
     */
    public static final java.util.regex.Pattern SCOPE =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}(/[A-Za-z0-9][A-Za-z0-9._-]{0,62}){0,7}");

    public static final String RECOVERED = "io.baran.outage.recovered";

    /**
     * Whether {@code incidentId} names an incident of {@code scope}: detectors name each one {@code <scope>@<...>}
     * ({@code aws/us-east-1@1733500000000}, a drill's {@code aws/us-east-1@drill-...}), and whoever acts on an
     * incident reads its scope from that name.
     */
    public static boolean isIncidentOf(String scope, String incidentId) {
        return scope != null && incidentId != null && incidentId.startsWith(scope + "@");
    }

    public OutageEvent {
        targets = targets == null ? List.of() : List.copyOf(targets);
        votes = votes == null ? List.of() : List.copyOf(votes);
    }

    /** An event no person asked for: every real outage. */
    public OutageEvent(
            String scope,
            String incidentId,
            String vantage,
            Instant since,
            List<TargetVerdict> targets,
            boolean drill,
            List<Vote> votes,
            Double confidence) {
        this(scope, incidentId, vantage, since, targets, drill, votes, confidence, null);
    }

    /** An event without votes, as a detector deciding alone publishes it. */
    public OutageEvent(
            String scope,
            String incidentId,
            String vantage,
            Instant since,
            List<TargetVerdict> targets,
            boolean drill) {
        this(scope, incidentId, vantage, since, targets, drill, List.of(), null);
    }

    /** One probed target's view at the time of the verdict. */
    public record TargetVerdict(String name, boolean up, String lastResult) {}

    /**
     * One vantage point's verdict on the scope.
     *
     * @param verdict {@code UP}, {@code DOWN} or {@code UNKNOWN} (no opinion: still settling, or the vantage
     *                cannot reach anything and so abstains)
     * @param since   when the vantage came to this verdict
     */
    public record Vote(String vantage, String verdict, Instant since) {}

    /**
     * The person who asked for a simulated outage, as the detector verified them from their bearer token. The event's
     * signature covers it, so the orchestrator acts on it as on the rest of the event.
     *
     * @param name   the verified principal ({@code preferred_username}, or the claim the detector is configured with)
     * @param groups the groups (roles) the token gave, the roles they imply included, sorted
     * @param admin  whether they hold the {@code admin} role (every runbook is theirs to drill)
     */
    public record Requester(String name, List<String> groups, boolean admin) {

        public Requester {
            groups = groups == null ? List.of() : List.copyOf(groups);
        }
    }
}
