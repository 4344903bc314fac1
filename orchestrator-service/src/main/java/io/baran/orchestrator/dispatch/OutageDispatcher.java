package io.baran.orchestrator.dispatch;

import io.baran.events.CloudEvent;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.audit.AuditActions;
import io.baran.orchestrator.audit.AuditEntry;
import io.baran.orchestrator.audit.AuditTrail;
import io.baran.orchestrator.config.DispatchConfig;
import io.baran.orchestrator.config.EventsConfig;
import io.baran.orchestrator.config.FailoverConfig;
import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.runbook.RunningExecutions;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Durations;
import io.baran.runbook.Runbook;
import io.baran.workflow.Actor;
import io.baran.workflow.LateHold;
import io.baran.workflow.RunbookWorkflow;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Starts (or joins) the failovers of every runbook an {@code outage.detected} triggers, many at once:
 * <ol>
 * <li>the blast-radius guard is asked for the whole outage ({@link OutageLedger}, {@link BlastRadius}), and again once
 * its claims are recorded (an outage another orchestrator opened meanwhile);</li>
 * <li>Temporal's visibility is asked once per chunk of services which of them already run an execution (a new outage
 * of such a service joins it), not once per start;</li>
 * <li>every execution is claimed in the database in a few transactions ({@link RunbookVersions#claimDispatch(List,
 * int, Map, RunbookVersions.Handling)}), so a delete racing the dispatch is refused and one saved just before is seen;
 * under each service's start lock, the lock starts by hand take, the claim also reads the executions recorded for the
 * service's runbooks, which visibility may not list yet (a drill started a moment ago, another outage's claim): a
 * service one of them acts on is busy, and the outage joins that execution (so two outages of one service dispatched
 * at once, on one orchestrator or two, start one execution);</li>
 * <li>the starts run on {@code baran.dispatch.concurrency} threads, tier 1 submitted first; the runbooks of one service
 * go in one task, in tier order, the first starting and the others joining it.</li>
 * </ol>
 * It returns only when every start is done (or known to exist already), so the Kafka message is acknowledged after
 * that: an orchestrator stopped half-way gets the event again, and the redelivery starts what is missing (the workflow
 * id derives from runbook and incident; an existing one counts as started). One shutting down sends no more starts: it
 * throws {@link Abandoned} once those already sent are done, and the event is not acknowledged.
 */
@ApplicationScoped
public class OutageDispatcher {

    private static final Logger LOG = Logger.getLogger(OutageDispatcher.class);
    /** Services per visibility query. */
    private static final int SERVICES_PER_QUERY = 100;

    @Inject
    RunbookCatalog catalog;

    @Inject
    RunbookVersions versions;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    AuditTrail auditTrail;

    @Inject
    OutageLedger ledger;

    @Inject
    RunningExecutions runningExecutions;

    @Inject
    ProviderCaps caps;

    @Inject
    DispatchConfig config;

    @Inject
    EventsConfig events;

    @Inject
    FailoverConfig failover;

    @Inject
    DeferredJoins deferredJoins;

    private ExecutorService starters;

    /**
     * What one dispatch did, for logs and tests.
     *
     * @param joined   outages that joined the execution acting on their service, those told by signal included
     * @param deferred outages refused by an execution still ending, left to the join sweep ({@link JoinSweep})
     */
    public record Outcome(int started, int alreadyStarted, int joined, int skipped, String heldBy, int deferred) {}

    @PostConstruct
    void init() {
        AtomicInteger n = new AtomicInteger();
        // Each start runs in the trace of the event that asked for it (Context.taskWrapping), so the workflow's
        // header carries that trace on.
        starters = Context.taskWrapping(Executors.newFixedThreadPool(Math.max(1, config.concurrency()), r -> {
            Thread t = new Thread(r, "baran-dispatch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * One row in the audit trail per event that started executions: by {@code system}, with the signed event's id, the
     * scope and every execution it started (a redelivery that starts none writes none). A trail that cannot take it is
     * logged: a failover never waits on the database.
     */
    private void audit(CloudEvent<OutageEvent> event, java.util.Collection<String> startedIds, String heldBy) {
        if (startedIds.isEmpty() || auditTrail == null) {
            return;
        }
        OutageEvent outage = event.data();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("event", event.id());
        detail.put("scope", outage.scope());
        detail.put("incident", outage.incidentId());
        if (heldBy != null) {
            detail.put("heldBy", heldBy);
        }
        detail.put("started", startedIds.stream().sorted().toList());
        boolean swept = JoinSweep.SOURCE.equals(event.source());
        if (swept) {
            detail.put("dispatchedBy", "join sweep");
        }
        try {
            auditTrail.record(new AuditEntry(
                    "system",
                    List.of(),
                    AuditActions.FAILOVER_START,
                    outage.incidentId(),
                    "outage of " + outage.scope() + " (signed event " + event.id() + ")"
                            + (swept ? ", dispatched again by the join sweep once the execution it joined ended" : ""),
                    event.id(),
                    false,
                    AuditEntry.ACCEPTED,
                    detail));
        } catch (RuntimeException e) {
            LOG.errorf(
                    "event %s (outage of %s): the %d execution(s) it started are not in the audit trail: %s",
                    event.id(), outage.scope(), startedIds.size(), e.getMessage());
        }
    }

    /**
     * A dispatch cut short because the orchestrator is shutting down: the starts not yet sent were not sent (their
     * claims let go), so the event must not be acknowledged; delivered again, it starts them. Never retried here.
     */
    public static final class Abandoned extends RuntimeException {
        Abandoned(String message) {
            super(message);
        }
    }

    /** Set once the orchestrator shuts down: no start is sent after it. */
    private volatile boolean stopping;

    /** When {@link #stopping} was set ({@link System#nanoTime()}). */
    private volatile long stoppedAt;

    void stop(@Observes ShutdownEvent event) {
        stopDispatching();
        try {
            if (!starters.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                starters.shutdownNow();
            }
        } catch (InterruptedException e) {
            starters.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends no more starts: the dispatches in progress let the starts already sent finish (for at most {@code
     * baran.dispatch.shutdown-grace}), abandon the queued ones and throw {@link Abandoned}; a new dispatch throws it at
     * once. Returns at once.
     */
    public void stopDispatching() {
        stoppedAt = System.nanoTime();
        stopping = true;
        starters.shutdown();
    }

    private void requireRunning(CloudEvent<OutageEvent> event) {
        if (stopping) {
            throw new Abandoned("event " + event.id() + " (outage of "
                    + event.data().scope() + "): the orchestrator is shutting down; not dispatched, delivered again");
        }
    }

    /**
     * @param triggered the runbooks the catalog holds for the outage's scope
     * @throws RuntimeException when some start still fails after retrying for {@code baran.events.retry-for}; the others
     *                          are started, and a redelivery starts the rest
     */
    public Outcome dispatch(CloudEvent<OutageEvent> event, List<Runbook> triggered) {
        requireRunning(event);
        OutageEvent outage = event.data();
        long t0 = System.nanoTime();
        List<Runbook> ordered = inDispatchOrder(triggered);
        Collection<Runbook> all = catalog.all();
        Verdict first = guard(outage, all);
        long tGuard = System.nanoTime();
        Map<String, String> running = new ConcurrentHashMap<>(launcher.runningByService(
                ordered.stream().map(Runbook::protects).toList(), SERVICES_PER_QUERY));
        Map<String, String> visible = Map.copyOf(running); // as Temporal's visibility listed them
        long tRunning = System.nanoTime();
        BusyServices busy = new BusyServices(event, ordered, all, Map.copyOf(running));
        Map<String, RunbookVersions.Claim> claims = claim(event, ordered, busy, running);
        // Asked again once the claims are recorded: an outage another orchestrator opened since the first answer either
        // finds those claims when its guard trips and holds them, or opened before this answer, which then trips.
        Verdict verdict = first.heldBy() == null ? guard(outage, all) : first;
        String heldBy = verdict.heldBy();
        if (heldBy != null) {
            LOG.warnf("event %s (outage of %s): %s", event.id(), outage.scope(), heldBy);
        }
        long tClaim = System.nanoTime();
        // Executions of earlier outages recorded in the database that Temporal does not list yet (another orchestrator
        // is
        // starting them): held once they exist, beside the starts, before the event counts as handled.
        List<Future<?>> holds = new ArrayList<>();
        if (!verdict.notListed().isEmpty()) {
            holds.add(submit(() -> {
                holdOnceStarted(event, verdict.notListed(), heldBy);
                return null;
            }));
        }

        // One task per service, in the order of its best tier; within it, the service's runbooks in tier order.
        Map<String, List<Runbook>> byService = new LinkedHashMap<>();
        ordered.forEach(r ->
                byService.computeIfAbsent(r.protects(), s -> new ArrayList<>()).add(r));
        Set<String> released = ConcurrentHashMap.newKeySet();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger already = new AtomicInteger();
        AtomicInteger joined = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicInteger deferred = new AtomicInteger();
        java.util.Queue<String> startedIds = new java.util.concurrent.ConcurrentLinkedQueue<>();
        // What became of each execution: sent (a start or a join asked of Temporal), and done (its outcome known).
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Set<String> done = ConcurrentHashMap.newKeySet();
        List<Future<?>> tasks = new ArrayList<>();
        for (var service : byService.entrySet()) {
            tasks.add(submit(() -> {
                String handling = running.get(service.getKey());
                String deferredBy = null;
                for (Runbook read : service.getValue()) {
                    String id = RunbookWorkflow.idForIncident(read.name(), outage.incidentId());
                    if (stopping) {
                        continue; // abandoned: the orchestrator is shutting down
                    }
                    sent.add(id);
                    Optional<Runbook> runbook = claimed(event, read, claims, busy, running);
                    if (runbook.isEmpty()) {
                        skipped.incrementAndGet();
                        done.add(id);
                        continue;
                    }
                    // Joins the execution acting on the service; one that ended since visibility listed it (a
                    // flapping service) is forgotten and the runbook claimed anew under the service's lock: it
                    // starts its own failover, or joins what acts on the service by now. Bounded.
                    Told joinedOne = null;
                    for (int round = 0; ; round++) {
                        if (handling == null) {
                            handling = running.get(service.getKey()); // found busy when claimed anew
                        }
                        if (handling == null || handling.equals(id)) {
                            break;
                        }
                        String joining = handling;
                        // Once the service's execution refused as it ends, its other runbooks are left to the
                        // sweep too (it dispatches the outage for the whole service) without asking again.
                        Told told = joining.equals(deferredBy)
                                ? Told.DEFERRED
                                : tell(event, heldBy, joining, read.protects(), visible.get(service.getKey()));
                        if (told == Told.DEFERRED) {
                            deferredBy = joining;
                        }
                        if (told != Told.ENDED) {
                            LOG.infof(
                                    "outage of %s (incident %s): service %s is already handled by %s; %s",
                                    outage.scope(),
                                    outage.incidentId(),
                                    read.protects(),
                                    joining,
                                    told == Told.DEFERRED
                                            ? "it refused the new outage and is still ending: the join sweep starts"
                                                    + " the outage's own failover once it has ended"
                                            : "told it of the new outage");
                            if (claims.get(id) == RunbookVersions.Claim.CLAIMED) {
                                // the claimed execution is not started here (a deferred one is claimed anew then)
                                released.add(id);
                            }
                            joinedOne = told;
                            break;
                        }
                        if (round >= 2) {
                            throw new IllegalStateException("service " + read.protects() + ": the executions acting on"
                                    + " it keep ending while outage " + outage.incidentId() + " joins them");
                        }
                        LOG.infof(
                                "outage of %s (incident %s): execution %s of service %s ended meanwhile; claiming runbook"
                                        + " %s anew",
                                outage.scope(), outage.incidentId(), joining, read.protects(), read.name());
                        busy.forget(service.getKey(), joining);
                        running.remove(service.getKey(), joining);
                        handling = null;
                        claims.put(id, RunbookVersions.Claim.CHANGED); // claimed again by claimed(), as after a change
                        runbook = claimed(event, read, claims, busy, running);
                        if (runbook.isEmpty()) {
                            break;
                        }
                    }
                    if (joinedOne != null) {
                        (joinedOne == Told.DEFERRED ? deferred : joined).incrementAndGet();
                        done.add(id);
                        continue;
                    }
                    if (runbook.isEmpty()) {
                        skipped.incrementAndGet();
                        done.add(id);
                        continue;
                    }
                    Runbook chosen = runbook.get();
                    ExecutionLauncher.Started result;
                    try {
                        result = withRetry(
                                event,
                                () -> launcher.startFailover(
                                        chosen,
                                        outage.incidentId(),
                                        outage.scope(),
                                        outage.since() == null
                                                ? null
                                                : outage.since().toEpochMilli(),
                                        chosen.version(),
                                        heldBy != null
                                                ? config.blastRadius().approvalTimeout()
                                                : approvalTimeout(chosen),
                                        Actor.system(event.id()),
                                        heldBy,
                                        caps.cappedOf(chosen),
                                        claims.get(id) == RunbookVersions.Claim.CLAIMED));
                    } catch (RuntimeException e) {
                        if (claims.get(id) == RunbookVersions.Claim.CLAIMED) {
                            released.add(id);
                        }
                        throw e;
                    }
                    (result == ExecutionLauncher.Started.STARTED ? started : already).incrementAndGet();
                    if (result == ExecutionLauncher.Started.STARTED) {
                        startedIds.add(id);
                    }
                    done.add(id);
                    handling = id;
                }
                return null;
            }));
        }
        RuntimeException failed = null;
        for (Future<?> task : tasks) {
            try {
                await(event, task);
            } catch (ExecutionException e) {
                if (failed == null) {
                    failed = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        for (Future<?> hold : holds) {
            try {
                await(
                        event,
                        hold); // bounded: it gives up after baran.events.retry-for, and logs what it could not hold
            } catch (ExecutionException e) {
                LOG.warnf("event %s: holding the executions of earlier outages failed: %s", event.id(), e.getCause());
            }
        }
        long tStarts = System.nanoTime();
        Abandoned abandoned = null;
        if (stopping) {
            List<String> cut = ordered.stream()
                    .map(r -> RunbookWorkflow.idForIncident(r.name(), outage.incidentId()))
                    .filter(id -> !done.contains(id))
                    .toList();
            if (!cut.isEmpty()) {
                // Never sent: their claims are let go (a redelivery claims them anew). One sent whose outcome is not
                // known may exist: its claim stays, and counts as starting until the redelivery finds it started.
                cut.stream()
                        .filter(id -> !sent.contains(id) && claims.get(id) == RunbookVersions.Claim.CLAIMED)
                        .forEach(released::add);
                abandoned = new Abandoned("event " + event.id() + " (outage of " + outage.scope() + "): the"
                        + " orchestrator is shutting down; " + cut.size() + " of " + ordered.size() + " execution(s)"
                        + " not started or joined, left to the event's redelivery: " + cut);
            }
        }
        release(released);
        versions.outageBegan(List.copyOf(startedIds), outage.since());
        audit(event, startedIds, heldBy);
        Outcome outcome =
                new Outcome(started.get(), already.get(), joined.get(), skipped.get(), heldBy, deferred.get());
        LOG.infof(
                "event %s (outage of %s): %d runbook(s): %d started, %d already running, %d joined another execution, "
                        + "%d left to the join sweep, %d not started%s; guard %d ms, running services %d ms, claims %d"
                        + " ms, starts %d ms",
                event.id(),
                outage.scope(),
                ordered.size(),
                outcome.started(),
                outcome.alreadyStarted(),
                outcome.joined(),
                outcome.deferred(),
                outcome.skipped(),
                heldBy == null ? "" : "; all held by the blast-radius guard",
                millis(t0, tGuard),
                millis(tGuard, tRunning),
                millis(tRunning, tClaim),
                millis(tClaim, tStarts));
        if (abandoned != null) {
            LOG.warn(abandoned.getMessage());
            throw abandoned;
        }
        if (failed != null) {
            throw failed;
        }
        return outcome;
    }

    /** Runs a task of a dispatch on the start threads; once they are shut down, a task that does nothing. */
    private Future<?> submit(java.util.concurrent.Callable<Void> task) {
        try {
            return starters.submit(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return java.util.concurrent.CompletableFuture.completedFuture(null); // shutting down: abandoned
        }
    }

    /**
     * Waits for a task of a dispatch; once the orchestrator shuts down, for at most {@code baran.dispatch.shutdown-grace}
     * after that (a task still running then, or never run, is cancelled: what it did not do counts as abandoned).
     */
    private void await(CloudEvent<OutageEvent> event, Future<?> task) throws ExecutionException {
        try {
            while (true) {
                try {
                    task.get(250, TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    if (stopping
                            && System.nanoTime() - stoppedAt
                                    > config.shutdownGrace().toNanos()) {
                        task.cancel(true);
                        return;
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
            throw new IllegalStateException("interrupted while dispatching event " + event.id(), e);
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** Tier 1 first; within a tier, by name, so the order is the same on every delivery. */
    static List<Runbook> inDispatchOrder(Collection<Runbook> runbooks) {
        return runbooks.stream()
                .sorted(Comparator.comparingInt(Runbook::tier).thenComparing(Runbook::name))
                .toList();
    }

    /**
     * What the blast-radius guard said of an outage.
     *
     * @param heldBy    why its executions wait for a person, or null when the guard did not trip
     * @param notListed the executions of the other outages open that the database records (claimed, or started a moment
     *                  ago) and Temporal's visibility did not list: to hold once Temporal knows them
     */
    record Verdict(String heldBy, List<RunbookVersions.Execution> notListed) {
        static final Verdict PASSED = new Verdict(null, List.of());
    }

    /**
     * Asks the blast-radius guard about this outage: the scopes down at once (this one included) and the protected
     * services they trigger, against every protected service. When the database cannot be read the outage is judged
     * alone (a failover must not wait on the database).
     *
     * @param all every runbook of the catalog
     */
    Verdict guard(OutageEvent outage, Collection<Runbook> all) {
        BlastRadius rule = BlastRadius.of(config.blastRadius());
        if (!rule.enabled()) {
            return Verdict.PASSED;
        }
        OutageLedger.Open open;
        try {
            open = ledger.opened(
                    outage.incidentId(), outage.scope(), config.blastRadius().window());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "cannot record the outage of %s in the database (%s); the blast-radius guard counts this outage alone",
                    outage.scope(), e.getMessage());
            open = new OutageLedger.Open(List.of(outage.scope()), List.of());
        }
        List<String> scopes = open.scopes();
        Set<String> protectedServices = all.stream()
                .filter(r -> r.trigger() != null && r.trigger().scope() != null)
                .map(Runbook::protects)
                .collect(Collectors.toSet());
        List<String> down = scopes;
        Set<String> downServices = all.stream()
                .filter(r -> r.trigger() != null
                        && down.stream().anyMatch(s -> r.trigger().matches(s)))
                .map(Runbook::protects)
                .collect(Collectors.toSet());
        Optional<String> held = rule.check(downServices.size(), protectedServices.size(), scopes.size());
        if (held.isEmpty()) {
            return Verdict.PASSED;
        }
        return new Verdict(held.get(), holdEarlier(outage, open.others(), all, held.get()));
    }

    /**
     * The guard tripped: what the other outages of the window started automatically and has not finished failing over
     * waits for a person as well, before its next step (the executions decide: {@code RunbookWorkflow#guardTripped}).
     * Those Temporal's visibility lists are told here; those only the database records yet (another orchestrator is
     * starting them: their claims, {@link RunbookVersions#claimDispatch}) are returned, to be told once they exist
     * ({@link #holdOnceStarted}). Best effort: an execution that cannot be told is named in the log, and the outage is
     * dispatched all the same.
     *
     * @return the executions of the other outages recorded in the database and not listed by visibility
     */
    private List<RunbookVersions.Execution> holdEarlier(
            OutageEvent outage, List<OutageLedger.Other> others, Collection<Runbook> all, String why) {
        LateHold hold = new LateHold(why, config.blastRadius().approvalTimeout().toSeconds());
        Set<String> listed = new java.util.HashSet<>();
        for (String incident :
                others.stream().map(OutageLedger.Other::incidentId).distinct().toList()) {
            List<String> ids;
            try {
                ids = launcher.answering(incident);
            } catch (RuntimeException e) {
                LOG.warnf(
                        "blast-radius guard (outage of %s): cannot list the executions of earlier incident %s to hold "
                                + "them: %s",
                        outage.scope(), incident, e.getMessage());
                continue;
            }
            for (String id : ids) {
                listed.add(id);
                try {
                    if (launcher.holdLate(id, hold)) {
                        LOG.warnf(
                                "blast-radius guard (outage of %s): execution %s of earlier incident %s holds before its"
                                        + " next failover step",
                                outage.scope(), id, incident);
                    }
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "blast-radius guard (outage of %s): cannot hold execution %s of earlier incident %s: %s",
                            outage.scope(), id, incident, e.getMessage());
                }
            }
        }
        // The executions a dispatch of each other outage claims: one per runbook its scope triggers.
        Set<String> claimable = new java.util.LinkedHashSet<>();
        for (OutageLedger.Other other : others) {
            all.stream()
                    .filter(r -> r.trigger() != null && r.trigger().matches(other.scope()))
                    .forEach(r -> claimable.add(RunbookWorkflow.idForIncident(r.name(), other.incidentId())));
        }
        claimable.removeAll(listed);
        if (claimable.isEmpty()) {
            return List.of();
        }
        try {
            return versions.unfinishedAmong(claimable);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "blast-radius guard (outage of %s): cannot read the executions of earlier incidents recorded in the"
                            + " database (%s); only those Temporal lists are held",
                    outage.scope(), e.getMessage());
            return List.of();
        }
    }

    /**
     * Holds executions of earlier outages that the database records and Temporal's visibility did not list: each is told
     * once Temporal knows it, retrying as a join waits for an execution only recorded ({@link #tell}) for {@code
     * baran.events.retry-for}; one that ended, or whose claim was let go without it ever starting, is left. Logs what it
     * could not hold; never throws.
     */
    private void holdOnceStarted(CloudEvent<OutageEvent> event, List<RunbookVersions.Execution> recorded, String why) {
        OutageEvent outage = event.data();
        LateHold hold = new LateHold(why, config.blastRadius().approvalTimeout().toSeconds());
        Map<String, RunbookVersions.Execution> waiting = new LinkedHashMap<>();
        recorded.forEach(e -> waiting.put(e.executionId(), e));
        try {
            withRetry(event, () -> {
                for (var it = waiting.values().iterator(); it.hasNext(); ) {
                    RunbookVersions.Execution execution = it.next();
                    if (launcher.holdLate(execution.executionId(), hold)) {
                        LOG.warnf(
                                "blast-radius guard (outage of %s): execution %s of an earlier incident, recorded before"
                                        + " Temporal listed it, holds before its next failover step",
                                outage.scope(), execution.executionId());
                        it.remove();
                    } else if (runningExecutions.stateOf(execution) == RunningExecutions.State.ENDED) {
                        it.remove(); // ended, or its claim was let go: nothing to hold
                    }
                }
                if (!waiting.isEmpty()) {
                    throw new IllegalStateException("execution(s) " + waiting.keySet() + " of earlier incidents are"
                            + " recorded but not in Temporal yet; holding them once they are");
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warnf(
                    "blast-radius guard (outage of %s): cannot hold execution(s) %s of earlier incidents: %s",
                    outage.scope(), waiting.keySet(), e.getMessage());
        }
    }

    /**
     * Tells a dispatch's claims which execution acts on a service: the one Temporal's visibility listed when the
     * dispatch began, else one recorded in the database for a runbook of the service ({@link
     * ExecutionLauncher#handlingOf}), the outage's own executions excepted (started by an earlier delivery of it, or
     * claimed by this dispatch and started in tier order), those of the best tier first (the one a dispatch starts).
     */
    private final class BusyServices implements RunbookVersions.Handling {
        private final CloudEvent<OutageEvent> event;
        /** The executions this outage starts or joins: ids of its own. */
        private final Set<String> mine;

        private final Map<String, Runbook> byName;
        /** By service, the runbooks protecting it. */
        final Map<String, List<String>> runbooksOf;
        /** By service, the execution visibility listed as running (one found ended since is forgotten). */
        private final Map<String, String> listed;

        BusyServices(
                CloudEvent<OutageEvent> event,
                List<Runbook> ordered,
                Collection<Runbook> all,
                Map<String, String> listed) {
            this.event = event;
            this.mine = ordered.stream()
                    .map(r ->
                            RunbookWorkflow.idForIncident(r.name(), event.data().incidentId()))
                    .collect(Collectors.toSet());
            this.byName = new java.util.HashMap<>();
            Set<String> services = ordered.stream().map(Runbook::protects).collect(Collectors.toSet());
            this.runbooksOf = new java.util.HashMap<>();
            for (Runbook r : all) {
                byName.put(r.name(), r);
                if (services.contains(r.protects())) {
                    runbooksOf
                            .computeIfAbsent(r.protects(), s -> new ArrayList<>())
                            .add(r.name());
                }
            }
            ordered.forEach(r -> byName.putIfAbsent(r.name(), r));
            this.listed = new ConcurrentHashMap<>(listed);
        }

        /** The execution visibility listed for the service ended since: it no longer acts on it. */
        void forget(String service, String ended) {
            listed.remove(service, ended);
        }

        @Override
        public Optional<String> of(String service, List<RunbookVersions.Execution> recorded) {
            String seen = listed.get(service);
            if (seen != null) {
                return mine.contains(seen) ? Optional.empty() : Optional.of(seen);
            }
            List<RunbookVersions.Execution> others = recorded.stream()
                    .filter(e -> !mine.contains(e.executionId()))
                    .sorted(Comparator.comparingInt(
                                    (RunbookVersions.Execution e) -> Optional.ofNullable(byName.get(e.runbook()))
                                            .map(Runbook::tier)
                                            .orElse(Integer.MAX_VALUE))
                            .thenComparing(RunbookVersions.Execution::runbook))
                    .toList();
            Optional<String> handling = others.isEmpty() ? Optional.empty() : launcher.handlingOf(others);
            handling.ifPresent(id -> LOG.infof(
                    "event %s (outage of %s): service %s is acted on by execution %s, recorded in the database (not "
                            + "listed by Temporal's visibility yet)",
                    event.id(), event.data().scope(), service, id));
            return handling;
        }
    }

    /** What became of an outage told to the execution acting on its service. */
    private enum Told {
        /** It took the outage, or was told by signal (watched by the join sweep: it may drop it as it ends). */
        TAKEN,
        /** It ended since it was listed, or refused the outage and has ended: the outage starts its own failover. */
        ENDED,
        /** It refused the outage and is still ending: the join sweep starts the outage's failover once it has ended. */
        DEFERRED
    }

    /**
     * Tells the execution acting on a service of this outage (first the guard's late hold, when it tripped: an
     * execution failing back that the outage turns round asks a person), retrying for {@code baran.events.retry-for}.
     * An execution visibility listed that Temporal no longer knows has ended. One that refuses the outage (it made its
     * last decision, or is being aborted) is waited for ({@link ExecutionLauncher#ENDING_WAIT}); one still ending then is
     * left to the join sweep, as is one told by signal, whose answer is not known ({@link DeferredJoins}): the event is
     * acknowledged, and the events behind it on its partition (recoveries among them) do not wait for an undo that may
     * take minutes. Where the database cannot record that, a refused join is asked again, as the event's retries allow,
     * and a signalled one counts as taken. One only recorded in the database (another outage's claim) that Temporal does
     * not know yet is waited for: it is being started.
     *
     * @param listed the execution visibility listed for the service when the dispatch began; null when none
     */
    private Told tell(CloudEvent<OutageEvent> event, String heldBy, String joining, String service, String listed) {
        OutageEvent outage = event.data();
        boolean wasListed = joining.equals(listed);
        LateHold hold = heldBy == null
                ? null
                : new LateHold(heldBy, config.blastRadius().approvalTimeout().toSeconds(), outage.incidentId());
        return withRetry(event, () -> {
            ExecutionLauncher.Joined joined = hold == null || launcher.holdLate(joining, hold)
                    ? launcher.join(joining, outage.incidentId())
                    : ExecutionLauncher.Joined.NOT_RUNNING;
            if (joined == ExecutionLauncher.Joined.NOT_RUNNING && !wasListed) {
                throw new IllegalStateException("execution " + joining + " acting on service " + service
                        + " is not in Temporal yet; telling it once it is");
            }
            return switch (joined) {
                case TAKEN -> Told.TAKEN;
                case SIGNALLED -> {
                    defer(event, service, joining, DeferredJoins.Reason.SIGNALLED);
                    yield Told.TAKEN;
                }
                case ENDING -> {
                    if (!defer(event, service, joining, DeferredJoins.Reason.REFUSED)) {
                        throw new IllegalStateException("execution " + joining + " refused outage "
                                + outage.incidentId() + " and has not ended within " + ExecutionLauncher.ENDING_WAIT
                                + "; asking again");
                    }
                    yield Told.DEFERRED;
                }
                // Refused as it ended (its last decision made, or aborted): it has ended now, and the outage starts
                // its own.
                case ENDED, NOT_RUNNING -> Told.ENDED;
            };
        });
    }

    /** Records a join whose outcome is not known for the join sweep; false when the database cannot take it. */
    private boolean defer(CloudEvent<OutageEvent> event, String service, String joining, DeferredJoins.Reason why) {
        OutageEvent outage = event.data();
        try {
            deferredJoins.record(new DeferredJoins.Deferred(
                    outage.incidentId(),
                    service,
                    joining,
                    why,
                    outage.scope(),
                    event.id(),
                    outage.vantage(),
                    outage.since(),
                    event.time() != null
                            ? event.time()
                            : outage.since() != null ? outage.since() : java.time.Instant.now()));
            return true;
        } catch (RuntimeException e) {
            LOG.warnf(
                    "event %s (outage of %s): cannot record the %s join of execution %s for the join sweep (%s)%s",
                    event.id(),
                    outage.scope(),
                    why == DeferredJoins.Reason.SIGNALLED ? "signalled" : "refused",
                    joining,
                    e.getMessage(),
                    why == DeferredJoins.Reason.SIGNALLED
                            ? "; if it is ending by the time a worker runs it, the outage is dropped"
                            : "");
            return false;
        }
    }

    /**
     * Claims every execution, and adds to {@code running} the services found busy; when the database cannot be written
     * they start unclaimed (the delete guard is lost, and only visibility tells a busy service).
     */
    private Map<String, RunbookVersions.Claim> claim(
            CloudEvent<OutageEvent> event, List<Runbook> runbooks, BusyServices busy, Map<String, String> running) {
        List<RunbookVersions.Wanted> wanted = runbooks.stream()
                .map(r -> new RunbookVersions.Wanted(
                        RunbookWorkflow.idForIncident(r.name(), event.data().incidentId()),
                        r.name(),
                        r.version(),
                        r.protects()))
                .toList();
        try {
            RunbookVersions.Claims claims = versions.claimDispatch(wanted, config.claimBatch(), busy.runbooksOf, busy);
            running.putAll(claims.handling());
            return new ConcurrentHashMap<>(claims.claims());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "event %s: cannot claim its executions in the database (%s); starting them unclaimed",
                    event.id(), e.getMessage());
            return new ConcurrentHashMap<>();
        }
    }

    /**
     * The runbook to start (or to join the service's execution with) after its claim: itself when claimed, found busy,
     * or unclaimed for want of a database; nothing when it was deleted; and when it changed since it was read, its
     * latest version if that is still triggered (claimed anew, which may find the service busy: {@code running} then
     * names the execution).
     */
    private Optional<Runbook> claimed(
            CloudEvent<OutageEvent> event,
            Runbook read,
            Map<String, RunbookVersions.Claim> claims,
            BusyServices busy,
            Map<String, String> running) {
        OutageEvent outage = event.data();
        String id = RunbookWorkflow.idForIncident(read.name(), outage.incidentId());
        Runbook runbook = read;
        RunbookVersions.Claim claim = claims.get(id);
        for (int attempt = 0; ; attempt++) {
            if (claim == null || claim == RunbookVersions.Claim.CLAIMED || claim == RunbookVersions.Claim.BUSY) {
                return Optional.of(runbook);
            }
            if (claim == RunbookVersions.Claim.DELETED) {
                LOG.infof(
                        "event %s (outage of %s): runbook %s was deleted before its failover started; nothing started",
                        event.id(), outage.scope(), runbook.name());
                return Optional.empty();
            }
            Runbook current = catalog.find(runbook.name()).orElse(null);
            if (current == null
                    || current.trigger() == null
                    || !current.trigger().matches(outage.scope())
                    || attempt >= 3) {
                LOG.infof(
                        "event %s (outage of %s): runbook %s changed before its failover started and is no longer "
                                + "triggered by this scope; nothing started",
                        event.id(), outage.scope(), runbook.name());
                return Optional.empty();
            }
            runbook = current;
            try {
                RunbookVersions.Claims again = versions.claimDispatch(
                        List.of(new RunbookVersions.Wanted(id, runbook.name(), runbook.version(), runbook.protects())),
                        1,
                        busy.runbooksOf,
                        busy);
                claim = again.claims().get(id);
                claims.put(id, claim);
                running.putAll(again.handling());
            } catch (RuntimeException e) {
                claims.remove(id);
                LOG.warnf(
                        "event %s: cannot claim execution %s in the database (%s); starting it unclaimed",
                        event.id(), id, e.getMessage());
                claim = null;
            }
        }
    }

    private void release(Set<String> claims) {
        try {
            versions.finished(claims);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "cannot release the claims on %s (%s); they count as running for a while", claims, e.getMessage());
        }
    }

    /** The runbook's own approval timeout, or the configured default. */
    private Duration approvalTimeout(Runbook runbook) {
        String own = runbook.trigger() == null ? null : runbook.trigger().approvalTimeout();
        return own != null ? Durations.parse(own) : failover.approvalTimeout();
    }

    /** As {@link #withRetry(CloudEvent, Duration, Supplier)}, for {@code baran.events.retry-for}; not once shutting down. */
    private <T> T withRetry(CloudEvent<OutageEvent> event, Supplier<T> action) {
        return withRetry(event, events.retryFor(), () -> {
            requireRunning(event);
            return action.get();
        });
    }

    /**
     * Temporal may be briefly unreachable; retry with backoff for at most {@code retryFor}, then let the event fail. A
     * dispatch {@link Abandoned} at shutdown is not retried.
     */
    public static <T> T withRetry(CloudEvent<OutageEvent> event, Duration retryFor, Supplier<T> action) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        long backoff = 250;
        while (true) {
            try {
                return action.get();
            } catch (Abandoned e) {
                throw e;
            } catch (RuntimeException e) {
                if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                    LOG.errorf(
                            "event %s (%s of %s) could not be acted on: %s",
                            event.id(), event.type(), event.data().scope(), e.getMessage());
                    throw e;
                }
                LOG.warnf("event %s: %s; retrying in %d ms", event.id(), e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }
}
