package io.baran.orchestrator.dispatch;

import io.baran.events.CloudEvent;
import io.baran.events.OutageEvent;
import io.baran.orchestrator.audit.AuditActions;
import io.baran.orchestrator.audit.AuditEntry;
import io.baran.orchestrator.audit.AuditTrail;
import io.baran.orchestrator.audit.AuditTrailUnavailableException;
import io.baran.orchestrator.config.DrillConfig;
import io.baran.orchestrator.runbook.RunbookAccess;
import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;
import io.baran.security.ChangeLog;
import io.baran.workflow.Actor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * A game day: a simulated outage (the detector's {@code POST /api/simulations}, marked {@code drill: true} end to end)
 * starts a <em>drill</em> of every runbook its scope triggers that the person who asked for it may drill — fail over,
 * verify, hold, fail back — never a failover. Each drill carries the simulated incident and its start, so its report
 * measures the RTO from the simulated outage's start (detection included) and scores it against the runbook's
 * objectives. Simulations never count for the blast-radius guard, never claim a dispatch, and never join a running
 * execution: a service that is busy is skipped.
 *
 * <p><b>Who asked.</b> The event names the person the detector verified ({@link OutageEvent#requester()}, under the
 * event's signature, which {@code EventVerifier} checked). A runbook is drilled only when that person may drill it
 * through the REST API ({@link RunbookAccess#refusalToDrill}: its {@code spec.access.drill} names one of their groups,
 * or they are an admin); its drill is started as them ({@code startedBy}). A simulation that names no person (one of a
 * detector older than this field) drills nothing: whom it would act for is not known.
 *
 * <p><b>The audit trail.</b> One row {@code gameday.start} on the incident, by the person, before any drill starts
 * ({@code requested}: the drills it is about to start and the runbooks refused); then one with what came of it
 * ({@code accepted} with the drills started, or {@code refused: <why>} when it started none). When the requested row
 * cannot be written nothing starts and the handling is tried again, as any failure of it is.
 */
@ApplicationScoped
public class GameDays {

    private static final Logger LOG = Logger.getLogger(GameDays.class);

    /** Writes of the outcome row: a database restarting passes in seconds. */
    static final int OUTCOME_ATTEMPTS = 3;

    @Inject
    ExecutionLauncher launcher;

    @Inject
    DrillConfig drill;

    @Inject
    RunbookVersions versions;

    @Inject
    AuditTrail trail;

    /** The drill's id: derived from runbook and simulated incident, so a redelivered event starts nothing twice. */
    public static String executionId(String runbook, String incidentId) {
        return "gameday-" + runbook + "-" + incidentId.replaceAll("[^A-Za-z0-9._@-]", "_");
    }

    /**
     * What a game day does before it starts anything: the runbooks to drill, and those refused with why.
     *
     * @param person who asked, or null when the event names no one
     */
    public record Plan(RunbookAccess person, List<Runbook> drill, Map<String, String> refused) {

        /** Why a simulation that names no person drills nothing. */
        public static final String NO_PERSON = "the simulated outage names no person who asked for it (a detector older"
                + " than this orchestrator published it): a game day drills only what its requester may drill";

        public static Plan of(OutageEvent.Requester requester, List<Runbook> triggered) {
            RunbookAccess person = requester == null
                            || requester.name() == null
                            || requester.name().isBlank()
                            || Actor.SYSTEM.equalsIgnoreCase(requester.name().strip())
                    ? null
                    : new RunbookAccess(requester.name(), requester.groups(), requester.admin());
            List<Runbook> drill = new ArrayList<>();
            Map<String, String> refused = new TreeMap<>();
            for (Runbook runbook : triggered) {
                Optional<String> why = person == null ? Optional.of(NO_PERSON) : person.refusalToDrill(runbook);
                if (why.isPresent()) {
                    refused.put(runbook.name(), why.get());
                } else {
                    drill.add(runbook);
                }
            }
            return new Plan(person, List.copyOf(drill), Collections.unmodifiableMap(refused));
        }

        /** Who the audit trail names: the person, or {@code system} when the event names no one. */
        String actor() {
            return person == null ? Actor.SYSTEM : person.name();
        }

        List<String> groups() {
            return person == null ? List.of() : person.groups();
        }
    }

    /**
     * Starts the drills of a simulated outage that its requester may drill.
     *
     * @return the ids of the drills started or already running for it
     * @throws AuditTrailUnavailableException when the game day cannot be recorded before it starts anything: nothing
     *     was started, and the handling is tried again
     */
    public List<String> start(CloudEvent<OutageEvent> event, List<Runbook> runbooks) {
        OutageEvent outage = event.data();
        Plan plan = Plan.of(outage.requester(), runbooks);
        if (plan.person() == null && !plan.refused().isEmpty()) {
            LOG.warnf(
                    "simulated outage of %s (incident %s, event %s): no drill of runbook(s) %s: %s",
                    outage.scope(),
                    outage.incidentId(),
                    event.id(),
                    plan.refused().keySet(),
                    Plan.NO_PERSON);
        } else if (!plan.refused().isEmpty()) {
            LOG.warnf(
                    "simulated outage of %s (incident %s, event %s) asked by %s: no drill of runbook(s) %s: %s",
                    outage.scope(),
                    outage.incidentId(),
                    event.id(),
                    ChangeLog.printable(plan.actor(), 100),
                    plan.refused().keySet(),
                    ChangeLog.printable(String.join("; ", plan.refused().values()), 2000));
        }
        Map<String, Object> detail = detail(event);
        detail.put("refused", plan.refused());
        if (plan.drill().isEmpty()) {
            String why = runbooks.isEmpty()
                    ? null
                    : plan.person() == null
                            ? Plan.NO_PERSON
                            : plan.actor() + " may drill none of the runbooks scope " + outage.scope() + " triggers "
                                    + plan.refused().keySet() + " (spec.access.drill names none of their groups)";
            detail.put("started", List.of());
            trail.record(entry(event, plan, why == null ? AuditEntry.ACCEPTED : AuditEntry.refused(why), detail));
            LOG.infof(
                    "simulated outage of %s (incident %s): no game-day drill (%s)",
                    outage.scope(),
                    outage.incidentId(),
                    why == null ? "no runbook is triggered by the scope" : ChangeLog.printable(why, 2000));
            return List.of();
        }
        Map<String, Object> requested = new LinkedHashMap<>(detail);
        requested.put(
                "drills",
                plan.drill().stream()
                        .map(r -> executionId(r.name(), outage.incidentId()))
                        .toList());
        trail.record(entry(event, plan, AuditEntry.REQUESTED, requested));

        Actor startedBy = Actor.person(plan.person().name(), plan.person().groups());
        List<String> started = new ArrayList<>();
        Map<String, String> notStarted = new TreeMap<>();
        try {
            startEach(event, plan, startedBy, started, notStarted);
        } catch (RuntimeException failed) {
            // Temporal did not answer, say: what started so far is recorded with an outcome of its own, and the
            // handling is tried again (a drill started stays one: its id is derived from the runbook and incident).
            recordStarted(
                    event,
                    plan,
                    detail,
                    started,
                    notStarted,
                    AuditEntry.unknown("the game day stopped half-way (" + AuditEntry.cause(failed)
                            + "); its handling is tried again"));
            throw failed;
        }
        recordStarted(
                event,
                plan,
                detail,
                started,
                notStarted,
                started.isEmpty()
                        ? AuditEntry.refused("no drill started: " + String.join("; ", notStarted.values()))
                        : AuditEntry.ACCEPTED);
        LOG.infof(
                "simulated outage of %s (incident %s) asked by %s: game-day drills %s",
                outage.scope(), outage.incidentId(), ChangeLog.printable(plan.actor(), 100), started);
        return started;
    }

    /** Notes when the started drills' outage began, and records the game day's outcome with what it started. */
    private void recordStarted(
            CloudEvent<OutageEvent> event,
            Plan plan,
            Map<String, Object> detail,
            List<String> started,
            Map<String, String> notStarted,
            String outcome) {
        versions.outageBegan(started, event.data().since());
        detail.put("started", started.stream().sorted().toList());
        if (!notStarted.isEmpty()) {
            detail.put("notStarted", notStarted);
        }
        recordOutcome(entry(event, plan, outcome, detail));
    }

    /** Starts the plan's drills one by one, noting each started and each not started now (busy, deleted). */
    private void startEach(
            CloudEvent<OutageEvent> event,
            Plan plan,
            Actor startedBy,
            List<String> started,
            Map<String, String> notStarted) {
        OutageEvent outage = event.data();
        for (Runbook runbook : plan.drill()) {
            String id = executionId(runbook.name(), outage.incidentId());
            try {
                launcher.startSystemDrill(
                        runbook,
                        id,
                        drill.holdOf(runbook),
                        outage.incidentId(),
                        outage.scope(),
                        outage.since() == null ? null : outage.since().toEpochMilli(),
                        startedBy);
                started.add(id);
            } catch (ExecutionLauncher.Busy | RunbookVersions.Deleted notNow) {
                notStarted.put(runbook.name(), notNow.getMessage());
                LOG.warnf(
                        "simulated outage of %s (incident %s): no drill of runbook %s: %s",
                        outage.scope(), outage.incidentId(), runbook.name(), notNow.getMessage());
            }
        }
    }

    private static Map<String, Object> detail(CloudEvent<OutageEvent> event) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("event", event.id());
        detail.put("scope", event.data().scope());
        detail.put("incident", event.data().incidentId());
        return detail;
    }

    private static AuditEntry entry(
            CloudEvent<OutageEvent> event, Plan plan, String outcome, Map<String, Object> detail) {
        return new AuditEntry(
                plan.actor(),
                plan.groups(),
                AuditActions.GAMEDAY_START,
                event.data().incidentId(),
                "game day: simulated outage of " + event.data().scope() + " (signed event " + event.id() + ")",
                event.id(),
                false,
                outcome,
                detail);
    }

    /**
     * The drills are started: a trail that does not take their row is logged, not thrown (the handling tried again
     * would record the game day once more and start nothing new).
     */
    private void recordOutcome(AuditEntry entry) {
        for (int attempt = 1; ; attempt++) {
            try {
                trail.record(entry);
                return;
            } catch (AuditTrailUnavailableException e) {
                if (attempt == OUTCOME_ATTEMPTS) {
                    LOG.errorf(
                            "game day %s by %s started its drills, but its outcome could not be recorded after %d"
                                    + " attempts: %s",
                            entry.target(), ChangeLog.printable(entry.actor(), 100), OUTCOME_ATTEMPTS, e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(500L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
