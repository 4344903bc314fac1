package io.baran.detector.state;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * A scope's health from the health of its targets, as seen by this detector alone.
 *
 * <p>A scope is DOWN when every one of its targets is DOWN and UP as soon as one of them is UP: one answering
 * endpoint is enough to serve, so failing over while it answers would do more harm than the outage. While the
 * evidence is incomplete (no target UP, some still UNKNOWN) the scope keeps the state it has, so a scope is
 * UNKNOWN only until its targets have settled after start-up. Later work adds ratios and a quorum across vantages.
 *
 * <p>Each outage gets the id {@code <scope>@<epoch millis when the scope went DOWN>}, kept until the scope is UP
 * again, so the recovered event names the outage it ends. Not thread-safe.
 */
public final class ScopeHealth {

    private final String scope;
    private Health state = Health.UNKNOWN;
    private Instant since;
    private String incidentId;

    public ScopeHealth(String scope) {
        this.scope = scope;
    }

    /** The verdict of a set of target states, or UNKNOWN when they do not settle it yet. */
    static Health verdict(Collection<Health> targets) {
        if (targets.contains(Health.UP)) {
            return Health.UP;
        }
        if (!targets.isEmpty() && targets.stream().allMatch(h -> h == Health.DOWN)) {
            return Health.DOWN;
        }
        return Health.UNKNOWN;
    }

    /** Re-evaluates the scope from its targets' current states; returns the change, if there is one. */
    public Optional<ScopeChange> update(Collection<Health> targets, Instant at) {
        Health verdict = verdict(targets);
        if (verdict == Health.UNKNOWN || verdict == state) {
            return Optional.empty();
        }
        Health before = state;
        state = verdict;
        since = at;
        String incident;
        if (verdict == Health.DOWN) {
            incidentId = scope + "@" + at.toEpochMilli();
            incident = incidentId;
        } else {
            incident = incidentId;
            incidentId = null;
        }
        return Optional.of(new ScopeChange(scope, before, verdict, at, incident));
    }

    public String scope() {
        return scope;
    }

    public Health state() {
        return state;
    }

    /** When the scope entered its current state; null while UNKNOWN. */
    public Instant since() {
        return since;
    }

    /** The current outage's id while the scope is DOWN, otherwise null. */
    public String incidentId() {
        return incidentId;
    }
}
