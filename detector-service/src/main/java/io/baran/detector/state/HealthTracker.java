package io.baran.detector.state;

import io.baran.detector.config.DetectorSettings;
import io.baran.detector.config.TargetDefinition;
import io.baran.detector.metrics.DetectorMetrics;
import io.baran.detector.probe.ProbeResult;
import io.baran.detector.quorum.VantageVerdict;
import io.baran.events.OutageEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * This vantage's view: every target's and every scope's health, turned from probe results into state changes and
 * into the vantage's vote on each scope, which goes to the {@link VerdictSink} whenever it changes.
 *
 * <p>The vote is the scope's health, except when the vantage cannot tell its own network failing from the scope
 * failing. A vantage that watches targets in more than one scope votes DOWN only on evidence that its own network
 * works: some other target passed a probe that started after the scope's targets were seen failing (a failed probe
 * is seen when it ends, a timeout long after the probe started), and a probe of the scope that started after that
 * pass failed too. A vantage whose network comes back sees passes everywhere and no such failure, so the scopes it
 * could not reach never get a DOWN vote from it. It abstains on every scope while all of its targets are DOWN. A
 * vantage that watches a single scope has no such evidence and votes as it sees: give each vantage a target in a
 * second scope (a reference endpoint) so that it can tell.
 *
 * <p>Probe results arrive on several event loops (and on a timer thread for timeouts), so every method is
 * synchronized; nothing inside waits on I/O, the sink only queues the verdict.
 */
public class HealthTracker {

    private static final Logger LOG = Logger.getLogger(HealthTracker.class);

    private final DetectorSettings.Vantage settings;
    private final VerdictSink sink;
    private final DetectorMetrics metrics;
    private final Clock clock;
    private final Map<String, Tracked> targets = new LinkedHashMap<>();
    private final Map<String, Scope> scopes = new TreeMap<>();
    /** Scopes this vantage sees DOWN without voting DOWN yet: they wait for evidence that its network works. */
    private final Set<String> waiting = new HashSet<>();

    private int downTargets;
    /** When the latest-started pass of any target started, and when that probe ended. */
    private Instant latestPassStarted;

    private Instant latestPassEnded;
    private boolean isolated;

    public HealthTracker(DetectorSettings.Vantage settings, VerdictSink sink, DetectorMetrics metrics, Clock clock) {
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.clock = clock;
    }

    public String vantage() {
        return settings.id();
    }

    /** Starts tracking these targets, all UNKNOWN; a target of the same name is replaced. */
    public synchronized void track(List<TargetDefinition> definitions) {
        for (TargetDefinition definition : definitions) {
            if (targets.containsKey(definition.name())) {
                untrack(definition.name());
            }
            Tracked tracked = new Tracked(
                    definition,
                    new TargetHealth(definition.failureThreshold(), definition.successThreshold()),
                    new FlapDamping(settings.damping()));
            targets.put(definition.name(), tracked);
            Scope scope = scopes.computeIfAbsent(definition.scope(), s -> {
                Scope created = new Scope(new ScopeHealth(s, settings.scopeDownRatio()));
                metrics.trackScope(s, () -> created.health.state());
                return created;
            });
            scope.members.put(definition.name(), tracked);
            metrics.trackTarget(
                    definition.name(),
                    definition.scope(),
                    () -> tracked.effective,
                    () -> tracked.damping.penalty(clock.instant()));
        }
        refreshIsolation(clock.instant());
    }

    /** Stops tracking a target; a scope left without targets is dropped after a last UNKNOWN vote. */
    public synchronized boolean untrack(String name) {
        Tracked tracked = targets.remove(name);
        if (tracked == null) {
            return false;
        }
        metrics.untrackTarget(name);
        if (tracked.effective == Health.DOWN) {
            downTargets--;
        }
        Instant now = clock.instant();
        String scopeName = tracked.definition.scope();
        Scope scope = scopes.get(scopeName);
        scope.members.remove(name);
        if (scope.members.isEmpty()) {
            scopes.remove(scopeName);
            waiting.remove(scopeName);
            metrics.untrackScope(scopeName);
            // Abstain at once rather than leave the last vote standing until it expires at the aggregator.
            sink.changed(new VantageVerdict(
                    settings.id(), scopeName, Health.UNKNOWN, false, now, null, now, true, List.of()));
        } else {
            updateScope(scopeName, scope, now, null);
        }
        refreshIsolation(now);
        return true;
    }

    /**
     * Takes the result of a probe of this very definition. A target replaced (or removed) while the probe ran is
     * tracked as another definition by now, or not at all: the result belongs to the target as it was, so it is
     * discarded rather than counted for its successor. Compared by identity, the definition being the target's
     * generation: a replacement equal in every field is still a new target that starts over.
     *
     * @return whether the result counted
     */
    public synchronized boolean record(TargetDefinition probed, ProbeResult result, Instant startedAt) {
        Tracked current = targets.get(probed.name());
        if (current == null || current.definition != probed) {
            LOG.debugf(
                    "target %s: a probe of its %s definition ended; its result (%s) is discarded",
                    probed.name(), current == null ? "removed" : "replaced", result.detail());
            return false;
        }
        record(probed.name(), result, startedAt);
        return true;
    }

    public synchronized void record(String name, ProbeResult result) {
        record(name, result, result.at());
    }

    /**
     * Takes one probe's result.
     *
     * @param startedAt when the probe started: a failure counts as evidence against its scope only if the probe
     *                  started after the evidence that the network worked, and a pass counts as that evidence only
     *                  if the probe started after the scope's targets were seen failing
     */
    public synchronized void record(String name, ProbeResult result, Instant startedAt) {
        Tracked target = targets.get(name);
        if (target == null) {
            throw new IllegalArgumentException("target " + name + " is not tracked");
        }
        Instant at = result.at();
        target.last = result;
        if (result.passed()) {
            target.failingSince = null;
            if (latestPassStarted == null || startedAt.isAfter(latestPassStarted)) {
                latestPassStarted = startedAt;
                latestPassEnded = at;
            }
        } else {
            if (target.failingSince == null) {
                // Seen failing once the probe ended: a pass of a probe that started earlier ran alongside it and
                // shows nothing about the network since (it may have been cut while this probe waited).
                target.failingSince = at;
            }
            target.lastFailStarted = startedAt;
        }
        TargetDefinition d = target.definition;
        target.health.record(result.passed()).ifPresent(transition -> {
            LOG.infof(
                    "target %s (%s, scope %s): %s -> %s after %d %s probes in a row; last: %s",
                    d.name(),
                    d.endpoint().shown(),
                    d.scope(),
                    transition.from(),
                    transition.to(),
                    result.passed() ? target.health.consecutiveSuccesses() : target.health.consecutiveFailures(),
                    result.passed() ? "passed" : "failed",
                    result.detail());
            if (transition.from() != Health.UNKNOWN) {
                target.damping.flapped(at);
            }
        });
        Health effective = effective(target, at);
        if (effective != target.effective) {
            if (effective != target.health.state()) {
                LOG.infof(
                        "target %s (scope %s): held DOWN while it flaps, flap penalty %d (released below %d)",
                        d.name(),
                        d.scope(),
                        Math.round(target.damping.penalty(at)),
                        Math.round(settings.damping().reuseBelow()));
            } else if (target.effective != target.health.state() && target.effective != Health.UNKNOWN) {
                LOG.infof(
                        "target %s (scope %s): released, stable again (flap penalty %d); it is %s",
                        d.name(), d.scope(), Math.round(target.damping.penalty(at)), effective);
            }
            if (target.effective == Health.DOWN) {
                downTargets--;
            }
            if (effective == Health.DOWN) {
                downTargets++;
            }
            target.effective = effective;
            // The scope first, so that ending an isolation re-votes on up-to-date scopes.
            updateScope(d.scope(), scopes.get(d.scope()), at, result);
            refreshIsolation(at);
        }
        if (!isolated && !waiting.isEmpty()) {
            // Scopes DOWN here but not yet voted DOWN wait for evidence that the network works; they are few.
            for (String scopeName : List.copyOf(waiting)) {
                Scope scope = scopes.get(scopeName);
                if (result.passed() && scope.passAfterFailing == null && !scope.members.containsKey(name)) {
                    Instant failingFrom = failingFrom(scope);
                    if (failingFrom != null && startedAt.isAfter(failingFrom)) {
                        scope.passAfterFailing = at;
                    }
                }
                revote(scopeName, scope, at);
            }
        }
    }

    private Health effective(Tracked target, Instant at) {
        Health probed = target.health.state();
        if (probed == Health.UNKNOWN) {
            return probed;
        }
        return target.damping.suppressed(at) ? Health.DOWN : probed;
    }

    private void refreshIsolation(Instant at) {
        boolean now = settings.isolation() && scopes.size() > 1 && !targets.isEmpty() && downTargets == targets.size();
        if (now == isolated) {
            return;
        }
        isolated = now;
        if (now) {
            LOG.warnf(
                    "vantage %s: every one of its %d targets in %d scopes is DOWN; it cannot tell its own network failing"
                            + " from all of them failing, so it abstains on every scope until a target answers again",
                    settings.id(), targets.size(), scopes.size());
        } else {
            LOG.infof("vantage %s: a target answers again; it votes again", settings.id());
        }
        scopes.forEach((name, scope) -> revote(name, scope, at));
    }

    private void updateScope(String name, Scope scope, Instant at, ProbeResult result) {
        List<Health> states =
                scope.members.values().stream().map(t -> t.effective).toList();
        scope.health.update(states, at).ifPresent(change -> {
            scope.passAfterFailing = null;
            if (change.to() == Health.DOWN) {
                // Passes of probes started once the scope's targets were seen failing, before it went DOWN, count as
                // evidence.
                Instant failingFrom = failingFrom(scope);
                if (failingFrom != null && latestPassStarted != null && latestPassStarted.isAfter(failingFrom)) {
                    scope.passAfterFailing = latestPassEnded;
                }
            }
            long up = states.stream().filter(h -> h == Health.UP).count();
            LOG.infof(
                    "scope %s: %s -> %s%s; %d of %d targets UP",
                    name,
                    change.from(),
                    change.to(),
                    change.incidentId() == null ? "" : " (incident " + change.incidentId() + ")",
                    up,
                    states.size());
        });
        revote(name, scope, at);
    }

    /** Works out the vote on one scope and sends it when it differs from the last one sent. */
    private void revote(String name, Scope scope, Instant at) {
        Health vote = scope.health.state();
        boolean abstains = false;
        if (isolated) {
            vote = Health.UNKNOWN;
            abstains = true;
        } else if (vote == Health.DOWN && scope.vote == Health.DOWN) {
            // Evidence gates the move to a DOWN vote; once cast, it stands until the scope is UP again.
            return;
        } else if (vote == Health.DOWN && settings.isolation() && scopes.size() > 1 && !evidenceOfNetwork(scope)) {
            vote = Health.UNKNOWN;
            abstains = true;
        }
        if (scope.health.state() == Health.DOWN && vote != Health.DOWN) {
            waiting.add(name);
        } else {
            waiting.remove(name);
        }
        if (vote == scope.vote && abstains == scope.abstains) {
            return;
        }
        if (abstains && !scope.abstains && scope.health.state() == Health.DOWN && !isolated) {
            LOG.infof(
                    "scope %s: DOWN as this vantage sees it, but no target answered since its targets started failing;"
                            + " the vantage abstains until one does",
                    name);
        }
        scope.vote = vote;
        scope.abstains = abstains;
        scope.voteSince = vote == Health.UNKNOWN ? at : scope.health.since();
        sink.changed(verdict(name, scope, at, true));
    }

    /**
     * Whether this vantage's network demonstrably worked while the scope failed: a probe of another target that
     * started after the scope's targets were seen failing passed, and a probe of the scope that started after that
     * pass ended failed.
     */
    private boolean evidenceOfNetwork(Scope scope) {
        boolean anyDown = scope.members.values().stream().anyMatch(t -> t.effective == Health.DOWN);
        if (anyDown
                && scope.members.values().stream()
                        .noneMatch(t -> t.effective == Health.DOWN && t.health.state() == Health.DOWN)) {
            // The scope is DOWN only through flap damping: its targets answer, which is evidence enough.
            return true;
        }
        if (failingFrom(scope) == null) {
            // Its DOWN targets answer again: it is coming back, not going down.
            return false;
        }
        if (scope.passAfterFailing == null) {
            return false;
        }
        for (Tracked t : scope.members.values()) {
            if (t.effective == Health.DOWN
                    && t.lastFailStarted != null
                    && t.lastFailStarted.isAfter(scope.passAfterFailing)) {
                return true;
            }
        }
        return false;
    }

    /** When the last of the scope's failing targets was seen failing; null when none of its targets is failing. */
    private static Instant failingFrom(Scope scope) {
        Instant failingFrom = null;
        for (Tracked t : scope.members.values()) {
            if (t.effective == Health.DOWN
                    && t.failingSince != null
                    && (failingFrom == null || t.failingSince.isAfter(failingFrom))) {
                failingFrom = t.failingSince;
            }
        }
        return failingFrom;
    }

    private VantageVerdict verdict(String name, Scope scope, Instant at, boolean change) {
        List<OutageEvent.TargetVerdict> members = scope.members.values().stream()
                .map(t -> new OutageEvent.TargetVerdict(
                        t.definition.name(), t.effective == Health.UP, t.last == null ? null : t.last.detail()))
                .toList();
        return new VantageVerdict(
                settings.id(),
                name,
                scope.vote,
                scope.abstains,
                scope.voteSince,
                scope.vote == Health.DOWN ? scope.health.incidentId() : null,
                at,
                change,
                members);
    }

    /** The current vote on every scope, for the heartbeat. */
    public synchronized List<VantageVerdict> verdicts() {
        Instant now = clock.instant();
        List<VantageVerdict> list = new ArrayList<>(scopes.size());
        scopes.forEach((name, scope) -> list.add(verdict(name, scope, now, false)));
        return list;
    }

    public synchronized boolean isolated() {
        return isolated;
    }

    public synchronized List<TargetStatus> targets() {
        Instant now = clock.instant();
        List<TargetStatus> list = new ArrayList<>();
        for (Tracked t : targets.values()) {
            TargetDefinition d = t.definition;
            list.add(new TargetStatus(
                    d.name(),
                    d.scope(),
                    d.endpoint().shown(),
                    t.effective,
                    t.health.consecutiveFailures(),
                    t.health.consecutiveSuccesses(),
                    t.last == null ? null : t.last.detail(),
                    t.last == null ? null : t.last.at(),
                    d.endpoint().kind(),
                    t.health.state(),
                    Math.round(t.damping.penalty(now)),
                    t.effective != t.health.state(),
                    d.origin().name(),
                    d.interval().toMillis() + "ms"));
        }
        return list;
    }

    /** This vantage's view of each scope. */
    public synchronized List<VantageScope> scopes() {
        List<VantageScope> list = new ArrayList<>();
        scopes.forEach((name, s) -> {
            long up = s.members.values().stream()
                    .filter(t -> t.effective == Health.UP)
                    .count();
            long down = s.members.values().stream()
                    .filter(t -> t.effective == Health.DOWN)
                    .count();
            list.add(new VantageScope(
                    name,
                    s.health.state(),
                    s.health.incidentId(),
                    s.health.since(),
                    s.vote,
                    s.abstains,
                    (int) up,
                    (int) down,
                    s.members.size()));
        });
        return list;
    }

    /**
     * One scope as this vantage sees it.
     *
     * @param state      from its targets
     * @param vote       what it tells the quorum: the state, or UNKNOWN when it abstains
     */
    public record VantageScope(
            String scope,
            Health state,
            String incidentId,
            Instant since,
            Health vote,
            boolean abstains,
            int targetsUp,
            int targetsDown,
            int targets) {}

    private static final class Scope {
        final ScopeHealth health;
        final Map<String, Tracked> members = new LinkedHashMap<>();
        Health vote = Health.UNKNOWN;
        boolean abstains;
        Instant voteSince;
        /**
         * When a pass of another target ended that started after this scope's targets were seen failing, while it
         * waits to vote DOWN.
         */
        Instant passAfterFailing;

        Scope(ScopeHealth health) {
            this.health = health;
        }
    }

    private static final class Tracked {
        final TargetDefinition definition;
        final TargetHealth health;
        final FlapDamping damping;
        Health effective = Health.UNKNOWN;
        ProbeResult last;
        /** When the probe that began the current run of failures ended; null while the last probe passed. */
        Instant failingSince;

        Instant lastFailStarted;

        Tracked(TargetDefinition definition, TargetHealth health, FlapDamping damping) {
            this.definition = definition;
            this.health = health;
            this.damping = damping;
        }
    }
}
