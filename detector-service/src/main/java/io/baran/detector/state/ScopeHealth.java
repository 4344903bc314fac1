package io.baran.detector.state;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * A scope's health from the health of its targets, as seen by this vantage alone.
 *
 * <p>A scope is DOWN when at least {@code downRatio} of its targets are DOWN (by default all of them) and UP as soon
 * as that can no longer be true: with the default, one answering endpoint is enough to serve, so failing over while
 * it answers would do more harm than the outage. While the evidence is incomplete (targets still UNKNOWN could tip
 * it either way) the scope keeps the state it has, so a scope is UNKNOWN only until its targets have settled
 * after start-up.
 *
 * <p>Each outage this vantage sees gets the id {@code <scope>@<epoch millis when the scope went DOWN>}, kept until
 * the scope is UP again. The quorum reuses it: a decided incident is named after the earliest vantage that saw it.
 * Not thread-safe.
 */
public final class ScopeHealth {

    private final String scope;
    private final double downRatio;
    private Health state = Health.UNKNOWN;
    private Instant since;
    private String incidentId;

    public ScopeHealth(String scope) {
        this(scope, 1.0);
    }

    public ScopeHealth(String scope, double downRatio) {
        if (!(downRatio > 0 && downRatio <= 1)) {
            throw new IllegalArgumentException("the down ratio must be above 0 and at most 1, got " + downRatio);
        }
        this.scope = scope;
        this.downRatio = downRatio;
    }

    /** The verdict of a set of target states when every target must be DOWN. */
    static Health verdict(Collection<Health> targets) {
        return verdict(targets, 1.0);
    }

    /** The verdict of a set of target states, or UNKNOWN when they do not settle it yet. */
    static Health verdict(Collection<Health> targets, double downRatio) {
        int total = targets.size();
        if (total == 0) {
            return Health.UNKNOWN;
        }
        long down = targets.stream().filter(h -> h == Health.DOWN).count();
        long unknown = targets.stream().filter(h -> h == Health.UNKNOWN).count();
        // The small epsilon keeps 0.7 * 10 from becoming 8 through rounding.
        long needed = Math.max(1, (long) Math.ceil(downRatio * total - 1e-9));
        if (down >= needed) {
            return Health.DOWN;
        }
        if (down + unknown < needed) {
            return Health.UP;
        }
        return Health.UNKNOWN;
    }

    /** Re-evaluates the scope from its targets' current states; returns the change, if there is one. */
    public Optional<ScopeChange> update(Collection<Health> targets, Instant at) {
        Health verdict = verdict(targets, downRatio);
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
