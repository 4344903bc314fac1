package io.baran.orchestrator.workflow;

import io.baran.runbook.ActionCatalog;
import io.baran.runbook.ActionSpec;
import io.baran.runbook.Drills;
import io.baran.runbook.Durations;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.runbook.action.HealthCheck;
import io.baran.runbook.action.Wait;
import io.baran.workflow.AbortRequest;
import io.baran.workflow.AbortResult;
import io.baran.workflow.ActionActivities;
import io.baran.workflow.CarriedState;
import io.baran.workflow.ControlPlanes;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.DecisionResult;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.FailbackResult;
import io.baran.workflow.JoinRefused;
import io.baran.workflow.LateHold;
import io.baran.workflow.Memos;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.PhaseChange;
import io.baran.workflow.PriorityHeader;
import io.baran.workflow.Reapplied;
import io.baran.workflow.RecordedPlan;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.SearchAttributes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.StepRun;
import io.baran.workflow.StepState;
import io.baran.workflow.StepStatus;
import io.baran.workflow.UndoEntry;
import io.baran.workflow.Verdict;
import io.baran.workflow.temporal.DecisionSeals;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Interprets one runbook version. Every changing step is planned first (the plan, with the state it
 * will replace, lands in the history), registered for undo, then applied; failback and compensation
 * undo the registered steps in reverse order.
 *
 * <p>Deterministic: no clock, randomness, I/O or CDI here; the runbook arrives as input. Each change to what
 * this class does for a given history has its own change id, read with {@link Workflow#getVersion} and branched
 * on: {@value #DECISIONS_AS_UPDATES}, {@value #FAILBACK_FAILED_STATE}, {@value #DRILL_ABORT_CONDITION},
 * {@value #PROVIDER_SLOT_WAIT} and the others below. The recorded histories under
 * src/test/resources/histories replay in the tests to catch unguarded changes. (Histories recorded before these
 * also carry a marker {@code interpreter}, which never guarded anything; replay skips it.)
 *
 * <p>People decide through the Updates {@code decide} and {@code requestFailback}, whose validators see the
 * verified person and enforce the runbook's {@code spec.access} and the two-person rule ({@link DecisionBook}),
 * so no client that talks to Temporal directly gets around them. Executions started before change
 * {@value #DECISIONS_AS_UPDATES} keep their signal-driven waits (the recorded histories replay them); executions
 * started since ignore the identity-less signals {@code approve}, {@code reject} and {@code failback}, and never
 * take a failback request for an approval.
 */
public class RunbookWorkflowImpl implements RunbookWorkflow {

    private static final Logger LOG = Workflow.getLogger(RunbookWorkflowImpl.class);
    private static final ActionCatalog CATALOG = ActionCatalog.standard();
    /** A failover holding longer than this continues as new, so no single run's history grows without end. */
    static final Duration HOLD_SLICE = Duration.ofDays(1);
    /**
     * Change id: decisions arrive as Updates carrying the verified person (two-person rule, {@code spec.access},
     * break-glass); the identity-less signals are ignored; a failback request is never an approval.
     */
    static final String DECISIONS_AS_UPDATES = "decisions-as-updates";
    /**
     * Change id: a step of an explicit failback list whose plan or apply fails is recorded as
     * {@link StepState#FAILBACK_FAILED}; before, as {@link StepState#UNDO_FAILED}, as if an undo had failed.
     */
    static final String FAILBACK_FAILED_STATE = "failback-failed-state";
    /**
     * Change id: an outage that joins a running execution is added to its {@code BaranIncidents} (so its recovery
     * finds the execution whatever happened to the runbook catalog since), and the execution re-plans its applied
     * steps and re-applies those whose change drifted. See {@link #reconcileJoins}.
     */
    static final String RECONCILE_ON_JOIN = "reconcile-on-join";
    /**
     * Change id: a failover fails back on recovery only once every scope whose outage it answers has recovered: the
     * latest incident of each scope ({@code <scope>@<millis>}: the one it was started for and those that joined it) has
     * had its {@code outageRecovered}. Before, any recovery signal counted, so an outage of one scope that joined the
     * execution and recovered failed it back while the scope it was started for was still down. See {@link
     * #recoveredEverywhere}.
     */
    static final String RECOVERY_BY_SCOPE = "recovery-by-scope";
    /**
     * Change id: an automatic failover the blast-radius guard holds ({@link ExecutionRequest#heldBy()}) waits at the
     * start approval gate, with the guard's reason, although its runbook does not ask for approval.
     */
    static final String BLAST_RADIUS_GUARD = "blast-radius-guard";
    /**
     * Change id: an execution whose steps use a provider with a concurrency cap ({@link ExecutionRequest#cappedProviders()})
     * takes a slot of each before failing over and before failing back ({@link ProviderSlots}), waiting in phase
     * {@code queued} while they are taken, and gives them back after.
     */
    static final String PROVIDER_SLOTS = "provider-slots";
    /**
     * Change id: a drill of a runbook with {@code spec.drills.abortWhen} runs that health check every {@code every}
     * while it holds, and the first failure stops the drill and undoes everything, as an abort does. Before, a drill
     * slept through its hold. See {@link #holdWatchingAbortCondition}.
     */
    static final String DRILL_ABORT_CONDITION = "drill-abort-condition";
    /**
     * Change id: a queued execution waits for its provider slots in one long, heartbeating activity
     * ({@link ProviderSlots#await}) instead of asking again every {@code baran.dispatch.slot-poll} with an activity and a
     * timer each time (about ten history events per ask), so a queue of hours adds a handful of events; an execution
     * aborted while queued gives its place in the queue back.
     */
    static final String PROVIDER_SLOT_WAIT = "provider-slot-wait";
    /**
     * Change id: an automatic failover told that the blast-radius guard tripped after it started ({@link
     * RunbookWorkflow#guardTripped}) waits at gate {@code held} before its next failover step; rejected or not decided
     * in time, it undoes what it changed. See {@link #awaitLateHold}.
     */
    static final String LATE_HOLD = "late-hold";
    /**
     * Change id: a failover step that calls a worker is planned and applied by one activity ({@link
     * ActionActivities#planAndApply}) instead of two, one workflow task and one worker poll fewer per step; the worker
     * records the plan on the server before it changes anything and attaches it to its failures, so the undo is
     * registered whatever happens to the attempt. A changing step's call is not cancelled by an abort: the change in
     * flight ends (within the step's timeout), then the abort undoes it with everything else. See {@link #planAndApply}.
     */
    static final String PLAN_AND_APPLY = "plan-and-apply";
    /**
     * Change id: what an execution changed is put back whatever the abort interrupts. Compensation after a failed step,
     * and a failback, run in a scope the abort does not reach (before, their undos were scheduled in the cancelled
     * scope and failed at once, so an abort during a check step, a drill's abort condition or a failback restored
     * nothing); an abort during a check step or an abort condition's check is an abort, not a failed step; a re-apply
     * for a joined outage is not cancelled half-way, and compensation waits for it to end. See {@link #restoring}.
     */
    static final String ABORT_RESTORES = "abort-restores";
    /**
     * Change id: a real outage that joins a drill of the service ends the drill's hold and keeps it failed over like a
     * failover (until that outage recovers, then its stability wait and failback approval), instead of failing back
     * into the outage when the hold ends; the abort condition is no longer watched then (its check of the primary
     * would fail and move traffic back into the outage). See {@link #holdUntilFailback}.
     */
    static final String DRILL_JOINED_BY_OUTAGE = "drill-joined-by-outage";
    /**
     * Change id: a drill that a real outage joined while it held (change {@link #DRILL_JOINED_BY_OUTAGE}) is a live
     * failover from then on, as one that turned round is ({@link #TURN_ROUND}): its failback approval needs the
     * runbook's {@code access.approvals} approvers under the two-person rule (its starter cannot give it), a person may
     * ask it to fail back, and acting on it needs what acting on a failover does. Before, it stayed a drill: one
     * approval, its starter's included, failed it back, and a drill operator could abort it into the outage.
     */
    static final String DRILL_JOINED_GOES_LIVE = "drill-joined-goes-live";
    /**
     * Change id: an abort that ends a wait for a decision (an approval step, a held step, a gate) closes that decision
     * before compensation: an approval sent while the execution undoes what it changed is refused and recorded nowhere,
     * and the execution no longer says it waits for one. Before, the decision stayed open during compensation and an
     * approval of it was taken. Asked only when an abort ends such a wait, so other histories replay unchanged.
     */
    static final String ABORT_CLOSES_DECISIONS = "abort-closes-decisions";
    /**
     * Change id: a person aborts through the Update {@code abort}, whose validator checks the seal, who may and where
     * the execution stands (never a live failover that is failed over). The Update cancels the run's own scope, so the
     * undo is a cancellation's, and the execution records who aborted; it then ends as completed (compensated), not
     * cancelled, since Temporal was asked for no cancellation. Asked when such an abort is taken, so other histories
     * replay unchanged. A cancellation sent to Temporal still aborts, as before.
     */
    static final String ABORT_AS_UPDATE = "abort-as-update";
    /**
     * Change id: a failback that waits for approval because the outage recovered is no longer offered to the approvers
     * once an outage of a scope it answers is detected again (a new incident joins): the gate closes, an approval
     * sent now is refused, and the execution waits for that recovery (and {@code stableFor}) before it asks again.
     * Before, the approvers could approve a failback into the outage. A failback a person asked for stays offered.
     */
    static final String FAILBACK_APPROVAL_WITHDRAWN = "failback-approval-withdrawn";
    /**
     * Change id: an outage of a scope the execution answers that is detected while it fails back (a new incident joins
     * it, and has not recovered) turns it round: a reverse failback stops before its next undo, and the execution fails
     * over again in the same provider slots (its failover steps run again; those still in place change nothing) and
     * holds until that outage recovers. When the runbook's trigger asks for approval, or the blast-radius guard holds
     * that outage (or held this failover since the failback began), the failback ends first and a person decides
     * whether it fails over again. Before, the failback ended on the primary, in the outage, and no failover started
     * for it. See {@link #turnsAtOnce} and {@link #turnRoundAfterDecision}.
     */
    static final String TURN_ROUND = "failback-turns-round";
    /**
     * Change id: a rejection or timeout of the start gate (approval to start, or the blast-radius guard's hold) applies
     * to the outages known when the question was asked. An outage that joined the execution since, and has not
     * recovered, gets what it would get on its own: the gate asks again for it (with the guard's timeout when the
     * guard holds it, else the execution's) when the runbook asks for approval to start or the guard holds that
     * outage, and otherwise the execution fails over for it at once. While the gate waits, joined outages are added to
     * {@code BaranIncidents}, so POST /approve-incident and their recoveries find the execution by them. Before, the
     * execution ended rejected and the joined outage was failed over by nothing. See {@link #awaitFirstApproval}.
     */
    static final String JOINED_OUTAGE_DECIDED_ANEW = "joined-outage-decided-anew";
    /**
     * Change id: the start gate is withdrawn when every outage it asks about has recovered before anyone approved (the
     * latest incident of each scope the execution answers; after a rejection, those that joined since): the execution
     * ends {@code rejected} without changing anything, its error saying the outage recovered before approval, and an
     * approval sent now is refused. Before, the gate stayed open and a later approval failed the service over after its
     * outage had ended. A failover a person started is their decision: its gate is never withdrawn, not even by an
     * outage that joined it and recovered. See {@link #awaitFirstApproval}.
     */
    static final String START_GATE_WITHDRAWN_ON_RECOVERY = "start-gate-withdrawn-on-recovery";
    /**
     * Change id: when a member of a parallel failover group fails (an approval step rejected or not approved in time,
     * a step that failed), its members that wait for a person (an approval step, a failed step that holds) stop
     * waiting: their question is withdrawn, an approval sent now is refused, and the group ends so the execution
     * compensates. Members that change something still run to their end, so all they changed is undone. Before, the
     * group waited for every sibling's decision, or its timeout, before it ended. Asked when a member of a group with
     * such a sibling fails, so other histories replay unchanged. See {@link #runParallel}.
     */
    static final String PARALLEL_GROUP_ENDS_ON_FAILURE = "parallel-group-ends-on-failure";
    /**
     * Change id: once an approval step is decided (approved, or failed with {@code onFailure: continue}) and nothing else
     * waits for a person, the phase the execution goes back to is recorded ({@code BaranPhase}, the phases, the
     * journal). Before, only the execution's own field went back: lists and events read {@code awaiting-approval} until
     * the next phase. Asked only then, so other histories replay unchanged. See {@link #recordPhaseAfterDecision}.
     */
    static final String APPROVAL_STEP_PHASE = "approval-step-phase";
    /**
     * Change id: a failback the approvers refused stays refused across the daily continue-as-new: the refusal is carried
     * ({@link CarriedState#failbackRefused()}), and the next run waits, failed over, for a person to ask for the failback
     * before the approvers are asked again. Before, the next run found the outage recovered and offered the failback
     * again the same day. Asked when the approvers refuse, so other histories replay unchanged.
     */
    static final String REFUSED_FAILBACK_CARRIED = "refused-failback-carried";
    /**
     * Change id: the guard's hold of a failover under way (gate {@code held}, change {@link #LATE_HOLD}) is withdrawn
     * when every outage the execution answers has recovered before anyone decided: the failover stops and undoes what it
     * changed, as a rejection does, its error saying the outage recovered; an approval sent now is refused. Before, an
     * approval after the recovery went on failing the service over. Asked when such a hold opens.
     */
    static final String LATE_HOLD_WITHDRAWN_ON_RECOVERY = "late-hold-withdrawn-on-recovery";
    /**
     * Change id: an outage that joins once the failback has begun (it asks for its provider slots, still failed over)
     * re-applies nothing: the failback is about to undo it, and the outage turns the execution round once the failback
     * is done (change {@link #TURN_ROUND}). Before, the re-apply ran beside the failback and could land after the undo
     * of its step, leaving it switched when the failback did not turn round. Asked only when such a join comes, so other
     * histories replay unchanged. See {@link #reconcileJoins}.
     */
    static final String NO_REAPPLY_IN_FAILBACK = "no-reapply-in-failback";
    /**
     * Change id: an outage of a scope the execution answers that is detected while a failed failover is undone (a new
     * incident joins during compensation, and has not recovered by its end) fails the execution over again once the
     * undo is done, as a new execution for that outage would: after a person's approval when the runbook's trigger asks
     * for it or the blast-radius guard holds that outage (withdrawn if it recovers first), at once otherwise; the joined
     * outages are added to {@code BaranIncidents} as they come. A failure answers the outages known when it happened,
     * so those do not fail it over again, and an abort never does (its error names the outage). Before, the joined
     * outage was recorded and nothing failed the service over for it. See {@link #beginCompensation}.
     */
    static final String COMPENSATION_TURNS_ROUND = "compensation-turns-round";
    /**
     * Change id: a change whose undo failed stays registered at the end of every failback (reverse, or an explicit
     * list's {@code undo:} item), not only of a compensation that turns round, so that when the execution fails over
     * again (the step, still in place, changes nothing and registers nothing) the next failback undoes it; and a step
     * registered again meanwhile goes in before it when declared before it, so that failback still undoes in the
     * runbook's order. Before, the failed undo was forgotten when the failback ended and a turn round followed: the
     * execution ended {@code done} with that change still in place. Asked only where a failed undo is kept or met, so
     * other histories replay unchanged.
     */
    static final String FAILBACK_KEEPS_FAILED_UNDOS = "failback-keeps-failed-undos";
    /**
     * Change id: a decision (or a withdrawal) that arrives in the workflow task in which the gate's timeout fires is
     * acted on, as its Update's answer told the person; before, the gate timed out with the approval recorded. Likewise
     * a failback asked for in the workflow task in which a hold's slice ends: acted on, not lost to the continue-as-new.
     * Asked only when that happens, so other histories replay unchanged.
     */
    static final String DECIDED_AS_IT_TIMED_OUT = "decided-as-it-timed-out";
    /**
     * Change id: an outage that joins while people decide whether the execution turns round (after its failback, or
     * its failed failover's undo) is not dropped with their refusal of the turn for the outages they were asked about:
     * it is decided on its own, asked of people, or at once where a failover for it alone would be (as the start gate
     * decides an outage that joined it). Before, the execution ended, and the outage it had taken went unanswered.
     * Asked only when such an outage is met, so other histories replay unchanged.
     */
    static final String TURN_DECIDED_ANEW = "turn-decided-anew";
    /**
     * Change id: the continue-as-new of a long hold keeps the execution's search attributes and memo (Temporal starts
     * the next run with only those its command names, and the SDK names none by itself): without them the next run was
     * no longer found by service, runbook, mode or incident (a new outage of the service, a recovery of a runbook
     * deleted meanwhile, the API's filters). Asked only at a continue-as-new, so other histories replay unchanged.
     */
    static final String CONTINUE_KEEPS_ATTRIBUTES = "continue-keeps-attributes";
    /**
     * Waiting for provider slots: as long as it takes (a day per attempt, attempts without end), heartbeating, so an
     * orchestrator that dies is noticed in 30 s and the wait goes on elsewhere; cancelled with the execution, and waited
     * for, so an abort gives back only what the wait may have taken.
     */
    private static final ActivityOptions SLOT_WAIT_OPTIONS = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofDays(1))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setCancellationType(io.temporal.activity.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .setRetryOptions(io.temporal.common.RetryOptions.newBuilder()
                    .setMaximumInterval(Duration.ofSeconds(10))
                    .setDoNotRetry(SlotWaiters.UNAVAILABLE)
                    .build())
            .build();
    /** Asking for provider slots: short, retried a little; a database that cannot answer lets the execution go on. */
    private static final ActivityOptions SLOT_OPTIONS = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(io.temporal.common.RetryOptions.newBuilder()
                    .setMaximumAttempts(3)
                    .setMaximumInterval(Duration.ofSeconds(2))
                    .build())
            .build();

    private final TransitionJournal journal = new TransitionJournal();
    private final DecisionBook book = new DecisionBook();
    /**
     * The orchestrator's seals of people's decisions: with them, the Update validators refuse a decision the
     * orchestrator did not seal for this execution (a client that reaches Temporal directly cannot name someone else).
     * Checked in the validators only, which decide whether an Update is taken; null where the worker runs without a
     * payload codec (and in tests of the rules themselves).
     */
    private final DecisionSeals seals;

    public RunbookWorkflowImpl() {
        this(null);
    }

    RunbookWorkflowImpl(DecisionSeals seals) {
        this.seals = seals;
    }

    private ExecutionRequest request;
    /** Change {@link #ABORT_AS_UPDATE}: the abort taken, null while none was. */
    private AbortRequest abort;

    private AbortResult abortResult;
    private Phase phase = Phase.STARTING;
    private String currentStep;
    private String error;
    private String awaiting;
    /** The phase before the decisions now open: the one the execution returns to when the last is decided. */
    private Phase beforeDecisions = Phase.STARTING;

    private final Map<String, StepStatus> steps = new LinkedHashMap<>();
    private final List<PhaseChange> phases = new ArrayList<>();
    /** Changing steps whose apply was attempted, in the order they were registered. */
    private final List<UndoEntry> undo = new ArrayList<>();
    /** Steps whose apply completed. A step without undo is undone only when its apply did not complete. */
    private final Set<String> appliedSteps = new HashSet<>();

    private long startedAt;
    private long decideMillis;
    private int runs;
    /** A recovery arrived since the last outage detected: what counts before change {@link #RECOVERY_BY_SCOPE}. */
    private boolean recovered;
    /** The version of change {@link #RECOVERY_BY_SCOPE} this run follows. */
    private int recoveryVersion = Workflow.DEFAULT_VERSION;
    /** The latest incident of each scope whose outage this execution answers, by scope. */
    private final Map<String, String> incidentByScope = new LinkedHashMap<>();
    /** The incidents whose recovery this execution was told of. */
    private final Set<String> recoveredIncidents = new LinkedHashSet<>();
    /** The version of change {@link #FAILBACK_FAILED_STATE} this run follows. */
    private int failbackFailedVersion = Workflow.DEFAULT_VERSION;
    /** The version of change {@link #ABORT_RESTORES} this run follows. */
    private int abortVersion = Workflow.DEFAULT_VERSION;
    /** Outages that joined this execution and that it has not looked at yet (change {@link #RECONCILE_ON_JOIN}). */
    private final List<String> joins = new ArrayList<>();
    /** True while it re-plans and re-applies for a joined outage; failback waits for it to end. */
    private boolean reconciling;
    /** Change {@link #LATE_HOLD}: the guard's hold that arrived after the start, and whether it was dealt with. */
    private LateHold lateHold;

    private boolean lateHoldDecided;
    /** A person approved the start (approval required, or held by the guard): a late hold does not ask again. */
    private boolean personDecidedStart;
    /** Change {@link #JOINED_OUTAGE_DECIDED_ANEW}: the start gate waits, and outages that join it are recorded. */
    private boolean gateRecordsJoins;

    private final List<Reapplied> reapplied = new ArrayList<>();
    /**
     * Change {@link #REFUSED_FAILBACK_CARRIED}: the approvers refused the failback; it waits for a person to ask for one,
     * also in the runs it continues as.
     */
    private boolean failbackRefused;

    /**
     * Change {@link #PARALLEL_GROUP_ENDS_ON_FAILURE}: a parallel failover group that has members waiting for a person,
     * and the member whose failure ends it (null while none failed).
     */
    private static final class Group {
        String failedMember;
    }

    /** The running parallel group of each of its members that may wait for a person, by step name. */
    private final Map<String, Group> groupOf = new java.util.HashMap<>();

    /**
     * Change {@link #TURN_ROUND}: the incidents the execution knew of when its failback began (answered, recovered, or
     * reconciled), or (change {@link #COMPENSATION_TURNS_ROUND}) when its failed failover began to be undone; null
     * outside a failback and such an undo. An incident of {@link #incidentByScope} not in it is an outage detected
     * since.
     */
    private Set<String> knownAtFailback;
    /**
     * Holds of the blast-radius guard of the failover itself received ({@link #guardTripped}), the newest of them, and
     * their count when the failback (or the undo of a failed failover) began: one received since holds a turn round
     * for a person.
     */
    private int holdsSeen;

    private LateHold newestHold;
    private int holdsAtFailback;
    /** Outages that joined while the guard held them ({@link LateHold#incidentId()}): a turn round for one asks a person. */
    private final Map<String, LateHold> heldIncidents = new LinkedHashMap<>();
    /** Incidents that were new to the execution when they joined (not a redelivery of one it answers). */
    private final Set<String> newlyJoined = new HashSet<>();
    /** The run's own scope: the one an abort cancels (restoring code runs in a detached scope that never is). */
    private CancellationScope executionScope;
    /** The version of change {@link #TURN_ROUND}, asked when an outage is first detected during a failback. */
    private int turnRoundVersion = Workflow.DEFAULT_VERSION - 1;
    /**
     * Change {@link #COMPENSATION_TURNS_ROUND}: the failure of the failover being undone, until the execution fails over
     * again or ends; null otherwise. {@link #knownAtFailback} then holds the outages known when it failed.
     */
    private String undoneFailure;
    /** Change {@link #COMPENSATION_TURNS_ROUND}: outages that join while a failed failover is undone are recorded. */
    private boolean undoRecordsJoins;
    /**
     * The execution has made its last decision: it acts on no further outage (it ends; its last journal entries may
     * still be in flight). A join ({@code joinOutage}) is refused from then on, so the outage is not taken by an
     * execution that drops it. Set in the same workflow code that made the decision, with no wait between: a join
     * taken before it was seen by that decision. Not a command: histories replay unchanged.
     */
    private boolean decidedLast;

    /**
     * Outages told by the signal {@code outageDetected} (no worker answered the Update in time) when the execution
     * acted on no further outage: the Update would have refused them. Reported in its result, so the dispatcher's join
     * sweep starts their own failovers once it has ended. An outage it knew before is not dropped again. Not a command.
     */
    private final Set<String> droppedOutages = new LinkedHashSet<>();

    /** Every incident the execution was started for or told of (those it dropped included). Not a command. */
    private final Set<String> answered = new HashSet<>();

    /**
     * Which list a step runs in. Failover steps are registered for undo before their apply and follow their
     * {@code onFailure}; failback steps are not registered, and one that fails lets the failback go on.
     */
    private enum Pass {
        FAILOVER,
        FAILBACK
    }

    /** A step failed and the runbook says to stop there. */
    private static final class StepFailed extends RuntimeException {
        StepFailed(String message) {
            super(message);
        }
    }

    @Override
    public ExecutionProgress run(ExecutionRequest request) {
        this.request = request;
        executionScope = CancellationScope.current();
        int decisionsVersion = Workflow.getVersion(DECISIONS_AS_UPDATES, Workflow.DEFAULT_VERSION, 1);
        failbackFailedVersion = Workflow.getVersion(FAILBACK_FAILED_STATE, Workflow.DEFAULT_VERSION, 1);
        recoveryVersion = Workflow.getVersion(RECOVERY_BY_SCOPE, Workflow.DEFAULT_VERSION, 1);
        abortVersion = Workflow.getVersion(ABORT_RESTORES, Workflow.DEFAULT_VERSION, 1);
        CarriedState carried = request.carried();
        if (request.mode() == Mode.FAILOVER && request.incidentId() != null) {
            answer(request.incidentId());
        }
        if (carried != null) {
            carried.incidents().forEach(this::answer);
            recoveredIncidents.addAll(carried.recoveredIncidents());
            failbackRefused = carried.failbackRefused();
        }
        book.start(request, decisionsVersion, carried == null ? List.of() : carried.decisions());
        Runbook runbook = request.runbook();
        // Every activity call carries the tier as a header, for the workers' API budgets (no command: replay-safe).
        PriorityHeader.set(runbook.tier());
        if (carried != null) {
            resume(carried);
        } else {
            startedAt = Workflow.currentTimeMillis();
            for (Step step : runbook.actionSteps()) {
                steps.put(step.name(), StepStatus.pending(step.name(), step.action()));
            }
        }
        Async.procedure(this::reconcileJoins);
        while (true) {
            try {
                if (undoneFailure != null) {
                    // A failed failover was undone: an outage detected meanwhile fails it over again (change
                    // COMPENSATION_TURNS_ROUND); otherwise, or refused, it ends here.
                    String detected = undoRecordsJoins ? freshOutage() : null;
                    if (!turnRoundAfterDecision(runbook)) {
                        decidedLast = true;
                        if (detected != null && executionScope.isCancelRequested()) {
                            // Aborted while it was undone: an abort never fails over again.
                            error = undoneFailure + "; aborted before it failed over again for outage " + detected;
                            LOG.warn("execution " + request.executionId() + ": " + error);
                        }
                        restoring(this::endCompensation);
                        break;
                    }
                } else if (carried == null) {
                    if (request.mode() == Mode.PLAN) {
                        planOnly(runbook);
                        return finish();
                    }
                    boolean approvalRequired = runbook.trigger() != null
                            && "required".equals(runbook.trigger().approval());
                    boolean held = request.mode() == Mode.FAILOVER
                            && request.heldBy() != null
                            && Workflow.getVersion(BLAST_RADIUS_GUARD, Workflow.DEFAULT_VERSION, 1) >= 1;
                    if (request.mode() == Mode.FAILOVER
                            && (approvalRequired || held)
                            && !awaitFirstApproval(held, approvalRequired)) {
                        return finish();
                    }
                    withProviderSlots(() -> {
                        enter(Phase.FAILING_OVER);
                        runSteps(runbook.failover(), Pass.FAILOVER);
                    });
                    enter(Phase.FAILED_OVER);
                }
                holdThenFailBack(runbook);
                break;
            } catch (StepFailed failed) {
                undoneFailure = failed.getMessage();
                // Outages detected while the failed failover is undone may fail it over again (a recovery of one
                // finds it by its incident); those known now are the ones the failure answered.
                beginCompensation();
                // An abort may come (or have come) while the failed step ended: compensation is not cut short by it.
                restoring(() -> {
                    awaitReconciledIfRestoring();
                    undoAll(failed.getMessage());
                });
            } catch (CanceledFailure cancelled) {
                // Aborted: what was changed is undone in a scope the cancellation does not reach.
                String decidedAfter = undoneFailure;
                Workflow.newDetachedCancellationScope(() -> {
                            awaitReconciledIfRestoring();
                            if (decidedAfter != null) {
                                // Aborted while people decided whether it fails over again, or while it waited for
                                // its provider slots: it was undone already.
                                String outage = freshOutage();
                                error = decidedAfter + "; " + aborted() + " before it failed over again"
                                        + (outage == null ? "" : " for outage " + outage);
                            } else {
                                abortedCompensation();
                            }
                            endCompensation();
                            journal.awaitInFlight();
                        })
                        .run();
                if (abort != null) {
                    // Aborted through the Update (no cancellation was asked of Temporal): the execution ends, undone.
                    currentStep = null;
                    return progress();
                }
                throw cancelled;
            }
        }
        return finish();
    }

    /** Failed over: holds until the failback, fails back, and fails over again when an outage turns it round. */
    private void holdThenFailBack(Runbook runbook) {
        boolean[] turned = {false};
        do {
            holdUntilFailback(runbook);
            awaitReconciled();
            beginFailback();
            turned[0] = false;
            withProviderSlots(() -> {
                enter(Phase.FAILING_BACK);
                // An abort now does not stop the failback half-way: it puts back what the failover changed, as an
                // abort would.
                restoring(() -> {
                    if (runbook.failback().isReverse()) {
                        undoRegistered(true); // stops early only to turn round at once, below
                    } else {
                        runSteps(runbook.failback().explicitSteps(), Pass.FAILBACK);
                    }
                });
                // An outage detected again while it failed back: fail over again, in the same provider slots.
                if (turnsAtOnce(runbook)) {
                    turned[0] = true;
                    failOverAgain(runbook);
                }
            });
        } while (turned[0] || turnRoundAfterDecision(runbook));
        decidedLast = true;
        // Reported whether or not an abort came meanwhile: the failback it met has ended.
        restoring(() -> {
            List<StepState> notRestored = notRestored();
            if (!notRestored.isEmpty()) {
                error = "failback could not restore every step; see the steps marked "
                        + String.join(
                                " or ",
                                notRestored.stream().map(StepState::value).toList());
                enter(Phase.FAILED);
            } else {
                enter(Phase.DONE);
            }
        });
    }

    private ExecutionProgress finish() {
        decidedLast = true; // a plan, a failover not approved at its start gate: nothing more is decided
        currentStep = null;
        // An abort that met a failback which then ended does not cut the journal's last entries short.
        restoring(journal::awaitInFlight);
        return progress();
    }

    /**
     * Runs {@code restore} (a compensation, a failback) so that an abort does not cut it short: with change {@link
     * #ABORT_RESTORES}, in a scope the cancellation does not reach; before, in the execution's own scope.
     */
    private void restoring(Runnable restore) {
        if (abortVersion >= 1) {
            Workflow.newDetachedCancellationScope(restore).run();
        } else {
            restore.run();
        }
    }

    /** With change {@link #ABORT_RESTORES}, compensation waits for a re-apply in flight, so it undoes what that left. */
    private void awaitReconciledIfRestoring() {
        if (abortVersion >= 1) {
            awaitReconciled();
        }
    }

    /**
     * With change {@link #ABORT_RESTORES}, a call the abort cancelled is the abort (a {@link CanceledFailure}), not a
     * failed step; the execution then compensates as an abort does.
     */
    private void rethrowIfAborted(ActivityFailure failure, String during) {
        if (abortVersion >= 1
                && failure.getCause() instanceof CanceledFailure
                && CancellationScope.current().isCancelRequested()) {
            throw new CanceledFailure("aborted during " + during);
        }
    }

    /** Undoes every registered change, newest first; {@link #endCompensation} then says how it ended. */
    private void undoAll(String why) {
        error = why;
        enter(Phase.COMPENSATING);
        undoRegistered(false);
    }

    /** Compensation is over, and the execution with it: compensated, or failed when something could not be undone. */
    private void endCompensation() {
        undoneFailure = null;
        undoRecordsJoins = false;
        knownAtFailback = null;
        enter(notRestored().isEmpty() ? Phase.COMPENSATED : Phase.FAILED);
    }

    /** How an abort reads in the execution's error: who aborted and why, when the Update {@code abort} said so. */
    private String aborted() {
        if (abort == null) {
            return "aborted";
        }
        String reason = abort.reason() == null || abort.reason().isBlank()
                ? ""
                : " (" + abort.reason().strip() + ")";
        return "aborted by " + abort.by().name() + reason;
    }

    /**
     * Change {@link #COMPENSATION_TURNS_ROUND}: notes the outages known as a failed failover begins to be undone (those
     * the failure answered; one detected from now on may fail the execution over again, see {@link
     * #turnRoundAfterDecision}), and from then on records the outages that join in {@code BaranIncidents}, so a
     * recovery finds the execution by them. The version is asked here, so executions recorded before it replay
     * unchanged (they end compensated, as before).
     */
    private void beginCompensation() {
        knownAtFailback = knownOutages();
        // A hold of the guard on this failover that nobody has decided yet (it came while a step ran, and the step
        // failed) counts as one received since: failing over again asks a person, with its reason.
        boolean holdUndecided = lateHold != null
                && !lateHoldDecided
                && request.mode() == Mode.FAILOVER
                && request.startedBy() != null
                && request.startedBy().isSystem()
                && !personDecidedStart;
        holdsAtFailback = holdUndecided ? holdsSeen - 1 : holdsSeen;
        undoRecordsJoins = Workflow.getVersion(COMPENSATION_TURNS_ROUND, Workflow.DEFAULT_VERSION, 1) >= 1;
    }

    /**
     * An abort undoes what the execution changed. It does not fail over again for an outage detected meanwhile: a person
     * stopped it (with change {@link #COMPENSATION_TURNS_ROUND} its error names that outage, so they can start a
     * failover for it).
     */
    private void abortedCompensation() {
        Set<String> known = knownOutages();
        undoAll(aborted());
        List<String> detected = detectedSince(known);
        if (!detected.isEmpty() && Workflow.getVersion(COMPENSATION_TURNS_ROUND, Workflow.DEFAULT_VERSION, 1) >= 1) {
            error = "aborted; outage " + String.join(", ", detected) + " was detected while it was undone: an aborted"
                    + " execution does not fail over again, so nothing failed over for it (start a failover if its scope"
                    + " is still down)";
            LOG.warn("execution " + request.executionId() + ": " + error);
        }
    }

    private void resume(CarriedState carried) {
        carried.steps().forEach(s -> steps.put(s.name(), s));
        undo.addAll(carried.undo());
        phases.addAll(carried.phases());
        startedAt = carried.startedAt();
        decideMillis = carried.decideMillis();
        runs = carried.runs();
        reapplied.addAll(carried.reapplied());
        appliedSteps.addAll(carried.appliedSteps());
        journal.continueAfter(carried.journalSeq());
        if (ExecutionProgress.turnedRound(carried.phases())) {
            book.goLive(); // a drill that turned round is a live failover since (change TURN_ROUND)
        }
        phase = phases.isEmpty()
                ? Phase.FAILED_OVER
                : phases.get(phases.size() - 1).phase();
    }

    /**
     * The start gate: true when the execution goes on to fail over (a person approved; or, change {@link
     * #JOINED_OUTAGE_DECIDED_ANEW}, an outage that joined after the question was asked needs no person), false when it
     * ended rejected.
     *
     * @param held             the blast-radius guard holds it (change {@link #BLAST_RADIUS_GUARD}): the gate names why
     * @param approvalRequired the runbook asks for approval to start
     */
    private boolean awaitFirstApproval(boolean held, boolean approvalRequired) {
        long seconds = request.approvalTimeoutSeconds();
        String what = !held
                ? "approval to start the failover"
                : request.heldBy() + (approvalRequired ? "; the runbook also asks for approval to start" : "");
        boolean decidesAnew = Workflow.getVersion(JOINED_OUTAGE_DECIDED_ANEW, Workflow.DEFAULT_VERSION, 1) >= 1;
        // A failover a person started is their decision, not an outage's: an outage that joined it and recovered does
        // not withdraw it.
        boolean withdrawn = request.startedBy() != null
                && request.startedBy().isSystem()
                && Workflow.getVersion(START_GATE_WITHDRAWN_ON_RECOVERY, Workflow.DEFAULT_VERSION, 1) >= 1;
        gateRecordsJoins = decidesAnew;
        int rounds = 0;
        // The outages an earlier question of this gate was about: rejected or not approved in time.
        Set<String> decidedBefore = new LinkedHashSet<>();
        String earlier = null;
        try {
            while (true) {
                Set<String> asked = new LinkedHashSet<>(incidentByScope.values());
                Answer answer = awaitDecision(
                        DecisionBook.Gate.START,
                        null,
                        Phase.AWAITING_APPROVAL,
                        what,
                        seconds > 0 ? Duration.ofSeconds(seconds) : null,
                        withdrawn ? () -> gateOutagesRecovered(decidedBefore) : null);
                if (answer == Answer.APPROVED) {
                    error = null;
                    personDecidedStart = true;
                    return true;
                }
                if (answer == Answer.WITHDRAWN) {
                    List<String> outages = incidentByScope.values().stream()
                            .filter(incident -> !decidedBefore.contains(incident))
                            .toList();
                    error = (earlier == null ? "" : earlier + "; ") + "outage " + String.join(", ", outages)
                            + " recovered before anyone approved " + (earlier == null ? "the" : "its") + " failover;"
                            + " nothing was changed";
                    LOG.warn("execution " + request.executionId() + ": " + error);
                    enter(Phase.REJECTED);
                    return false;
                }
                String failover =
                        asked.isEmpty() ? "the failover" : "the failover for outage " + String.join(", ", asked);
                String refusal = answer == Answer.TIMED_OUT
                        ? "nobody approved " + failover + " within " + Duration.ofSeconds(seconds)
                        : failover + " was rejected";
                List<String> joined = decidesAnew ? detectedSince(asked) : List.of();
                if (joined.isEmpty()) {
                    error = (rounds == 0
                                    ? answer == Answer.TIMED_OUT
                                            ? "nobody approved the failover within " + Duration.ofSeconds(seconds)
                                            : "the failover was rejected"
                                    : refusal)
                            + "; nothing was changed";
                    enter(Phase.REJECTED);
                    return false;
                }
                rounds++;
                decidedBefore.addAll(asked);
                earlier = refusal;
                // The decision was about the outages known when it was asked: one that joined since is not dropped.
                LateHold hold = joined.stream()
                        .map(heldIncidents::get)
                        .filter(java.util.Objects::nonNull)
                        .findFirst()
                        .orElse(null);
                String because = refusal + "; outage " + String.join(", ", joined) + " joined after that was asked";
                if (hold == null && !approvalRequired) {
                    // As a failover started for that outage alone would: the runbook asks nobody, the guard holds it
                    // not.
                    LOG.warn("execution " + request.executionId() + ": " + because + "; its runbook asks for no"
                            + " approval and the blast-radius guard does not hold it: it fails over for it");
                    error = null;
                    return true;
                }
                error = because + "; it waits for its own decision";
                LOG.warn("execution " + request.executionId() + ": " + error);
                seconds = hold != null ? hold.approvalTimeoutSeconds() : request.approvalTimeoutSeconds();
                what = "approval to start the failover for outage " + String.join(", ", joined)
                        + ", which joined after " + refusal + (hold != null ? " — " + hold.why() : "");
            }
        } finally {
            gateRecordsJoins = false;
        }
    }

    /**
     * Change {@link #START_GATE_WITHDRAWN_ON_RECOVERY}: every outage the start gate asks about (those the execution
     * answers, but for the ones an earlier question of the gate was about) has recovered; false when it asks about none.
     */
    private boolean gateOutagesRecovered(Set<String> decidedBefore) {
        List<String> outages = incidentByScope.values().stream()
                .filter(incident -> !decidedBefore.contains(incident))
                .toList();
        return !outages.isEmpty() && recoveredIncidents.containsAll(outages);
    }

    private void planOnly(Runbook runbook) {
        enter(Phase.PLANNING);
        for (Step step : runbook.actionSteps()) {
            currentStep = step.name();
            if (isControlFlow(step)) {
                update(
                        step,
                        StepState.PLANNED,
                        Wait.NAME.equals(step.action())
                                ? "would wait " + step.with().get("for")
                                : "would wait for a person's approval",
                        null);
                continue;
            }
            try {
                StepPlan plan =
                        stub(StepActivityOptions.forPlan(), step, "plan").plan(command(step));
                update(
                        step,
                        plan.changes() ? StepState.PLANNED : StepState.UNCHANGED,
                        withControlPlaneWarning(plan),
                        null);
                steps.put(step.name(), steps.get(step.name()).replacing(plan.changes() ? plan.observed() : Map.of()));
            } catch (ActivityFailure failure) {
                update(step, StepState.FAILED, null, describe(failure));
            }
        }
        enter(Phase.PLANNED);
    }

    /** The failover list, or an explicit failback list: in order, parallel groups together. */
    private void runSteps(List<Step> items, Pass pass) {
        for (Step item : items) {
            if (pass == Pass.FAILOVER) {
                awaitLateHold();
            }
            if (item.isParallel()) {
                runParallel(item.parallel(), pass);
            } else {
                runItem(item, pass);
            }
        }
        currentStep = null;
    }

    /**
     * Change {@link #LATE_HOLD}: the guard tripped after this automatic failover started. Before its next failover step
     * it waits at gate {@code held} with the guard's reason: approved, it goes on; rejected or not decided within the
     * guard's approval timeout, it stops and undoes what it changed (as the guard ends a held failover unchanged).
     * Failovers a person started or approved (their start gate), and drills, go on: a person already decided on them.
     * No command is issued unless a hold arrived, so executions without one replay unchanged.
     */
    private void awaitLateHold() {
        if (lateHold == null || lateHoldDecided) {
            return;
        }
        lateHoldDecided = true;
        if (request.mode() != Mode.FAILOVER
                || request.startedBy() == null
                || !request.startedBy().isSystem()
                || personDecidedStart
                || Workflow.getVersion(LATE_HOLD, Workflow.DEFAULT_VERSION, 1) < 1) {
            return;
        }
        Duration timeout =
                lateHold.approvalTimeoutSeconds() > 0 ? Duration.ofSeconds(lateHold.approvalTimeoutSeconds()) : null;
        Workflow.upsertMemo(Map.of(Memos.HELD_BY, lateHold.why()));
        // Between steps: no current step, which tells this hold from a failed step's (POST /approve-incident).
        currentStep = null;
        boolean withdrawn = Workflow.getVersion(LATE_HOLD_WITHDRAWN_ON_RECOVERY, Workflow.DEFAULT_VERSION, 1) >= 1;
        Answer answer = awaitDecision(
                DecisionBook.Gate.HELD,
                null,
                Phase.HELD,
                lateHold.why() + " — after this failover started: approve to go on, reject to undo what it changed",
                timeout,
                withdrawn ? this::recoveredEverywhere : null);
        if (answer == Answer.WITHDRAWN) {
            throw new StepFailed("held by the blast-radius guard after it started, and the outage recovered before"
                    + " anyone decided; what it changed is undone");
        }
        if (answer != Answer.APPROVED) {
            throw new StepFailed(
                    answer == Answer.TIMED_OUT
                            ? "held by the blast-radius guard after it started, and nobody decided within " + timeout
                                    + "; what it changed is undone"
                            : "held by the blast-radius guard after it started, and rejected; what it changed is undone");
        }
        enter(Phase.FAILING_OVER);
    }

    /**
     * Every member of the group runs to its end, even when a sibling failed, so that all each of them changed is
     * registered before compensation; then the first failure goes on. With change {@link #ABORT_RESTORES} an abort
     * that ended a member (a check, a wait) waits for its siblings too (a change in flight ends and registers its
     * undo), and goes on before any failure.
     */
    private void runParallel(List<Step> children, Pass pass) {
        List<Promise<Void>> running = new ArrayList<>();
        // Members that may wait for a person: a failing sibling ends their wait (change
        // PARALLEL_GROUP_ENDS_ON_FAILURE).
        List<Step> waitForPeople = pass != Pass.FAILOVER
                ? List.of()
                : children.stream()
                        .filter(child -> !child.isUndo() && (isApproval(child) || "hold".equals(child.onFailure())))
                        .toList();
        Group group = new Group();
        waitForPeople.forEach(child -> groupOf.put(child.name(), group));
        for (Step child : children) {
            running.add(Async.procedure(() -> {
                try {
                    runItem(child, pass);
                } catch (StepFailed failed) {
                    if (group.failedMember == null
                            && waitForPeople.stream().anyMatch(sibling -> sibling != child)
                            && Workflow.getVersion(PARALLEL_GROUP_ENDS_ON_FAILURE, Workflow.DEFAULT_VERSION, 1) >= 1) {
                        group.failedMember = child.name();
                    }
                    throw failed;
                }
            }));
        }
        StepFailed first = null;
        CanceledFailure aborted = null;
        for (Promise<Void> promise : running) {
            try {
                promise.get();
            } catch (StepFailed failed) {
                if (first == null) {
                    first = failed;
                }
            } catch (CanceledFailure cancelled) {
                if (abortVersion < 1) {
                    throw cancelled;
                }
                if (aborted == null) {
                    aborted = cancelled;
                }
            }
        }
        waitForPeople.forEach(child -> groupOf.remove(child.name()));
        if (aborted != null) {
            throw aborted;
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Change {@link #PARALLEL_GROUP_ENDS_ON_FAILURE}: when a sibling of {@code step} in its parallel group failed, so the
     * step's wait for a person ends; null when the step is in no such group.
     */
    private Supplier<Boolean> siblingFailed(Step step) {
        Group group = groupOf.get(step.name());
        return group == null ? null : () -> group.failedMember != null;
    }

    /** Why the wait of {@code step} for a person was withdrawn ({@link #siblingFailed}). */
    private String withdrawnBySibling(Step step) {
        return "not decided: step " + groupOf.get(step.name()).failedMember + " of its parallel group failed";
    }

    private void runItem(Step item, Pass pass) {
        if (item.isUndo()) {
            // Only explicit failback lists name undos; failover steps the list does not name stay as they are.
            undoNamed(item.undo());
        } else {
            runStep(item, pass);
        }
    }

    private void runStep(Step step, Pass pass) {
        currentStep = step.name();
        steps.putIfAbsent(step.name(), StepStatus.pending(step.name(), step.action()));
        steps.put(step.name(), steps.get(step.name()).started(Workflow.currentTimeMillis()));
        update(step, StepState.RUNNING, null, null);
        try {
            if (runsItself(step, pass)) {
                runControlFlow(step);
                return;
            }
            StepCommand command = command(step);
            if (pass == Pass.FAILOVER && Workflow.getVersion(PLAN_AND_APPLY, Workflow.DEFAULT_VERSION, 1) >= 1) {
                planAndApply(step, command);
                return;
            }
            try {
                StepPlan plan =
                        stub(StepActivityOptions.forPlan(), step, "plan").plan(command);
                if (pass == Pass.FAILOVER) {
                    update(step, StepState.RUNNING, withControlPlaneWarning(plan), null);
                    if (plan.changes() && !registered(step)) {
                        // Registered before apply: an apply that fails half-way is still undone.
                        undo.add(new UndoEntry(command, plan));
                        steps.put(step.name(), steps.get(step.name()).replacing(plan.observed()));
                    }
                }
                StepOutcome outcome =
                        stub(StepActivityOptions.forApply(step), step, "apply").apply(command, plan);
                appliedSteps.add(step.name());
                update(
                        step,
                        outcome.changed() ? StepState.APPLIED : isCheck(step) ? StepState.PASSED : StepState.UNCHANGED,
                        outcome.summary(),
                        null);
            } catch (ActivityFailure failure) {
                if (pass == Pass.FAILOVER) {
                    onStepFailure(step, describe(failure));
                } else {
                    // Failback goes on: the other steps still bring the primary back; the execution ends failed.
                    update(
                            step,
                            failbackFailedVersion >= 1 ? StepState.FAILBACK_FAILED : StepState.UNDO_FAILED,
                            null,
                            describe(failure));
                    LOG.warn("failback step " + step.name() + " failed: " + describe(failure));
                }
            }
        } finally {
            steps.put(step.name(), steps.get(step.name()).ended(Workflow.currentTimeMillis()));
        }
    }

    /**
     * A failover step in one activity (change {@link #PLAN_AND_APPLY}). What it records is what the two activities
     * recorded: the plan's summary, the undo registered when the plan changes something (also when the step failed
     * after its plan was recorded: an apply that failed half-way is still undone), then the outcome. A step whose
     * failure carries no plan changed nothing.
     */
    private void planAndApply(Step step, StepCommand command) {
        // A step's call is not cancelled once it runs, so an abort asked during an earlier one stops the steps here.
        if (CancellationScope.current().isCancelRequested()) {
            throw new CanceledFailure("aborted before step " + step.name());
        }
        ActionActivities activities = stub(StepActivityOptions.forApply(step), step, "apply");
        StepRun run;
        try {
            if (isCheck(step)) {
                run = activities.planAndApply(command);
            } else {
                StepRun[] done = new StepRun[1];
                Workflow.newDetachedCancellationScope(() -> done[0] = activities.planAndApply(command))
                        .run();
                run = done[0];
            }
        } catch (ActivityFailure failure) {
            RecordedPlan.of(failure).ifPresent(plan -> registerPlan(step, command, plan));
            rethrowIfAborted(failure, "step " + step.name());
            onStepFailure(step, describe(failure));
            return;
        }
        registerPlan(step, command, run.plan());
        appliedSteps.add(step.name());
        StepOutcome outcome = run.outcome();
        update(
                step,
                outcome.changed() ? StepState.APPLIED : isCheck(step) ? StepState.PASSED : StepState.UNCHANGED,
                outcome.summary(),
                null);
    }

    /** A failover step's plan, as the two-activity path records it between plan and apply. */
    private void registerPlan(Step step, StepCommand command, StepPlan plan) {
        update(step, StepState.RUNNING, withControlPlaneWarning(plan), null);
        if (plan.changes() && !registered(step)) {
            undo.add(undoPosition(step), new UndoEntry(command, plan));
            steps.put(step.name(), steps.get(step.name()).replacing(plan.observed()));
        }
    }

    /**
     * Whether the step's undo is registered already: only after a turn round (change {@link #TURN_ROUND}), for a step
     * the interrupted failback did not undo. Its first plan stays, so the failback restores the state from before the
     * first failover.
     */
    private boolean registered(Step step) {
        return undo.stream().anyMatch(u -> u.command().step().equals(step.name()));
    }

    /**
     * Whether the interpreter runs the step itself. An {@code approval} in an explicit failback list is not run
     * here: it goes to the workers as it always has (they refuse it), so the step fails.
     */
    private static boolean runsItself(Step step, Pass pass) {
        return isControlFlow(step) && (pass == Pass.FAILOVER || Wait.NAME.equals(step.action()));
    }

    private void runControlFlow(Step step) {
        if (Wait.NAME.equals(step.action())) {
            Workflow.sleep(Durations.parse((String) step.with().get("for")));
            update(step, StepState.DONE, "waited " + step.with().get("for"), null);
        } else {
            approvalStep(step);
        }
    }

    /** A step of kind approval: a person approves going on; a rejection or a timeout fails the step. */
    private void approvalStep(Step step) {
        Object timeoutText = step.with().get("timeout");
        Duration timeout = timeoutText instanceof String text ? Durations.parse(text) : null;
        Answer answer = awaitDecision(
                DecisionBook.Gate.STEP,
                step.name(),
                Phase.AWAITING_APPROVAL,
                "approval of step " + step.name(),
                timeout,
                siblingFailed(step));
        if (answer == Answer.APPROVED) {
            update(step, StepState.APPROVED, "approved", null);
            recordPhaseAfterDecision();
            return;
        }
        if (answer == Answer.WITHDRAWN) {
            // The group ends with its sibling's failure: this step neither passed nor failed the execution itself.
            update(step, StepState.FAILED, null, withdrawnBySibling(step));
            return;
        }
        String why = answer == Answer.TIMED_OUT ? "nobody approved within " + timeoutText : "rejected";
        onStepFailure(step, why);
        // Still here: the runbook goes on past this step (onFailure: continue).
        recordPhaseAfterDecision();
    }

    /**
     * Change {@link #APPROVAL_STEP_PHASE}: the last decision closed, the phase the execution went back to (see {@link
     * #closeDecision}) is recorded as a phase change, unless it is the one recorded last.
     */
    private void recordPhaseAfterDecision() {
        if (!book.nothingPending()
                || (!phases.isEmpty() && phases.get(phases.size() - 1).phase() == phase)
                || Workflow.getVersion(APPROVAL_STEP_PHASE, Workflow.DEFAULT_VERSION, 1) < 1) {
            return;
        }
        enter(phase);
    }

    private void onStepFailure(Step step, String reason) {
        String message = "step " + step.name() + " (" + step.action() + ") failed: " + reason;
        update(step, StepState.FAILED, null, reason);
        LOG.warn(message);
        switch (step.onFailure()) {
            case "continue" -> {
                // The runbook accepts this step failing; what it may have changed is still undone at failback.
            }
            case "hold" -> {
                error = message;
                Answer answer = awaitDecision(
                        DecisionBook.Gate.HELD,
                        step.name(),
                        Phase.HELD,
                        "a decision on failed step " + step.name() + ": approve to go on, reject to undo everything",
                        null,
                        siblingFailed(step));
                if (answer == Answer.WITHDRAWN) {
                    throw new StepFailed(message + "; " + withdrawnBySibling(step));
                }
                if (answer != Answer.APPROVED) {
                    throw new StepFailed(message + "; rejected while held");
                }
                error = null;
                enter(Phase.FAILING_OVER);
            }
            default -> throw new StepFailed(message);
        }
    }

    private void holdUntilFailback(Runbook runbook) {
        if (request.mode() == Mode.DRILL) {
            Duration hold = Duration.ofSeconds(Math.max(0, request.holdSeconds()));
            Drills.AbortWhen abortWhen =
                    runbook.drills() == null ? null : runbook.drills().abortWhen();
            boolean outagesEndTheHold = Workflow.getVersion(DRILL_JOINED_BY_OUTAGE, Workflow.DEFAULT_VERSION, 1) >= 1;
            // Asked only when the runbook has an abort condition, so drills recorded without one replay unchanged.
            if (abortWhen != null && Workflow.getVersion(DRILL_ABORT_CONDITION, Workflow.DEFAULT_VERSION, 1) >= 1) {
                holdWatchingAbortCondition(hold, abortWhen, outagesEndTheHold);
            } else if (outagesEndTheHold) {
                Workflow.await(hold, this::joinedByOutage);
            } else {
                Workflow.sleep(hold);
            }
            if (!outagesEndTheHold || !joinedByOutage()) {
                return;
            }
            // A real outage of the service joined the drill: failing back now would move traffic into it.
            LOG.warn("drill " + request.executionId() + ": a real outage joined it (" + incidentByScope.values()
                    + "); it stays failed over until that recovers");
            // Traffic now stays moved for a real outage: a live failover, for its decisions and who may act on it.
            if (Workflow.getVersion(DRILL_JOINED_GOES_LIVE, Workflow.DEFAULT_VERSION, 1) >= 1) {
                book.goLive();
            }
        }
        Duration stableFor = Durations.parse(runbook.failback().stableFor());
        // A drill a real outage joined fails back on that outage's recovery, whatever its runbook says of recovery.
        boolean onRecovery = runbook.failback().onRecovered() || request.mode() == Mode.DRILL;
        holding:
        while (true) {
            if (phase != Phase.FAILED_OVER) {
                enter(Phase.FAILED_OVER);
            }
            // A failback refused (in this run or, carried, in an earlier one) waits for a person to ask for it.
            awaitOrContinueAsNew(
                    () -> book.failbackRequested || (onRecovery && !failbackRefused && recoveredEverywhere()));
            failbackRefused = false;
            if (!book.failbackRequested && !stableFor.isZero()) {
                enter(Phase.AWAITING_STABILITY);
                Workflow.await(stableFor, () -> !recoveredEverywhere() || book.failbackRequested);
                if (!recoveredEverywhere() && !book.failbackRequested) {
                    // The scope failed again while we watched it: wait for the next recovery.
                    continue;
                }
            }
            boolean approvalRequired = "required".equals(runbook.failback().approval());
            if (!book.asUpdates()) {
                if (book.failbackRequested || !approvalRequired) {
                    return;
                }
                if (awaitFailbackApproval() == Answer.APPROVED) {
                    return;
                }
                // Failback refused: stay failed over until a person asks for it.
                enter(Phase.FAILED_OVER);
                awaitOrContinueAsNew(() -> book.failbackRequested);
                return;
            }
            if (!approvalRequired) {
                return;
            }
            // Offered because the outage recovered: withdrawn if it comes back before the approvers decide.
            Supplier<Boolean> outageBack = !book.failbackRequested
                            && Workflow.getVersion(FAILBACK_APPROVAL_WITHDRAWN, Workflow.DEFAULT_VERSION, 1) >= 1
                    ? () -> !book.failbackRequested && !recoveredEverywhere()
                    : null;
            // A failback request skipped the stability wait, but it is no approval: approvers still decide.
            Answer answer;
            while ((answer = awaitFailbackApproval(outageBack)) != Answer.APPROVED) {
                if (answer == Answer.WITHDRAWN) {
                    LOG.warn("execution " + request.executionId() + ": an outage of a scope it answers was detected"
                            + " again while its failback waited for approval; it waits for that recovery");
                    continue holding;
                }
                // Refused: stay failed over until a person asks again, then ask the approvers again.
                book.forgetFailbackRequest();
                enter(Phase.FAILED_OVER);
                failbackRefused = Workflow.getVersion(REFUSED_FAILBACK_CARRIED, Workflow.DEFAULT_VERSION, 1) >= 1;
                awaitOrContinueAsNew(() -> book.failbackRequested);
                failbackRefused = false;
            }
            return;
        }
    }

    /**
     * Change {@link #DRILL_ABORT_CONDITION}: holds for {@code hold}, running the abort condition's health check at
     * once and then every {@code every}. The check runs once per turn (its own {@code within} is its patience); when
     * it fails the drill stops: {@link StepFailed} takes it to compensation, which undoes everything it changed.
     *
     * @param outagesEndTheHold change {@link #DRILL_JOINED_BY_OUTAGE}: a real outage that joins ends the hold, and the
     *                          condition is watched no more
     */
    private void holdWatchingAbortCondition(Duration hold, Drills.AbortWhen abortWhen, boolean outagesEndTheHold) {
        Duration every = Durations.parse(abortWhen.every());
        Step check = Step.action(Drills.AbortWhen.CHECK_NAME, HealthCheck.NAME, abortWhen.healthCheckFails());
        ActionActivities activities = Workflow.newActivityStub(
                ActionActivities.class,
                ActivityOptions.newBuilder(StepActivityOptions.forApply(check))
                        .setRetryOptions(io.temporal.common.RetryOptions.newBuilder()
                                .setMaximumAttempts(1)
                                .build())
                        .setSummary("abort condition: check")
                        .build());
        StepCommand command = command(check);
        StepPlan nothing = new StepPlan(check.name(), check.action(), false, "abort condition", Map.of(), Map.of());
        long until = Workflow.currentTimeMillis() + hold.toMillis();
        int checks = 0;
        while (true) {
            if (outagesEndTheHold && joinedByOutage()) {
                return; // a check of the primary now would fail with the outage, and undo into it
            }
            try {
                activities.apply(command, nothing);
                checks++;
            } catch (ActivityFailure failure) {
                rethrowIfAborted(failure, "the drill's abort condition check");
                if (outagesEndTheHold && joinedByOutage()) {
                    return; // failed with the real outage that joined: stay failed over, as a failover would
                }
                String why = "abort condition failed after " + checks + " passing check" + (checks == 1 ? "" : "s")
                        + " while failed over: " + describe(failure) + "; the drill was stopped and everything undone";
                LOG.warn("drill " + request.executionId() + ": " + why);
                throw new StepFailed(why);
            }
            long left = until - Workflow.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            Duration turn = Duration.ofMillis(Math.min(left, every.toMillis()));
            if (outagesEndTheHold) {
                Workflow.await(turn, this::joinedByOutage);
            } else {
                Workflow.sleep(turn);
            }
            if (Workflow.currentTimeMillis() >= until) {
                return;
            }
        }
    }

    /** A drill that a real outage of its service joined (its outages are those of {@link #answer}). */
    private boolean joinedByOutage() {
        return request.mode() == Mode.DRILL && !incidentByScope.isEmpty();
    }

    private Answer awaitFailbackApproval() {
        return awaitFailbackApproval(null);
    }

    /** @param withdrawn when it turns true before anyone decided, the question is withdrawn (null: never) */
    private Answer awaitFailbackApproval(Supplier<Boolean> withdrawn) {
        return awaitDecision(
                DecisionBook.Gate.FAILBACK,
                null,
                Phase.AWAITING_FAILBACK_APPROVAL,
                "approval to fail back",
                null,
                withdrawn);
    }

    private void awaitOrContinueAsNew(Supplier<Boolean> condition) {
        while (!Workflow.await(HOLD_SLICE, condition::get)) {
            if (condition.get() && Workflow.getVersion(DECIDED_AS_IT_TIMED_OUT, Workflow.DEFAULT_VERSION, 1) >= 1) {
                // It came true in the workflow task in which the slice ended (a failback asked for as the day turned):
                // acted on here, not lost to the next run (the carried state does not hold the request). Asked only
                // then, so a run that continued as new so before the change replays as it ran.
                break;
            }
            runs++;
            ExecutionRequest next = request.continuing(new CarriedState(
                    new ArrayList<>(steps.values()),
                    undo,
                    phases,
                    startedAt,
                    decideMillis,
                    runs,
                    book.decisions(),
                    reapplied,
                    new ArrayList<>(incidentByScope.values()),
                    new ArrayList<>(recoveredIncidents),
                    appliedSteps.stream().sorted().toList(),
                    journal.sequence(),
                    failbackRefused));
            if (Workflow.getVersion(CONTINUE_KEEPS_ATTRIBUTES, Workflow.DEFAULT_VERSION, 1) >= 1) {
                Workflow.continueAsNew(
                        io.temporal.workflow.ContinueAsNewOptions.newBuilder()
                                .setTypedSearchAttributes(keptAttributes())
                                .setMemo(keptMemo())
                                .build(),
                        next);
            } else {
                Workflow.continueAsNew(next);
            }
        }
    }

    /** The execution's search attributes as they are now, without the SDK's record of this run's change ids. */
    private static io.temporal.common.SearchAttributes keptAttributes() {
        io.temporal.common.SearchAttributes now = Workflow.getTypedSearchAttributes();
        var kept = io.temporal.common.SearchAttributes.newBuilder(now);
        now.getUntypedValues().keySet().stream()
                .filter(key -> key.getName().equals("TemporalChangeVersion"))
                .forEach(kept::unset);
        return kept.build();
    }

    /** The execution's memo as it is now (its tier, and the guard's hold when one was recorded). */
    private static Map<String, Object> keptMemo() {
        Map<String, Object> memo = new LinkedHashMap<>();
        Integer priority = Workflow.getMemo(Memos.PRIORITY, Integer.class, Integer.class);
        if (priority != null) {
            memo.put(Memos.PRIORITY, priority);
        }
        String heldBy = Workflow.getMemo(Memos.HELD_BY, String.class, String.class);
        if (heldBy != null) {
            memo.put(Memos.HELD_BY, heldBy);
        }
        return memo;
    }

    // ---- Change PROVIDER_SLOTS: a cap on concurrent executions per provider -----------------------------------

    /**
     * Runs {@code body} holding a slot of every capped provider the runbook uses: asks for them (all or none), waits in
     * phase {@code queued} while they are taken (asking again as the answer says), and gives them back when
     * {@code body} ends, however it ends (an abort included). Executions without a capped provider, and those recorded
     * before the change, run {@code body} at once.
     */
    private void withProviderSlots(Runnable body) {
        if (request.cappedProviders().isEmpty()
                || Workflow.getVersion(PROVIDER_SLOTS, Workflow.DEFAULT_VERSION, 1) < 1) {
            body.run();
            return;
        }
        ProviderSlots slots = Workflow.newActivityStub(ProviderSlots.class, SLOT_OPTIONS);
        boolean waitInOne = Workflow.getVersion(PROVIDER_SLOT_WAIT, Workflow.DEFAULT_VERSION, 1) >= 1;
        if (!waitInOne) {
            acquireSlots(slots, false);
        }
        try {
            if (waitInOne) {
                // Inside the try: an execution aborted while queued leaves the queue.
                acquireSlots(slots, true);
            }
            body.run();
        } finally {
            Workflow.newDetachedCancellationScope(() -> {
                        try {
                            slots.release(request.executionId());
                        } catch (ActivityFailure failure) {
                            // The orchestrator frees the slots of executions that no longer run once their provider is
                            // full.
                            LOG.warn("execution " + request.executionId() + " could not give back its provider slots: "
                                    + describe(failure));
                        }
                    })
                    .run();
        }
    }

    /**
     * @param waitInOne change {@link #PROVIDER_SLOT_WAIT}: once queued, wait in one activity; before, ask again after
     *                  each answer's {@code askAgainMillis}
     */
    private void acquireSlots(ProviderSlots slots, boolean waitInOne) {
        Phase before = phase;
        boolean queued = false;
        ProviderSlots.Ask ask = new ProviderSlots.Ask(
                request.executionId(),
                request.cappedProviders(),
                request.runbook().tier());
        while (true) {
            ProviderSlots.Grant grant;
            try {
                grant = slots.acquire(ask);
            } catch (ActivityFailure failure) {
                // A failover must not wait on the orchestrator's database: it goes on without the cap.
                LOG.warn("execution " + request.executionId() + " could not ask for provider slots ("
                        + describe(failure) + "); going on without them");
                break;
            }
            if (grant.granted()) {
                break;
            }
            if (!queued) {
                enter(Phase.QUEUED);
                queued = true;
            }
            awaiting = "provider slots: " + grant.waitingFor();
            Workflow.setCurrentDetails("**" + Phase.QUEUED.value() + "**: " + awaiting);
            if (waitInOne) {
                awaitSlots(ask);
                break;
            }
            Workflow.sleep(Duration.ofMillis(Math.max(500, grant.askAgainMillis())));
        }
        if (queued) {
            awaiting = null;
            phase = before;
        }
    }

    /**
     * Change {@link #PROVIDER_SLOT_WAIT}: one activity until granted (its heartbeats carry the current reason, shown by
     * the Temporal UI as the pending activity's details). A store that stops answering lets the execution go on without
     * the cap, as the first ask does; an abort ends the wait and goes on as cancelled.
     */
    private void awaitSlots(ProviderSlots.Ask ask) {
        ProviderSlots waiting = Workflow.newActivityStub(
                ProviderSlots.class,
                ActivityOptions.newBuilder(SLOT_WAIT_OPTIONS)
                        .setSummary("queued for provider slots")
                        .build());
        try {
            waiting.await(ask);
        } catch (ActivityFailure failure) {
            if (failure.getCause() instanceof CanceledFailure cancelled) {
                throw cancelled;
            }
            LOG.warn("execution " + request.executionId() + " could not wait for provider slots (" + describe(failure)
                    + "); going on without them");
        }
    }

    // ---- Change RECONCILE_ON_JOIN: an outage that joins a running execution ------------------------------------

    /**
     * Runs beside the interpreter for the whole run. When an outage joins the execution (signal
     * {@code outageDetected}) while it is failed over, it records the incident on the execution and reconciles:
     * every failover step whose change it holds is planned again, and applied again when the plan says the world
     * drifted from what the step set (a record put back by hand, a change a provider lost). What it re-applied is
     * reported ({@code reapplied}, the step's summary, the journal).
     *
     * <p>Not re-applied: steps without undo (a promoted replica is never promoted twice), checks and control flow
     * (a check failing while failed over has nothing to stop; the detector watches the standby), steps that failed
     * or never ran. A re-plan or re-apply that fails is reported and changes nothing else: the execution stays
     * failed over. A step whose undo is registered keeps its first plan, so failback still restores the state from
     * before the failover; a step that changed nothing then and changed now registers the new plan's undo.
     *
     * <p>Waking here issues no command, so executions recorded before the change replay: the version is asked only
     * once there is a join to act on, and an execution recorded without the change drops its joins as before.
     */
    private void reconcileJoins() {
        while (true) {
            Workflow.await(() -> !joins.isEmpty() && (holding() || gateRecordsJoins || undoRecordsJoins));
            boolean atStartGate = !holding();
            List<String> incidents = new ArrayList<>(joins);
            joins.clear();
            if (Workflow.getVersion(RECONCILE_ON_JOIN, Workflow.DEFAULT_VERSION, 1) < 1) {
                continue;
            }
            if (atStartGate) {
                // Change JOINED_OUTAGE_DECIDED_ANEW: nothing is changed yet, so nothing to re-apply; found by its
                // incident from now on. Change COMPENSATION_TURNS_ROUND: what was changed is being undone; whether it
                // fails over again for the outage is decided once that is done.
                recordIncidents(incidents);
                continue;
            }
            if (knownAtFailback != null
                    && Workflow.getVersion(NO_REAPPLY_IN_FAILBACK, Workflow.DEFAULT_VERSION, 1) >= 1) {
                // The failback has begun (its provider slots are being asked for): found by its incident, and it turns
                // the execution round once the failback is done.
                recordIncidents(incidents);
                continue;
            }
            reconciling = true;
            try {
                recordIncidents(incidents);
                reapplyDrifted(incidents.get(incidents.size() - 1));
            } finally {
                reconciling = false;
            }
        }
    }

    /** Failed over and holding: what the execution changed is meant to be in place. */
    private boolean holding() {
        return phase == Phase.FAILED_OVER
                || phase == Phase.AWAITING_STABILITY
                || phase == Phase.AWAITING_FAILBACK_APPROVAL;
    }

    private void awaitReconciled() {
        Workflow.await(() -> !reconciling);
    }

    // ---- Change TURN_ROUND: an outage detected again while the execution fails back --------------------------------

    /**
     * From the start of a failback (its wait for provider slots included) until it ends or an outage turns it round
     * ({@link #beginTurn}, also before a person is asked to approve the turn): an abort then is refused, since the
     * failback, which no abort interrupts, already puts back what the failover changed.
     */
    private boolean failingBack;

    /** Notes what the execution knows of outages as its failback begins: an incident not among them turns it round. */
    private void beginFailback() {
        Set<String> known = knownOutages();
        // New, and joined as the failback began, before the reconciliation looked at it: detected during the failback.
        joins.stream().filter(newlyJoined::contains).forEach(known::remove);
        knownAtFailback = known;
        holdsAtFailback = holdsSeen;
        failingBack = true;
    }

    /** The outage detected since the failback began that has not recovered (the latest of its scope); null when none. */
    private String freshOutage() {
        if (knownAtFailback == null) {
            return null;
        }
        List<String> detected = detectedSince(knownAtFailback);
        return detected.isEmpty() ? null : detected.get(0);
    }

    /** The outages the execution knows of now: those it answers and those recovered. */
    private Set<String> knownOutages() {
        Set<String> known = new HashSet<>(incidentByScope.values());
        known.addAll(recoveredIncidents);
        return known;
    }

    /** The outages it answers that are not among {@code known} and have not recovered (the latest of each scope). */
    private List<String> detectedSince(Set<String> known) {
        return incidentByScope.values().stream()
                .filter(incident -> !known.contains(incident) && !recoveredIncidents.contains(incident))
                .toList();
    }

    /**
     * Whether the execution turns round for an outage detected during its failback. The change's version is asked
     * the first time there is one, so executions recorded before it replay unchanged.
     */
    private boolean turnsRound() {
        if (freshOutage() == null) {
            return false;
        }
        if (undoneFailure != null) {
            // After a failed failover's undo (asked, and recorded, when the undo began).
            return undoRecordsJoins;
        }
        if (turnRoundVersion < Workflow.DEFAULT_VERSION) {
            turnRoundVersion = Workflow.getVersion(TURN_ROUND, Workflow.DEFAULT_VERSION, 1);
        }
        return turnRoundVersion >= 1;
    }

    /**
     * A person decides whether it fails over again: its trigger asks for approval, or the blast-radius guard holds
     * the outage detected (the dispatcher says so before it tells the execution of the outage), or held this failover
     * since the failback began.
     */
    private boolean turnNeedsPerson(Runbook runbook) {
        return heldIncidents.containsKey(freshOutage())
                || holdsSeen > holdsAtFailback
                || (runbook.trigger() != null
                        && "required".equals(runbook.trigger().approval()));
    }

    /** An outage detected during the failback turns it round now, without a person, and no abort came. */
    private boolean turnsAtOnce(Runbook runbook) {
        return turnsRound() && !turnNeedsPerson(runbook) && !executionScope.isCancelRequested();
    }

    /**
     * Change {@link #TURN_ROUND}, after a failback that ended (turns at once are made before its provider slots are
     * given back): when an outage detected since it began has not recovered and no abort came, the execution fails
     * over again, after a person's approval where {@link #turnNeedsPerson} says so (withdrawn if the outage recovers
     * first), and returns true; its caller holds and fails back once more.
     */
    private boolean turnRoundAfterDecision(Runbook runbook) {
        if (!turnsRound() || executionScope.isCancelRequested()) {
            knownAtFailback = null;
            return false;
        }
        beginTurn();
        boolean approved = false;
        while (turnNeedsPerson(runbook)) {
            Set<String> asked = new LinkedHashSet<>(detectedSince(knownAtFailback));
            if (awaitTurnApproval()) {
                approved = true;
                break;
            }
            List<String> joined = detectedSince(knownAtFailback).stream()
                    .filter(incident -> !asked.contains(incident))
                    .toList();
            if (joined.isEmpty()
                    || executionScope.isCancelRequested()
                    || Workflow.getVersion(TURN_DECIDED_ANEW, Workflow.DEFAULT_VERSION, 1) < 1) {
                knownAtFailback = null;
                return false;
            }
            LOG.warn("execution " + request.executionId() + ": outage " + String.join(", ", joined)
                    + " joined while people decided on the turn for outage " + String.join(", ", asked)
                    + "; it is decided on its own");
            knownAtFailback.addAll(asked); // decided: the next question is about what joined
            beginTurn(); // records the joined outages (BaranIncidents)
        }
        // A person approved it: a hold of the guard during the repeat failover does not ask again (as for a start).
        personDecidedStart |= approved;
        withProviderSlots(() -> failOverAgain(runbook));
        return true;
    }

    /**
     * The turn is decided (or asked of people): the outages detected are added to {@code BaranIncidents} (before any
     * question, so POST /approve-incident finds a held one by its incident), and a drill is a live failover from now
     * on (its starter cannot approve the turn alone). Makes no change twice.
     */
    private void beginTurn() {
        failingBack = false;
        List<String> detected = new ArrayList<>(joins);
        joins.clear();
        recordIncidents(detected);
        book.goLive();
    }

    /** Runs the failover steps again (steps still in place change nothing) and is failed over again. */
    private void failOverAgain(Runbook runbook) {
        if (undoneFailure != null && executionScope.isCancelRequested()) {
            // Aborted as it was about to fail over again after a failed failover's undo (the abort ended the wait for
            // its provider slots): nothing is changed again; the failure and the outage stay named.
            throw new CanceledFailure("aborted before it failed over again");
        }
        String incident = freshOutage();
        String detected = "outage " + incident + " detected " + turnedFrom();
        LOG.warn("execution " + request.executionId() + ": " + detected + "; it fails over again");
        beginTurn();
        knownAtFailback = null;
        if (undoneFailure != null) {
            // The failure that was undone stays in the journal and the phases; this failover has not failed (yet).
            detected += " (" + undoneFailure + ")";
            error = null;
            undoneFailure = null;
            undoRecordsJoins = false;
        }
        // The failback that was asked for, or offered, is over: the next one is asked for or offered anew.
        book.forgetFailbackRequest();
        // The guard's holds before the turn were weighed there; one that comes now holds this failover as a late hold.
        lateHold = null;
        lateHoldDecided = false;
        enter(Phase.FAILING_OVER);
        Workflow.setCurrentDetails("**" + Phase.FAILING_OVER.value() + "** again: " + detected);
        runSteps(runbook.failover(), Pass.FAILOVER);
        enter(Phase.FAILED_OVER);
    }

    /** A person's decision to fail over again; false when rejected, timed out, or the outage recovered meanwhile. */
    private boolean awaitTurnApproval() {
        String incident = freshOutage();
        LateHold hold = heldIncidents.containsKey(incident)
                ? heldIncidents.get(incident)
                : holdsSeen > holdsAtFailback ? newestHold : null;
        String what = "approval to fail over again: outage " + incident + " was detected " + turnedFrom()
                + (hold != null ? " — " + hold.why() : "");
        long seconds = hold != null ? hold.approvalTimeoutSeconds() : request.approvalTimeoutSeconds();
        Answer answer = awaitDecision(
                hold != null ? DecisionBook.Gate.HELD : DecisionBook.Gate.START,
                null,
                hold != null ? Phase.HELD : Phase.AWAITING_APPROVAL,
                what,
                seconds > 0 ? Duration.ofSeconds(seconds) : null,
                () -> freshOutage() == null);
        if (answer == Answer.APPROVED && freshOutage() != null) {
            return true;
        }
        String notAgain = "it does not fail over again for outage " + incident + " ("
                + switch (answer) {
                    case APPROVED, WITHDRAWN -> "the outage recovered";
                    case REJECTED -> "rejected";
                    case TIMED_OUT -> "nobody decided within " + Duration.ofSeconds(seconds);
                }
                + ")";
        if (undoneFailure != null) {
            error = undoneFailure + "; " + notAgain;
        }
        LOG.warn("execution " + request.executionId() + ": " + notAgain + "; it stays "
                + (undoneFailure != null ? "undone" : "failed back"));
        return false;
    }

    /** When the outage that turns the execution round was detected: during its failback, or its failed failover's undo. */
    private String turnedFrom() {
        return undoneFailure != null ? "while its failed failover was undone" : "while it failed back";
    }

    /**
     * Adds the joined incidents to {@code BaranIncidents}, when the execution was started with that attribute, or
     * started without it (a drill, a failover by hand) by an orchestrator that found it registered in the namespace
     * ({@link ExecutionRequest#incidentsSearchable}): an unknown attribute would fail the workflow task.
     */
    private void recordIncidents(List<String> incidents) {
        List<String> known = Workflow.getTypedSearchAttributes().get(SearchAttributes.INCIDENTS);
        if (known == null) {
            if (!request.incidentsSearchable()) {
                return;
            }
            known = List.of();
        }
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(known);
        all.addAll(incidents);
        if (all.size() > known.size()) {
            Workflow.upsertTypedSearchAttributes(SearchAttributes.INCIDENTS.valueSet(new ArrayList<>(all)));
        }
    }

    private void reapplyDrifted(String incidentId) {
        for (Step step : request.runbook().actionSteps()) {
            StepStatus status = steps.get(step.name());
            if (status == null
                    || !List.of(StepState.APPLIED, StepState.UNCHANGED).contains(status.state())
                    || isControlFlow(step)
                    || isCheck(step)
                    || !isUndoable(step)) {
                continue;
            }
            if (abortVersion >= 1 && CancellationScope.current().isCancelRequested()) {
                break; // aborted: compensation undoes what is in place
            }
            currentStep = step.name();
            StepCommand command = command(step);
            try {
                StepPlan plan =
                        stub(StepActivityOptions.forPlan(), step, "re-plan").plan(command);
                if (!plan.changes()) {
                    continue;
                }
                if (undo.stream().noneMatch(u -> u.command().step().equals(step.name()))) {
                    undo.add(new UndoEntry(command, plan));
                    steps.put(step.name(), steps.get(step.name()).replacing(plan.observed()));
                }
                ActionActivities reapply = stub(StepActivityOptions.forApply(step), step, "re-apply");
                StepOutcome outcome;
                if (abortVersion >= 1) {
                    // Like a failover step's change: not cancelled once sent, so compensation (which waits for this
                    // re-apply) undoes what it left rather than racing it.
                    StepOutcome[] done = new StepOutcome[1];
                    Workflow.newDetachedCancellationScope(() -> done[0] = reapply.apply(command, plan))
                            .run();
                    outcome = done[0];
                } else {
                    outcome = reapply.apply(command, plan);
                }
                String summary = outcome.changed() ? outcome.summary() : "nothing to do";
                reapplied.add(new Reapplied(step.name(), incidentId, Workflow.currentTimeMillis(), summary, null));
                update(step, StepState.APPLIED, "re-applied for outage " + incidentId + ": " + summary, null);
            } catch (ActivityFailure failure) {
                String why = describe(failure);
                reapplied.add(new Reapplied(step.name(), incidentId, Workflow.currentTimeMillis(), null, why));
                update(
                        step,
                        steps.get(step.name()).state(),
                        null,
                        "re-apply for outage " + incidentId + " failed: " + why);
                LOG.warn("execution " + request.executionId() + ": re-apply of step " + step.name() + " for outage "
                        + incidentId + " failed: " + why);
            }
        }
        currentStep = null;
    }

    private enum Answer {
        APPROVED,
        REJECTED,
        TIMED_OUT,
        /** Nobody decided before the question stopped holding (change {@link #FAILBACK_APPROVAL_WITHDRAWN}). */
        WITHDRAWN
    }

    /**
     * Waits for people to decide. On executions started since {@link #DECISIONS_AS_UPDATES} only the Update
     * {@code decide} settles it; before, the approve and reject signals did, and a failback request counted as
     * an approval when there was no timeout (kept so those executions replay).
     */
    private Answer awaitDecision(
            DecisionBook.Gate gate, String step, Phase waitingPhase, String what, Duration timeout) {
        return awaitDecision(gate, step, waitingPhase, what, timeout, null);
    }

    private Answer awaitDecision(
            DecisionBook.Gate gate,
            String step,
            Phase waitingPhase,
            String what,
            Duration timeout,
            Supplier<Boolean> withdrawn) {
        if (book.nothingPending()) {
            beforeDecisions = phase;
        }
        enter(waitingPhase);
        DecisionBook.Pending open = book.open(gate, what, step);
        awaiting = book.waitingFor();
        Workflow.setCurrentDetails("**" + waitingPhase.value() + "**: " + awaiting);
        long since = Workflow.currentTimeMillis();
        Answer answer;
        try {
            answer = waitForDecision(open, timeout, withdrawn);
        } catch (CanceledFailure aborted) {
            // Nothing is left to decide while the abort undoes what the execution changed.
            if (Workflow.getVersion(ABORT_CLOSES_DECISIONS, Workflow.DEFAULT_VERSION, 1) >= 1) {
                closeDecision(open, since);
            }
            throw aborted;
        }
        closeDecision(open, since);
        return answer;
    }

    /** The wait of {@link #awaitDecision}, until the decision {@code open} is taken, times out or is withdrawn. */
    private Answer waitForDecision(DecisionBook.Pending open, Duration timeout, Supplier<Boolean> withdrawn) {
        Answer answer;
        if (book.asUpdates()) {
            open.withdrawn = withdrawn;
            boolean decided = true;
            Supplier<Boolean> over =
                    withdrawn == null ? () -> open.verdict != null : () -> open.verdict != null || withdrawn.get();
            if (timeout == null) {
                Workflow.await(over::get);
            } else {
                decided = Workflow.await(timeout, over::get);
                if (!decided
                        && over.get()
                        && Workflow.getVersion(DECIDED_AS_IT_TIMED_OUT, Workflow.DEFAULT_VERSION, 1) >= 1) {
                    decided = true; // decided in the workflow task in which the timeout fired: the decision stands
                }
            }
            answer = !decided
                    ? Answer.TIMED_OUT
                    : open.verdict == null
                            ? Answer.WITHDRAWN
                            : open.verdict == Verdict.APPROVE ? Answer.APPROVED : Answer.REJECTED;
        } else {
            int seenApprovals = book.approvals;
            int seenRejections = book.rejections;
            boolean decided;
            if (timeout == null) {
                Workflow.await(() ->
                        book.approvals > seenApprovals || book.rejections > seenRejections || book.failbackRequested);
                decided = true;
            } else {
                decided = Workflow.await(
                        timeout, () -> book.approvals > seenApprovals || book.rejections > seenRejections);
            }
            answer = !decided
                    ? Answer.TIMED_OUT
                    : book.approvals > seenApprovals || book.failbackRequested ? Answer.APPROVED : Answer.REJECTED;
        }
        return answer;
    }

    /** The decision {@code open}, waited for since {@code since}, is no longer asked. */
    private void closeDecision(DecisionBook.Pending open, long since) {
        book.close(open);
        decideMillis += Workflow.currentTimeMillis() - since;
        // Steps of a parallel group may each wait: the phase before the first comes back with the last decision.
        awaiting = book.waitingFor();
        if (book.nothingPending()) {
            phase = beforeDecisions;
        }
    }

    /**
     * Compensation or a reverse failback: every registered change, newest first.
     *
     * @param stopForOutage a reverse failback: stops before its next undo when an outage detected since it began turns
     *                      the execution round at once (change {@link #TURN_ROUND}); what it has not undone, and what
     *                      it could not undo, stays registered
     * @return false when it stopped for an outage
     */
    private boolean undoRegistered(boolean stopForOutage) {
        List<UndoEntry> failed = new ArrayList<>();
        for (int i = undo.size() - 1; i >= 0; i--) {
            if (stopForOutage && turnsAtOnce(request.runbook())) {
                LOG.warn("execution " + request.executionId() + ": outage " + freshOutage()
                        + " detected while it failed back; it stops undoing and fails over again");
                // Still registered: what it has not undone, and what it could not (in the order registered).
                List<UndoEntry> left = new ArrayList<>(undo.subList(0, i + 1));
                java.util.Collections.reverse(failed);
                left.addAll(failed);
                undo.clear();
                undo.addAll(left);
                currentStep = null;
                return false;
            }
            UndoEntry entry = undo.get(i);
            Step step = request.runbook().step(entry.command().step());
            if (!isUndoable(step) && appliedSteps.contains(step.name())) {
                // A promoted replica, say, cannot be demoted; an apply that failed half-way (a fence set, no
                // promotion) still is undone below.
                update(step, steps.get(step.name()).state(), "kept: " + step.action() + " has no undo", null);
                continue;
            }
            if (!undoOne(entry)) {
                failed.add(entry);
            }
        }
        undo.clear();
        if ((undoneFailure != null && undoRecordsJoins) || (!failed.isEmpty() && keepsFailedUndos())) {
            // Change COMPENSATION_TURNS_ROUND (a compensation), FAILBACK_KEEPS_FAILED_UNDOS (a failback): what could
            // not be undone stays registered (in the order registered), so that when the execution fails over again
            // (the step, still in place, changes nothing and registers nothing) its failback, or the next
            // compensation, still undoes it.
            java.util.Collections.reverse(failed);
            undo.addAll(failed);
        }
        currentStep = null;
        return true;
    }

    /** An {@code undo:} item of an explicit failback list; a step that changed nothing has nothing to undo. */
    private void undoNamed(String stepName) {
        for (int i = undo.size() - 1; i >= 0; i--) {
            if (undo.get(i).command().step().equals(stepName)) {
                UndoEntry entry = undo.remove(i);
                if (!undoOne(entry) && keepsFailedUndos()) {
                    undo.add(i, entry); // change FAILBACK_KEEPS_FAILED_UNDOS: the next failback undoes it
                }
                return;
            }
        }
    }

    /** Change {@link #FAILBACK_KEEPS_FAILED_UNDOS}; asked only when an undo has failed. */
    private static boolean keepsFailedUndos() {
        return Workflow.getVersion(FAILBACK_KEEPS_FAILED_UNDOS, Workflow.DEFAULT_VERSION, 1) >= 1;
    }

    /**
     * Where a step's undo is registered: last, unless a change whose undo failed is still registered (change
     * {@link #FAILBACK_KEEPS_FAILED_UNDOS}) for a step declared after it: then before the first such later step, so
     * that a reverse failback undoes in the runbook's order.
     */
    private int undoPosition(Step step) {
        boolean keptFailed = undo.stream().anyMatch(u -> {
            StepStatus status = steps.get(u.command().step());
            return status != null && status.state() == StepState.UNDO_FAILED;
        });
        if (!keptFailed) {
            return undo.size();
        }
        List<String> declared =
                request.runbook().actionSteps().stream().map(Step::name).toList();
        int mine = declared.indexOf(step.name());
        for (int i = 0; i < undo.size(); i++) {
            if (declared.indexOf(undo.get(i).command().step()) > mine) {
                return keepsFailedUndos() ? i : undo.size();
            }
        }
        return undo.size();
    }

    /** Undoes one registered change; false when the undo failed (the step is marked {@code undo-failed}). */
    private boolean undoOne(UndoEntry entry) {
        Step step = request.runbook().step(entry.command().step());
        currentStep = step.name();
        update(step, StepState.UNDOING, null, null);
        try {
            StepOutcome outcome =
                    stub(StepActivityOptions.forUndo(), step, "undo").undo(entry.command(), entry.plan());
            update(step, outcome.changed() ? StepState.UNDONE : StepState.UNCHANGED, outcome.summary(), null);
            return true;
        } catch (ActivityFailure failure) {
            update(step, StepState.UNDO_FAILED, null, describe(failure));
            LOG.error("undo of step " + step.name() + " failed: " + describe(failure));
            return false;
        }
    }

    /** The states of steps whose change could not be put back, each once, in declaration order; empty when none. */
    private List<StepState> notRestored() {
        return steps.values().stream()
                .map(StepStatus::state)
                .filter(StepState::notRestored)
                .distinct()
                .sorted()
                .toList();
    }

    private static ActionActivities stub(ActivityOptions options, Step step, String verb) {
        // The summary names the step, so the Temporal UI's timeline reads like the runbook.
        return Workflow.newActivityStub(
                ActionActivities.class,
                ActivityOptions.newBuilder(options)
                        .setSummary(step.name() + ": " + verb)
                        .build());
    }

    private StepCommand command(Step step) {
        return new StepCommand(request.executionId(), step.name(), step.action(), step.with());
    }

    /**
     * The plan's summary, flagged when the API the step calls is served from the failing scope (Route 53's
     * and CloudFront's control planes live in aws/us-east-1): such a step may fail with the outage itself.
     */
    private String withControlPlaneWarning(StepPlan plan) {
        Object region = plan.observed().get(ControlPlanes.REGION_KEY);
        String scope = request.scope();
        if (!(region instanceof String controlPlane) || !ControlPlanes.dependsOn(controlPlane, scope)) {
            return plan.summary();
        }
        return plan.summary() + " — WARNING: its control plane is in the failing scope " + scope
                + "; this step may fail with the outage";
    }

    /** A changing action that can be undone; promoting a replica, say, cannot be. */
    private static boolean isUndoable(Step step) {
        return CATALOG.find(step.action()).map(ActionSpec::undoable).orElse(true);
    }

    /** An action that only looks (a health check), as opposed to one that changes something. */
    private static boolean isCheck(Step step) {
        return CATALOG.find(step.action()).map(spec -> !spec.changes()).orElse(false);
    }

    /** A step that waits for a person's approval ({@code approval}). */
    private static boolean isApproval(Step step) {
        return isControlFlow(step) && !Wait.NAME.equals(step.action());
    }

    /** Steps the interpreter runs itself, without an activity ({@code wait}, {@code approval}). */
    private static boolean isControlFlow(Step step) {
        return CATALOG.find(step.action()).map(ActionSpec::controlFlow).orElse(false);
    }

    private void enter(Phase newPhase) {
        phase = newPhase;
        phases.add(new PhaseChange(newPhase, Workflow.currentTimeMillis()));
        Workflow.upsertTypedSearchAttributes(SearchAttributes.PHASE.valueSet(newPhase.value()));
        Workflow.setCurrentDetails(
                "**" + newPhase.value() + "**" + (currentStep == null ? "" : " — step " + currentStep));
        journal.record(request, newPhase, null, null, error);
    }

    private void update(Step step, StepState state, String summary, String stepError) {
        StepStatus current = steps.get(step.name());
        steps.put(step.name(), current.with(state, summary, stepError));
        journal.record(request, phase, step.name(), state, stepError != null ? stepError : summary);
    }

    private static String describe(TemporalFailure failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof ApplicationFailure)) {
            cause = cause.getCause();
        }
        if (cause instanceof ApplicationFailure app) {
            return app.getType() + ": " + app.getOriginalMessage();
        }
        return cause.getMessage();
    }

    @Override
    public void outageRecovered(String incidentId) {
        recovered = true;
        if (incidentId != null) {
            recoveredIncidents.add(incidentId);
        }
    }

    /**
     * Whether the outages this execution answers are over: with change {@link #RECOVERY_BY_SCOPE}, the latest incident
     * of every scope it answers has recovered (a recovery of an older incident of a scope, or of an incident it never
     * answered, changes nothing). A failover a person started answers no outage until one joins it: no recovery is
     * its own (one reaching it is another outage's, or a replayed event), so it fails back when a person asks. An
     * execution recorded before the change counts any recovery since the last outage, as before.
     */
    private boolean recoveredEverywhere() {
        if (recoveryVersion < 1) {
            return recovered;
        }
        return !incidentByScope.isEmpty() && recoveredIncidents.containsAll(incidentByScope.values());
    }

    /** Notes an incident this execution answers; a later incident of the same scope replaces an earlier one. */
    private void answer(String incidentId) {
        answered.add(incidentId);
        String scope = scopeOf(incidentId);
        String known = incidentByScope.get(scope);
        if (known == null || startOf(incidentId) >= startOf(known)) {
            incidentByScope.put(scope, incidentId);
        }
    }

    /** The scope of an incident id {@code <scope>@<millis>}; the whole id when it has no such form. */
    private static String scopeOf(String incidentId) {
        int at = incidentId.lastIndexOf('@');
        return at > 0 && startOf(incidentId) >= 0 ? incidentId.substring(0, at) : incidentId;
    }

    /** The millis of an incident id {@code <scope>@<millis>}; -1 when it has no such form. */
    private static long startOf(String incidentId) {
        int at = incidentId.lastIndexOf('@');
        if (at <= 0 || at == incidentId.length() - 1) {
            return -1;
        }
        String millis = incidentId.substring(at + 1);
        for (int i = 0; i < millis.length(); i++) {
            if (!Character.isDigit(millis.charAt(i))) {
                return -1;
            }
        }
        return millis.length() > 18 ? -1 : Long.parseLong(millis);
    }

    @Override
    public void guardTripped(LateHold hold) {
        // Only state here: awaitLateHold decides, between steps, under its change id; a turn round, after a failback.
        if (hold == null || hold.why() == null) {
            return;
        }
        if (hold.incidentId() != null) {
            // The guard holds an outage that joins: it holds a turn round for it, never this failover's own steps.
            heldIncidents.put(hold.incidentId(), hold);
            return;
        }
        holdsSeen++;
        newestHold = hold;
        if (lateHold == null) {
            lateHold = hold;
        }
    }

    @Override
    public void outageDetected(String incidentId) {
        if (incidentId != null
                && joinRefusal() != null
                && !answered.contains(incidentId)
                && !recoveredIncidents.contains(incidentId)) {
            droppedOutages.add(incidentId);
        }
        recovered = false;
        // Only state here: whether anything follows is decided by reconcileJoins, under its change id.
        if (incidentId != null) {
            if (!incidentByScope.containsValue(incidentId) && !recoveredIncidents.contains(incidentId)) {
                newlyJoined.add(incidentId);
            }
            joins.add(incidentId);
            answer(incidentId);
        }
    }

    @Override
    public void validateJoinOutage(String incidentId) {
        if (incidentId == null || incidentId.isBlank()) {
            throw new IllegalArgumentException("an outage joins with its incident's id");
        }
        String refusal = joinRefusal();
        if (refusal != null) {
            throw new JoinRefused("execution " + Workflow.getInfo().getWorkflowId() + " " + refusal);
        }
    }

    /** Why the execution acts on no further outage now; null when it takes one. */
    private String joinRefusal() {
        if (request != null && request.mode() == Mode.PLAN) {
            return "is a plan: it acts on no outage";
        }
        if (abort != null || (executionScope != null && executionScope.isCancelRequested())) {
            return "is being aborted: it acts on no further outage";
        }
        if (decidedLast) {
            return "has made its last decision and is ending: it acts on no further outage";
        }
        return null;
    }

    @Override
    public void joinOutage(String incidentId) {
        outageDetected(incidentId);
    }

    @Override
    public void approve(String by) {
        book.approveSignal(by);
    }

    @Override
    public void reject(String by) {
        book.rejectSignal(by);
    }

    @Override
    public void failback(String by) {
        book.failbackSignal(by);
    }

    @Override
    public void validateDecide(DecisionRequest decision) {
        if (seals != null) {
            seals.verify(Workflow.getInfo().getWorkflowId(), decision, Workflow.currentTimeMillis());
        }
        book.validateDecide(decision, phase);
    }

    @Override
    public DecisionResult decide(DecisionRequest decision) {
        return book.decide(decision, phase);
    }

    @Override
    public void validateRequestFailback(FailbackRequest failback) {
        if (seals != null) {
            seals.verify(Workflow.getInfo().getWorkflowId(), failback, Workflow.currentTimeMillis());
        }
        book.validateRequestFailback(failback, phase);
    }

    @Override
    public FailbackResult requestFailback(FailbackRequest failback) {
        return book.requestFailback(failback, phase);
    }

    @Override
    public void validateAbort(AbortRequest request) {
        if (seals != null) {
            seals.verify(Workflow.getInfo().getWorkflowId(), request, Workflow.currentTimeMillis());
        }
        if (sameAbortAgain(request)) {
            return;
        }
        book.checkAbort(
                request,
                phase,
                executionScope != null && executionScope.isCancelRequested(),
                abort == null ? null : abort.by(),
                failingBack);
    }

    /**
     * Change {@link #ABORT_AS_UPDATE}: takes the abort and cancels the run's own scope, as a cancellation of the workflow
     * does; the run then undoes what it changed (see {@link #run}). Returns without waiting for the undo.
     */
    @Override
    public AbortResult abort(AbortRequest request) {
        if (sameAbortAgain(request)) {
            return abortResult;
        }
        Workflow.getVersion(ABORT_AS_UPDATE, Workflow.DEFAULT_VERSION, 1);
        abort = request;
        abortResult = new AbortResult(request.by().name(), phase);
        LOG.warn("execution " + this.request.executionId() + ": " + aborted() + " in phase " + phase
                + "; undoing what it changed");
        executionScope.cancel(aborted());
        return abortResult;
    }

    /** The abort taken already, sent again with its request id by the same person: its first answer. */
    private boolean sameAbortAgain(AbortRequest request) {
        return abort != null
                && request != null
                && request.requestId() != null
                && request.requestId().equals(abort.requestId())
                && request.by() != null
                && abort.by().name().equals(request.by().name());
    }

    @Override
    public ExecutionProgress progress() {
        if (request == null) {
            return new ExecutionProgress(
                    null, null, null, null, phase, null, List.of(), null, null, null, null, 0, null, List.of(), 0);
        }
        return new ExecutionProgress(
                request.executionId(),
                request.runbook().name(),
                request.runbook().protects(),
                request.mode(),
                phase,
                currentStep,
                new ArrayList<>(steps.values()),
                error,
                request.scope(),
                request.incidentId(),
                request.outageSince(),
                request.runbookVersion(),
                awaiting,
                phases,
                decideMillis,
                request.startedBy(),
                book.decisions(),
                book.approvalsStillNeeded(),
                book.failbackRequestedBy,
                reapplied,
                book.wentLive(),
                abort == null ? null : abort.by(),
                new ArrayList<>(droppedOutages));
    }
}
