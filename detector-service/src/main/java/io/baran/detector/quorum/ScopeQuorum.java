package io.baran.detector.quorum;

import io.baran.detector.probe.Durations;
import io.baran.detector.state.Health;
import io.baran.events.OutageEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The quorum on one scope: the latest verdict of each vantage, and the decided state. It decides, but changes
 * nothing until {@link #apply} is called with the outcome, which the aggregator does only once the outcome's event
 * and record are committed to Kafka. Not thread-safe: one aggregator thread owns it.
 */
final class ScopeQuorum {

    private static final Logger LOG = Logger.getLogger(ScopeQuorum.class);

    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    private final String scope;
    private final QuorumRule rule;
    private final Map<String, Seen> latest = new TreeMap<>();
    private ScopeRecord record;
    private Simulation pendingSimulation;
    /** When the broker took the pending simulation (LogAppendTime); null when its record carries no such stamp. */
    private Instant pendingStamped;

    ScopeQuorum(String scope, ScopeRecord record, QuorumRule rule) {
        this.scope = scope;
        this.record = record;
        this.rule = rule;
    }

    /**
     * A verdict arrived; {@code seenAt} is when Kafka took it (the broker's clock), which is what decides whether it
     * is still live.
     */
    void see(VantageVerdict verdict, Instant seenAt) {
        Seen previous = latest.get(verdict.vantage());
        if (previous == null || !seenAt.isBefore(previous.seenAt)) {
            latest.put(verdict.vantage(), new Seen(verdict, seenAt));
        }
    }

    /** A simulation request the broker stamped when it took it (the broker's clock). */
    void simulate(Simulation simulation, Instant stamped) {
        pendingSimulation = simulation;
        pendingStamped = stamped;
    }

    /**
     * A simulation request whose record carries no stamp of the broker's: its start-by is judged on the aggregator's
     * own clock.
     */
    void simulate(Simulation simulation) {
        simulate(simulation, null);
    }

    ScopeRecord record() {
        return record;
    }

    /** Every vantage's latest verdict, live or not. */
    List<Seen> latest() {
        return List.copyOf(latest.values());
    }

    /** Takes the recorded decision, when taking over the scope. */
    void restore(ScopeRecord recorded) {
        record = recorded;
    }

    void apply(Outcome outcome) {
        record = outcome.next();
    }

    /** The live votes at this moment of the broker's clock (what {@code seenAt} is read on). */
    Tally tally(Instant now) {
        // Vantages gone for long are forgotten; until then the REST API shows them as expired.
        latest.values().removeIf(seen -> seen.seenAt.isBefore(now.minus(FORGET_AFTER)));
        List<Seen> live = new ArrayList<>();
        for (Seen seen : latest.values()) {
            if (!seen.seenAt.isBefore(now.minus(rule.expiry()))) {
                live.add(seen);
            }
        }
        return new Tally(live, rule.required(live.size()));
    }

    /** What to publish now, if anything, with the broker's clock taken to read as the aggregator's. */
    Optional<Outcome> evaluate(Instant now, String aggregator) {
        return evaluate(now, now, aggregator);
    }

    /**
     * What to publish now, if anything: at most one decision per call, drills first.
     *
     * @param now       the aggregator's time: when it decides, what drills are timed by
     * @param brokerNow the broker's time at that moment, which the verdicts' ages are judged by (they are seen at the
     *                  broker's timestamps), and whether a simulation may still start (its window runs from the
     *                  broker's timestamp of its request)
     */
    Optional<Outcome> evaluate(Instant now, Instant brokerNow, String aggregator) {
        Optional<Outcome> drill = evaluateDrill(now, brokerNow, aggregator);
        if (drill.isPresent()) {
            return drill;
        }
        Tally tally = tally(brokerNow);
        List<Seen> down = tally.with(Health.DOWN);
        List<Seen> up = tally.with(Health.UP);
        if (down.size() >= tally.required() && record.state() != Health.DOWN) {
            // Named after the first vantage that saw it, unless that vantage still names an outage already
            // decided: one whose failure began before the last recovery, or whose id an earlier incident used.
            Instant recovered = lastRecovery();
            Set<String> used = usedIncidents();
            Optional<Seen> named = down.stream()
                    .filter(s -> recovered == null || s.since().isAfter(recovered))
                    .filter(s -> !used.contains(incidentOf(s)))
                    .min(Comparator.comparing(Seen::since));
            Instant since;
            String incident;
            if (named.isPresent()) {
                since = named.get().since();
                incident = incidentOf(named.get());
            } else {
                // Every agreeing vantage names an outage already decided: this one began after the last recovery.
                since = down.stream()
                        .map(Seen::since)
                        .filter(t -> recovered == null || t.isAfter(recovered))
                        .min(Comparator.naturalOrder())
                        .orElse(recovered != null && recovered.isBefore(now) ? recovered : now);
                incident = scope + "@" + now.toEpochMilli();
            }
            return Optional.of(
                    decide(Health.DOWN, OutageEvent.DETECTED, incident, since, now, aggregator, tally, down));
        }
        if (up.size() >= tally.required() && record.state() == Health.DOWN) {
            Instant since =
                    up.stream().map(Seen::since).max(Comparator.naturalOrder()).orElse(now);
            if (record.since() != null && !since.isAfter(record.since())) {
                since = now;
            }
            return Optional.of(
                    decide(Health.UP, OutageEvent.RECOVERED, record.incidentId(), since, now, aggregator, tally, up));
        }
        if (up.size() >= tally.required() && record.state() == Health.UNKNOWN) {
            Instant since =
                    up.stream().map(Seen::since).min(Comparator.naturalOrder()).orElse(now);
            return Optional.of(decide(Health.UP, null, null, since, now, aggregator, tally, up));
        }
        return Optional.empty();
    }

    /** The incident a vantage's DOWN verdict names: its own id, else one after when it saw the failure begin. */
    private String incidentOf(Seen seen) {
        return seen.verdict.incidentId() != null
                ? seen.verdict.incidentId()
                : scope + "@" + seen.since().toEpochMilli();
    }

    /** When the scope came back from its last real outage, as recorded; null when none is recorded. */
    private Instant lastRecovery() {
        for (int i = record.history().size() - 1; i >= 0; i--) {
            ScopeRecord.Decision d = record.history().get(i);
            if (!d.drill() && "recovered".equals(d.event())) {
                return d.since();
            }
        }
        return null;
    }

    /** Every real incident the recorded history names: none of them may name a new outage. */
    private Set<String> usedIncidents() {
        Set<String> used = new HashSet<>();
        for (ScopeRecord.Decision d : record.history()) {
            if (!d.drill() && d.incidentId() != null) {
                used.add(d.incidentId());
            }
        }
        return used;
    }

    private Outcome decide(
            Health state,
            String type,
            String incident,
            Instant since,
            Instant now,
            String aggregator,
            Tally tally,
            List<Seen> agreeing) {
        List<OutageEvent.Vote> votes = tally.votes();
        double confidence = confidence(agreeing.size(), tally.live().size());
        String event = type == null ? "up" : OutageEvent.DETECTED.equals(type) ? "detected" : "recovered";
        ScopeRecord next = record.withDecision(
                state,
                state == Health.DOWN ? incident : null,
                since,
                now,
                aggregator,
                votes,
                confidence,
                new ScopeRecord.Decision(event, incident, since, now, false, confidence, votes));
        OutageEvent outage = type == null
                ? null
                : new OutageEvent(scope, incident, aggregator, since, targets(agreeing), false, votes, confidence);
        return new Outcome(scope, next, type, outage, Duration.between(since, now));
    }

    private Optional<Outcome> evaluateDrill(Instant now, Instant brokerNow, String aggregator) {
        Simulation simulation = pendingSimulation;
        Instant stamped = pendingStamped;
        pendingSimulation = null;
        pendingStamped = null;
        if (simulation != null && !startable(simulation, stamped, now, brokerNow)) {
            simulation = null;
        }
        if (simulation != null) {
            List<OutageEvent.Vote> votes =
                    List.of(new OutageEvent.Vote(simulation.requestedBy(), "DOWN", simulation.since()));
            ScopeRecord.Drill drill = new ScopeRecord.Drill(
                    simulation.incidentId(), simulation.since(), simulation.until(), simulation.requestedBy());
            ScopeRecord next = record.withDrill(
                    drill,
                    new ScopeRecord.Decision(
                            "detected", simulation.incidentId(), simulation.since(), now, true, 1.0, votes));
            OutageEvent outage = new OutageEvent(
                    scope,
                    simulation.incidentId(),
                    aggregator,
                    simulation.since(),
                    List.of(new OutageEvent.TargetVerdict(
                            "simulation", false, "simulated outage until " + simulation.until())),
                    true,
                    votes,
                    1.0,
                    simulation.requester());
            return Optional.of(
                    new Outcome(scope, next, OutageEvent.DETECTED, outage, Duration.between(simulation.since(), now)));
        }
        ScopeRecord.Drill drill = record.drill();
        if (drill != null && !now.isBefore(drill.until())) {
            List<OutageEvent.Vote> votes = List.of(new OutageEvent.Vote(drill.requestedBy(), "UP", drill.until()));
            ScopeRecord next = record.withDrill(
                    null,
                    new ScopeRecord.Decision("recovered", drill.incidentId(), drill.until(), now, true, 1.0, votes));
            OutageEvent outage = new OutageEvent(
                    scope,
                    drill.incidentId(),
                    aggregator,
                    drill.until(),
                    List.of(new OutageEvent.TargetVerdict("simulation", true, "simulated outage ended")),
                    true,
                    votes,
                    1.0);
            return Optional.of(
                    new Outcome(scope, next, OutageEvent.RECOVERED, outage, Duration.between(drill.until(), now)));
        }
        return Optional.empty();
    }

    /**
     * Whether a simulation starts now. One already run (a redelivered request) starts nothing, silently; one refused
     * is logged, naming why: the REST call that asked for it has answered (or answers) with the same reason.
     *
     * <p>Its start-by is judged on the broker's clock alone, as verdicts' ages are: the broker's timestamp of the
     * request plus its window, against the broker's time now. The requester's clock and the aggregator's may be far
     * apart; the requester waits the window (and a grace) from when the broker acknowledged the request, which is
     * after the broker stamped it, so a drill this lets start is one the requester is still waiting for.
     */
    private boolean startable(Simulation simulation, Instant stamped, Instant now, Instant brokerNow) {
        if (record.knowsDrill(simulation.incidentId())) {
            return false;
        }
        String refused = null;
        if (record.drill() != null) {
            refused = "drill " + record.drill().incidentId() + " already runs on it until "
                    + record.drill().until();
        } else if (!simulation.until().isAfter(now)) {
            refused = "it was to end at " + simulation.until() + ", before it could start";
        } else if (stamped != null && simulation.window() != null) {
            Instant startBy = stamped.plus(simulation.window());
            if (brokerNow.isAfter(startBy)) {
                refused = "it was to start by " + startBy + " on the broker's clock ("
                        + Durations.text(simulation.window())
                        + " after the broker took it; its requester was told it did not start), and it is " + brokerNow
                        + " there";
            }
        } else if (simulation.startBy() != null && now.isAfter(simulation.startBy())) {
            // No broker's stamp to judge by: the requester's clock against ours, as before.
            refused = "it was to start by " + simulation.startBy()
                    + " (its requester was told it did not start), and it is " + now;
        }
        if (refused != null) {
            LOG.warnf(
                    "simulation %s of scope %s (requested by %s) NOT started: %s",
                    simulation.incidentId(), scope, simulation.requestedBy(), refused);
            return false;
        }
        return true;
    }

    /** The targets behind the decision: each named once, as the first agreeing vantage (by id) last saw it. */
    private static List<OutageEvent.TargetVerdict> targets(List<Seen> agreeing) {
        Map<String, OutageEvent.TargetVerdict> merged = new LinkedHashMap<>();
        agreeing.stream()
                .sorted(Comparator.comparing(s -> s.verdict.vantage()))
                .flatMap(s -> s.verdict.targets().stream())
                .forEach(t -> merged.putIfAbsent(t.name(), t));
        return List.copyOf(merged.values());
    }

    static double confidence(int agreeing, int live) {
        return live == 0 ? 0 : Math.round(1000.0 * agreeing / live) / 1000.0;
    }

    /** A decision to publish and record. */
    record Outcome(String scope, ScopeRecord next, String eventType, OutageEvent event, Duration latency) {}

    /** A vantage's latest verdict and when Kafka took it. */
    record Seen(VantageVerdict verdict, Instant seenAt) {
        Instant since() {
            return verdict.since() != null ? verdict.since() : seenAt;
        }
    }

    /** The live votes and how many must agree. */
    record Tally(List<Seen> live, int required) {

        List<Seen> with(Health verdict) {
            return live.stream().filter(s -> s.verdict.verdict() == verdict).toList();
        }

        List<OutageEvent.Vote> votes() {
            return live.stream()
                    .map(s -> new OutageEvent.Vote(
                            s.verdict.vantage(), s.verdict.verdict().name(), s.since()))
                    .toList();
        }
    }
}
