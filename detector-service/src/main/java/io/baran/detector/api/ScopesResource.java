package io.baran.detector.api;

import io.baran.detector.Detector;
import io.baran.detector.quorum.QuorumView;
import io.baran.detector.quorum.ScopeRecord;
import io.baran.detector.state.Health;
import io.baran.detector.state.HealthTracker;
import io.baran.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Every scope known here: those this vantage probes, those this instance aggregates, and those any aggregator has
 * decided on. The instance that aggregates a scope also shows the votes of every vantage.
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
@Path("/api/scopes")
@Produces(MediaType.APPLICATION_JSON)
public class ScopesResource {

    private final Detector detector;

    ScopesResource(Detector detector) {
        this.detector = detector;
    }

    @GET
    @APIResponse(
            responseCode = "200",
            description = "every scope known here",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY,
                                            implementation = ScopeStatus.class)))
    public List<ScopeStatus> list() {
        Map<String, HealthTracker.VantageScope> own = new TreeMap<>();
        detector.tracker().scopes().forEach(s -> own.put(s.scope(), s));
        Map<String, QuorumView> aggregated =
                detector.aggregator() == null ? Map.of() : detector.aggregator().scopes();
        Map<String, ScopeRecord> decided = detector.decisions().all();
        TreeSet<String> names = new TreeSet<>(own.keySet());
        names.addAll(aggregated.keySet());
        names.addAll(decided.keySet());
        List<ScopeStatus> list = new ArrayList<>();
        for (String name : names) {
            QuorumView view = aggregated.get(name);
            ScopeRecord record = view != null ? view.record() : decided.get(name);
            HealthTracker.VantageScope mine = own.get(name);
            if (record != null && record.state() != Health.UNKNOWN) {
                list.add(new ScopeStatus(
                        name,
                        record.state(),
                        record.decidedBy(),
                        record.incidentId(),
                        record.since(),
                        record.confidence(),
                        view == null ? null : view.live(),
                        view == null ? null : view.required(),
                        view == null ? null : view.votes(),
                        mine,
                        record.drill(),
                        record.history()));
            } else {
                list.add(new ScopeStatus(
                        name,
                        mine == null ? Health.UNKNOWN : mine.state(),
                        null,
                        mine == null ? null : mine.incidentId(),
                        mine == null ? null : mine.since(),
                        null,
                        view == null ? null : view.live(),
                        view == null ? null : view.required(),
                        view == null ? null : view.votes(),
                        mine,
                        record == null ? null : record.drill(),
                        record == null ? null : record.history()));
            }
        }
        return list;
    }
}
