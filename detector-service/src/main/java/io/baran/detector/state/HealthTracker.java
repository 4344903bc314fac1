package io.baran.detector.state;

import io.baran.detector.config.TargetDefinition;
import io.baran.detector.messaging.OutagePublisher;
import io.baran.detector.probe.ProbeResult;
import io.baran.events.OutageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Holds every target's and every scope's health, turns probe results into state changes, logs one line per
 * change and hands outage starts and ends to the {@link OutagePublisher}.
 *
 * <p>Probe results arrive on several event loops (and on a timer thread for timeouts), so every method is
 * synchronized; nothing inside waits on I/O, the publisher only queues the event.
 */
@ApplicationScoped
public class HealthTracker {

    private static final Logger LOG = Logger.getLogger(HealthTracker.class);

    private final OutagePublisher publisher;
    private final Map<String, Tracked> targets = new LinkedHashMap<>();
    private final Map<String, ScopeHealth> scopes = new TreeMap<>();

    HealthTracker(OutagePublisher publisher) {
        this.publisher = publisher;
    }

    /** Starts tracking these targets, all UNKNOWN. */
    public synchronized void track(List<TargetDefinition> definitions) {
        for (TargetDefinition definition : definitions) {
            targets.put(definition.name(), new Tracked(definition,
                    new TargetHealth(definition.failureThreshold(), definition.successThreshold())));
            scopes.computeIfAbsent(definition.scope(), ScopeHealth::new);
        }
    }

    public synchronized void record(String name, ProbeResult result) {
        Tracked target = targets.get(name);
        if (target == null) {
            throw new IllegalArgumentException("target " + name + " is not tracked");
        }
        target.last = result;
        target.health.record(result.passed()).ifPresent(transition -> {
            TargetDefinition d = target.definition;
            LOG.infof("target %s (%s, scope %s): %s -> %s after %d %s probes in a row; last: %s", d.name(), d.url(),
                    d.scope(), transition.from(), transition.to(),
                    result.passed() ? target.health.consecutiveSuccesses() : target.health.consecutiveFailures(),
                    result.passed() ? "passed" : "failed", result.detail());
            updateScope(d.scope(), result);
        });
    }

    private void updateScope(String scope, ProbeResult result) {
        List<Tracked> members = targets.values().stream().filter(t -> t.definition.scope().equals(scope)).toList();
        scopes.get(scope).update(members.stream().map(t -> t.health.state()).toList(), result.at()).ifPresent(change -> {
            long up = members.stream().filter(t -> t.health.state() == Health.UP).count();
            LOG.infof("scope %s: %s -> %s%s; %d of %d targets UP", scope, change.from(), change.to(),
                    change.incidentId() == null ? "" : " (incident " + change.incidentId() + ")", up, members.size());
            change.eventType().ifPresent(type -> publisher.publish(type, change, members.stream()
                    .map(t -> new OutageEvent.TargetVerdict(t.definition.name(), t.health.state() == Health.UP,
                            t.last == null ? null : t.last.detail()))
                    .toList()));
        });
    }

    public synchronized List<TargetStatus> targets() {
        List<TargetStatus> list = new ArrayList<>();
        for (Tracked t : targets.values()) {
            list.add(new TargetStatus(t.definition.name(), t.definition.scope(), t.definition.url().toString(),
                    t.health.state(), t.health.consecutiveFailures(), t.health.consecutiveSuccesses(),
                    t.last == null ? null : t.last.detail(), t.last == null ? null : t.last.at()));
        }
        return list;
    }

    public synchronized List<ScopeStatus> scopes() {
        return scopes.values().stream()
                .map(s -> new ScopeStatus(s.scope(), s.state(), s.incidentId(), s.since()))
                .toList();
    }

    private static final class Tracked {
        final TargetDefinition definition;
        final TargetHealth health;
        ProbeResult last;

        Tracked(TargetDefinition definition, TargetHealth health) {
            this.definition = definition;
            this.health = health;
        }
    }
}
