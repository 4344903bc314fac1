package io.baran.detector.quorum;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baran.detector.state.Health;
import io.baran.events.OutageEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A scope's decided state, as the decisions topic keeps it (compacted, keyed by scope). It is written in the same
 * Kafka transaction as the outage event it goes with, so after a restart the aggregator knows exactly which events
 * went out: it neither repeats a detected event nor forgets the incident a recovery must name.
 *
 * @param state      the quorum's decision: UNKNOWN until a quorum first agreed
 * @param incidentId the open outage while DOWN
 * @param since      when the scope entered its state, as the vantages saw it
 * @param decidedAt  when the quorum decided it
 * @param decidedBy  the aggregator that decided it
 * @param drill      the simulated outage in progress, if any; it never touches the real state
 * @param history    the latest decisions, newest last
 * @param seq        how many decisions the scope's record has been through: each one written counts one more, so a
 *                   reader keeps the highest, and an older signed record written again is not taken for the latest
 *                   (0 for records written before it was kept)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScopeRecord(
        String scope,
        Health state,
        String incidentId,
        Instant since,
        Instant decidedAt,
        String decidedBy,
        List<OutageEvent.Vote> votes,
        Double confidence,
        Drill drill,
        List<Decision> history,
        long seq) {

    /** How many decisions the history keeps. */
    public static final int HISTORY = 20;

    public ScopeRecord {
        votes = votes == null ? List.of() : List.copyOf(votes);
        history = history == null ? List.of() : List.copyOf(history);
        state = state == null ? Health.UNKNOWN : state;
    }

    /** As written before {@code seq} was kept. */
    public ScopeRecord(
            String scope,
            Health state,
            String incidentId,
            Instant since,
            Instant decidedAt,
            String decidedBy,
            List<OutageEvent.Vote> votes,
            Double confidence,
            Drill drill,
            List<Decision> history) {
        this(scope, state, incidentId, since, decidedAt, decidedBy, votes, confidence, drill, history, 0);
    }

    public static ScopeRecord initial(String scope) {
        return new ScopeRecord(scope, Health.UNKNOWN, null, null, null, null, List.of(), null, null, List.of(), 0);
    }

    /** A simulated outage in progress. */
    public record Drill(String incidentId, Instant since, Instant until, String requestedBy) {}

    /**
     * One decision.
     *
     * @param event {@code detected}, {@code recovered}, or {@code up} (first agreement that the scope is up: no event)
     */
    public record Decision(
            String event,
            String incidentId,
            Instant since,
            Instant decidedAt,
            boolean drill,
            Double confidence,
            List<OutageEvent.Vote> votes) {}

    ScopeRecord withDecision(
            Health state,
            String incidentId,
            Instant since,
            Instant decidedAt,
            String decidedBy,
            List<OutageEvent.Vote> votes,
            Double confidence,
            Decision decision) {
        return next(state, incidentId, since, decidedAt, decidedBy, votes, confidence, drill, decision);
    }

    ScopeRecord withDrill(Drill drill, Decision decision) {
        return next(state, incidentId, since, decidedAt, decidedBy, votes, confidence, drill, decision);
    }

    /** The record after one more decision: its history one longer, its {@code seq} one higher. */
    private ScopeRecord next(
            Health state,
            String incidentId,
            Instant since,
            Instant decidedAt,
            String decidedBy,
            List<OutageEvent.Vote> votes,
            Double confidence,
            Drill drill,
            Decision decision) {
        return new ScopeRecord(
                scope,
                state,
                incidentId,
                since,
                decidedAt,
                decidedBy,
                votes,
                confidence,
                drill,
                append(decision),
                seq + 1);
    }

    /** Whether this drill was already run, so that a redelivered request does not run it twice. */
    public boolean knowsDrill(String drillIncident) {
        return drill != null && drill.incidentId().equals(drillIncident)
                || history.stream().anyMatch(d -> d.drill() && drillIncident.equals(d.incidentId()));
    }

    private List<Decision> append(Decision decision) {
        List<Decision> list = new ArrayList<>(history);
        list.add(decision);
        return list.size() > HISTORY ? list.subList(list.size() - HISTORY, list.size()) : list;
    }
}
