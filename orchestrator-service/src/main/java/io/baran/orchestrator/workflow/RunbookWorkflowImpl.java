package io.baran.orchestrator.workflow;

import io.baran.events.ExecutionEvent;
import io.baran.runbook.Access;
import io.baran.runbook.ActionCatalog;
import io.baran.runbook.Durations;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.workflow.ActionActivities;
import io.baran.workflow.Actor;
import io.baran.workflow.CarriedState;
import io.baran.workflow.Decision;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.DecisionResult;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.FailbackResult;
import io.baran.workflow.Mode;
import io.baran.workflow.PhaseChange;
import io.baran.workflow.Reapplied;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.SearchAttributes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.StepStatus;
import io.baran.workflow.UndoEntry;
import io.baran.workflow.Verdict;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Interprets one runbook version. Every changing step is planned first (the plan, with the state it
 * will replace, lands in the history), registered for undo, then applied; failback and compensation
 * undo the registered steps in reverse order.
 *
 * <p>Deterministic: no clock, randomness, I/O or CDI here; the runbook arrives as input. Changes to what
 * this class does for a given history must be guarded with {@link Workflow#getVersion}; the recorded
 * histories under src/test/resources/histories replay in the tests to catch unguarded ones.
 *
 * <p>People decide through the Updates {@code decide} and {@code requestFailback}, whose validators see the
 * verified person and enforce the runbook's {@code spec.access} and the two-person rule, so no client that
 * talks to Temporal directly gets around them. Executions started before change {@value #DECISIONS_AS_UPDATES}
 * keep their signal-driven waits (the recorded histories replay them); executions started since ignore the
 * identity-less signals {@code approve}, {@code reject} and {@code failback}, and never take a failback request
 * for an approval.
 */
public class RunbookWorkflowImpl implements RunbookWorkflow {

    private static final Logger LOG = Workflow.getLogger(RunbookWorkflowImpl.class);
    private static final ActionCatalog CATALOG = ActionCatalog.standard();
    /** A failover holding longer than this continues as new, so no single run's history grows without end. */
    static final Duration HOLD_SLICE = Duration.ofDays(1);
    /** Journal entries still in flight when the execution ends get this long to land. */
    private static final Duration JOURNAL_GRACE = Duration.ofSeconds(30);
    /**
     * Change id: decisions arrive as Updates carrying the verified person (two-person rule, {@code spec.access},
     * break-glass); the identity-less signals are ignored; a failback request is never an approval.
     */
    static final String DECISIONS_AS_UPDATES = "decisions-as-updates";
    /**
     * Change id: an outage that joins a running execution is added to its {@code BaranIncidents} (so its recovery
     * finds the execution whatever happened to the runbook catalog since), and the execution re-plans its applied
     * steps and re-applies those whose change drifted. See {@link #reconcileJoins}.
     */
    static final String RECONCILE_ON_JOIN = "reconcile-on-join";
    /** The group that may do anything, and approve alone with a reason (break-glass). */
    static final String ADMIN = "admin";
    /** Before {@code run} has read the version: a signal or update can arrive with the first workflow task. */
    private static final int VERSION_UNKNOWN = Workflow.DEFAULT_VERSION - 1;

    private final ExecutionJournal journal = Workflow.newActivityStub(ExecutionJournal.class, ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(5)
                    .setMaximumInterval(Duration.ofSeconds(5)).build())
            .build());
    private final List<Promise<Void>> journalling = new ArrayList<>();
    private long journalled;

    private ExecutionRequest request;
    private String phase = "starting";
    private String currentStep;
    private String error;
    private String awaiting;
    private final Map<String, StepStatus> steps = new LinkedHashMap<>();
    private final List<PhaseChange> phases = new ArrayList<>();
    /** Changing steps whose apply was attempted, in the order they were registered. */
    private final List<UndoEntry> undo = new ArrayList<>();
    /** Steps whose apply completed. A step without undo is undone only when its apply did not complete. */
    private final java.util.Set<String> appliedSteps = new java.util.HashSet<>();
    private long startedAt;
    private long decideMillis;
    private int runs;
    private boolean recovered;
    private boolean failbackRequested;
    private int approvals;
    private int rejections;
    /** The version of change {@link #DECISIONS_AS_UPDATES} this execution runs; 1 and above: decisions are Updates. */
    private int decisionsVersion = VERSION_UNKNOWN;
    /** What the execution waits for people to decide, by step (several steps of a parallel group can wait at once). */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    /** Answers already given, by the caller's request id, so a retried Update records nothing twice. */
    private final Map<String, DecisionResult> decided = new HashMap<>();
    private final Map<String, FailbackResult> failbacksAsked = new HashMap<>();
    private String failbackRequestedBy;
    /** Outages that joined this execution and that it has not looked at yet (change {@link #RECONCILE_ON_JOIN}). */
    private final List<String> joins = new ArrayList<>();
    /** True while it re-plans and re-applies for a joined outage; failback waits for it to end. */
    private boolean reconciling;
    private final List<Reapplied> reapplied = new ArrayList<>();

    /** What a person can be asked to decide. */
    private enum Gate { START, STEP, HELD, FAILBACK }

    /** One decision the execution waits for, and the approvals it has so far. */
    private static final class Pending {
        final Gate gate;
        final String on;
        final String step;
        final int needed;
        final List<String> approvedBy = new ArrayList<>();
        Verdict verdict;

        Pending(Gate gate, String on, String step, int needed) {
            this.gate = gate;
            this.on = on;
            this.step = step;
            this.needed = needed;
        }

        String key() {
            return step != null ? "step:" + step : gate.name();
        }

        int stillNeeded() {
            return Math.max(0, needed - approvedBy.size());
        }
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
        Workflow.getVersion("interpreter", Workflow.DEFAULT_VERSION, 1);
        decisionsVersion = Workflow.getVersion(DECISIONS_AS_UPDATES, Workflow.DEFAULT_VERSION, 1);
        Runbook runbook = request.runbook();
        if (request.carried() != null) {
            resume(request.carried());
        } else {
            startedAt = Workflow.currentTimeMillis();
            for (Step step : runbook.actionSteps()) {
                steps.put(step.name(), StepStatus.pending(step.name(), step.action()));
            }
        }
        Async.procedure(this::reconcileJoins);
        try {
            if (request.carried() == null) {
                if (request.mode() == Mode.PLAN) {
                    planOnly(runbook);
                    return finish();
                }
                if (request.mode() == Mode.FAILOVER && runbook.trigger() != null && "required".equals(runbook.trigger().approval())
                        && !awaitFirstApproval()) {
                    return finish();
                }
                failover(runbook);
                enter("failed-over");
            }
            holdUntilFailback(runbook);
            awaitReconciled();
            enter("failing-back");
            if (runbook.failback().isReverse()) {
                undoRegistered();
            } else {
                runExplicitFailback(runbook.failback().explicitSteps());
            }
            if (hasUndoFailure()) {
                error = "failback could not restore every step; see the steps marked undo-failed";
                enter("failed");
            } else {
                enter("done");
            }
        } catch (StepFailed failed) {
            error = failed.getMessage();
            enter("compensating");
            undoRegistered();
            enter(hasUndoFailure() ? "failed" : "compensated");
        } catch (CanceledFailure cancelled) {
            // Aborted: what was changed is undone in a scope the cancellation does not reach.
            Workflow.newDetachedCancellationScope(() -> {
                error = "aborted";
                enter("compensating");
                undoRegistered();
                enter(hasUndoFailure() ? "failed" : "compensated");
                awaitJournal();
            }).run();
            throw cancelled;
        }
        return finish();
    }

    private ExecutionProgress finish() {
        currentStep = null;
        awaitJournal();
        return progress();
    }

    private void resume(CarriedState carried) {
        carried.steps().forEach(s -> steps.put(s.name(), s));
        undo.addAll(carried.undo());
        phases.addAll(carried.phases());
        startedAt = carried.startedAt();
        decideMillis = carried.decideMillis();
        runs = carried.runs();
        decisions.addAll(carried.decisions());
        reapplied.addAll(carried.reapplied());
        phase = phases.isEmpty() ? "failed-over" : phases.get(phases.size() - 1).phase();
    }

    private boolean awaitFirstApproval() {
        Duration timeout = request.approvalTimeoutSeconds() > 0 ? Duration.ofSeconds(request.approvalTimeoutSeconds()) : null;
        Answer answer = awaitDecision(Gate.START, null, "awaiting-approval", "approval to start the failover", timeout);
        if (answer == Answer.APPROVED) {
            return true;
        }
        error = answer == Answer.TIMED_OUT
                ? "nobody approved the failover within " + Duration.ofSeconds(request.approvalTimeoutSeconds()) + "; nothing was changed"
                : "the failover was rejected; nothing was changed";
        enter("rejected");
        return false;
    }

    private void failover(Runbook runbook) {
        enter("failing-over");
        for (Step step : runbook.failover()) {
            if (step.isParallel()) {
                runParallel(step.parallel());
            } else {
                runStep(step);
            }
        }
        currentStep = null;
    }

    private void planOnly(Runbook runbook) {
        enter("planning");
        for (Step step : runbook.actionSteps()) {
            currentStep = step.name();
            if (isControlFlow(step)) {
                update(step, "planned", "wait".equals(step.action()) ? "would wait " + step.with().get("for")
                        : "would wait for a person's approval", null);
                continue;
            }
            try {
                StepPlan plan = stub(StepActivityOptions.forPlan(), step, "plan").plan(command(step));
                update(step, plan.changes() ? "planned" : "unchanged", withControlPlaneWarning(plan), null);
                steps.put(step.name(), steps.get(step.name()).replacing(plan.changes() ? plan.observed() : Map.of()));
            } catch (ActivityFailure failure) {
                update(step, "failed", null, describe(failure));
            }
        }
        enter("planned");
    }

    private void runParallel(List<Step> children) {
        List<Promise<Void>> running = new ArrayList<>();
        for (Step child : children) {
            running.add(Async.procedure(() -> runStep(child)));
        }
        StepFailed first = null;
        for (Promise<Void> promise : running) {
            try {
                promise.get();
            } catch (StepFailed failed) {
                if (first == null) {
                    first = failed;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void runStep(Step step) {
        currentStep = step.name();
        steps.put(step.name(), steps.get(step.name()).started(Workflow.currentTimeMillis()));
        update(step, "running", null, null);
        try {
            if ("wait".equals(step.action())) {
                Workflow.sleep(Durations.parse((String) step.with().get("for")));
                update(step, "done", "waited " + step.with().get("for"), null);
                return;
            }
            if ("approval".equals(step.action())) {
                approvalStep(step);
                return;
            }
            StepCommand command = command(step);
            try {
                StepPlan plan = stub(StepActivityOptions.forPlan(), step, "plan").plan(command);
                update(step, "running", withControlPlaneWarning(plan), null);
                if (plan.changes()) {
                    // Registered before apply: an apply that fails half-way is still undone.
                    undo.add(new UndoEntry(command, plan));
                    steps.put(step.name(), steps.get(step.name()).replacing(plan.observed()));
                }
                StepOutcome outcome = stub(StepActivityOptions.forApply(step), step, "apply").apply(command, plan);
                appliedSteps.add(step.name());
                update(step, outcome.changed() ? "applied" : isCheck(step) ? "passed" : "unchanged", outcome.summary(), null);
            } catch (ActivityFailure failure) {
                onStepFailure(step, failure);
            }
        } finally {
            steps.put(step.name(), steps.get(step.name()).ended(Workflow.currentTimeMillis()));
        }
    }

    /** A step of kind approval: a person approves going on; a rejection or a timeout fails the step. */
    private void approvalStep(Step step) {
        Object timeoutText = step.with().get("timeout");
        Duration timeout = timeoutText instanceof String text ? Durations.parse(text) : null;
        Answer answer = awaitDecision(Gate.STEP, step.name(), "awaiting-approval", "approval of step " + step.name(), timeout);
        if (answer == Answer.APPROVED) {
            update(step, "approved", "approved", null);
            return;
        }
        String why = answer == Answer.TIMED_OUT ? "nobody approved within " + timeoutText : "rejected";
        onStepFailure(step, why);
    }

    private void onStepFailure(Step step, ActivityFailure failure) {
        onStepFailure(step, describe(failure));
    }

    private void onStepFailure(Step step, String reason) {
        String message = "step " + step.name() + " (" + step.action() + ") failed: " + reason;
        update(step, "failed", null, reason);
        LOG.warn(message);
        switch (step.onFailure()) {
            case "continue" -> {
                // The runbook accepts this step failing; what it may have changed is still undone at failback.
            }
            case "hold" -> {
                error = message;
                Answer answer = awaitDecision(Gate.HELD, step.name(), "held", "a decision on failed step " + step.name()
                        + ": approve to go on, reject to undo everything", null);
                if (answer != Answer.APPROVED) {
                    throw new StepFailed(message + "; rejected while held");
                }
                error = null;
                enter("failing-over");
            }
            default -> throw new StepFailed(message);
        }
    }

    private void holdUntilFailback(Runbook runbook) {
        if (request.mode() == Mode.DRILL) {
            Workflow.sleep(Duration.ofSeconds(Math.max(0, request.holdSeconds())));
            return;
        }
        Duration stableFor = Durations.parse(runbook.failback().stableFor());
        boolean onRecovery = runbook.failback().onRecovered();
        while (true) {
            if (!"failed-over".equals(phase)) {
                enter("failed-over");
            }
            awaitOrContinueAsNew(() -> failbackRequested || (onRecovery && recovered));
            if (!failbackRequested && !stableFor.isZero()) {
                enter("awaiting-stability");
                Workflow.await(stableFor, () -> !recovered || failbackRequested);
                if (!recovered && !failbackRequested) {
                    // The scope failed again while we watched it: wait for the next recovery.
                    continue;
                }
            }
            boolean approvalRequired = "required".equals(runbook.failback().approval());
            if (decisionsVersion < 1) {
                if (failbackRequested || !approvalRequired) {
                    return;
                }
                if (awaitFailbackApproval() == Answer.APPROVED) {
                    return;
                }
                // Failback refused: stay failed over until a person asks for it.
                enter("failed-over");
                awaitOrContinueAsNew(() -> failbackRequested);
                return;
            }
            if (!approvalRequired) {
                return;
            }
            // A failback request skipped the stability wait, but it is no approval: approvers still decide.
            while (awaitFailbackApproval() != Answer.APPROVED) {
                // Refused: stay failed over until a person asks again, then ask the approvers again.
                failbackRequested = false;
                failbackRequestedBy = null;
                enter("failed-over");
                awaitOrContinueAsNew(() -> failbackRequested);
            }
            return;
        }
    }

    private Answer awaitFailbackApproval() {
        return awaitDecision(Gate.FAILBACK, null, "awaiting-failback-approval", "approval to fail back", null);
    }

    private void awaitOrContinueAsNew(Supplier<Boolean> condition) {
        while (!Workflow.await(HOLD_SLICE, condition::get)) {
            runs++;
            Workflow.continueAsNew(request.continuing(new CarriedState(new ArrayList<>(steps.values()), undo, phases,
                    startedAt, decideMillis, runs, decisions, reapplied)));
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
            Workflow.await(() -> !joins.isEmpty() && holding());
            List<String> incidents = new ArrayList<>(joins);
            joins.clear();
            if (Workflow.getVersion(RECONCILE_ON_JOIN, Workflow.DEFAULT_VERSION, 1) < 1) {
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
        return "failed-over".equals(phase) || "awaiting-stability".equals(phase)
                || "awaiting-failback-approval".equals(phase);
    }

    private void awaitReconciled() {
        Workflow.await(() -> !reconciling);
    }

    /**
     * Adds the joined incidents to {@code BaranIncidents}, when the execution was started with that attribute (so
     * the namespace knows it: an unknown attribute would fail the workflow task).
     */
    private static void recordIncidents(List<String> incidents) {
        List<String> known = Workflow.getTypedSearchAttributes().get(SearchAttributes.INCIDENTS);
        if (known == null) {
            return;
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
            if (status == null || !List.of("applied", "unchanged").contains(status.state()) || isControlFlow(step)
                    || isCheck(step) || !isUndoable(step)) {
                continue;
            }
            currentStep = step.name();
            StepCommand command = command(step);
            try {
                StepPlan plan = stub(StepActivityOptions.forPlan(), step, "re-plan").plan(command);
                if (!plan.changes()) {
                    continue;
                }
                if (undo.stream().noneMatch(u -> u.command().step().equals(step.name()))) {
                    undo.add(new UndoEntry(command, plan));
                    steps.put(step.name(), steps.get(step.name()).replacing(plan.observed()));
                }
                StepOutcome outcome = stub(StepActivityOptions.forApply(step), step, "re-apply").apply(command, plan);
                String summary = outcome.changed() ? outcome.summary() : "nothing to do";
                reapplied.add(new Reapplied(step.name(), incidentId, Workflow.currentTimeMillis(), summary, null));
                update(step, "applied", "re-applied for outage " + incidentId + ": " + summary, null);
            } catch (ActivityFailure failure) {
                String why = describe(failure);
                reapplied.add(new Reapplied(step.name(), incidentId, Workflow.currentTimeMillis(), null, why));
                update(step, steps.get(step.name()).state(), null, "re-apply for outage " + incidentId + " failed: " + why);
                LOG.warn("execution " + request.executionId() + ": re-apply of step " + step.name() + " for outage "
                        + incidentId + " failed: " + why);
            }
        }
        currentStep = null;
    }

    private enum Answer { APPROVED, REJECTED, TIMED_OUT }

    /**
     * Waits for people to decide. On executions started since {@link #DECISIONS_AS_UPDATES} only the Update
     * {@code decide} settles it; before, the approve and reject signals did, and a failback request counted as
     * an approval when there was no timeout (kept so those executions replay).
     */
    private Answer awaitDecision(Gate gate, String step, String waitingPhase, String what, Duration timeout) {
        String before = phase;
        enter(waitingPhase);
        awaiting = what;
        Pending open = new Pending(gate, what, step, approvalsNeeded());
        pending.put(open.key(), open);
        Answer answer;
        long since = Workflow.currentTimeMillis();
        if (decisionsVersion >= 1) {
            boolean decided = true;
            if (timeout == null) {
                Workflow.await(() -> open.verdict != null);
            } else {
                decided = Workflow.await(timeout, () -> open.verdict != null);
            }
            answer = !decided ? Answer.TIMED_OUT : open.verdict == Verdict.APPROVE ? Answer.APPROVED : Answer.REJECTED;
        } else {
            int seenApprovals = approvals;
            int seenRejections = rejections;
            boolean decided;
            if (timeout == null) {
                Workflow.await(() -> approvals > seenApprovals || rejections > seenRejections || failbackRequested);
                decided = true;
            } else {
                decided = Workflow.await(timeout, () -> approvals > seenApprovals || rejections > seenRejections);
            }
            answer = !decided ? Answer.TIMED_OUT
                    : approvals > seenApprovals || failbackRequested ? Answer.APPROVED : Answer.REJECTED;
        }
        pending.remove(open.key());
        decideMillis += Workflow.currentTimeMillis() - since;
        awaiting = null;
        phase = before;
        return answer;
    }

    /** A live failover needs the runbook's number of distinct approvers; a drill one, who may be its starter. */
    private int approvalsNeeded() {
        return isLive() ? access().approvals() : 1;
    }

    private boolean isLive() {
        return request.mode() == Mode.FAILOVER;
    }

    private Access access() {
        return request.runbook().access();
    }

    private void undoRegistered() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            UndoEntry entry = undo.get(i);
            Step step = request.runbook().step(entry.command().step());
            if (!isUndoable(step) && appliedSteps.contains(step.name())) {
                // A promoted replica, say, cannot be demoted; an apply that failed half-way (a fence set, no
                // promotion) still is undone below.
                update(step, steps.get(step.name()).state(), "kept: " + step.action() + " has no undo", null);
                continue;
            }
            currentStep = step.name();
            update(step, "undoing", null, null);
            try {
                StepOutcome outcome = stub(StepActivityOptions.forUndo(), step, "undo").undo(entry.command(), entry.plan());
                update(step, outcome.changed() ? "undone" : "unchanged", outcome.summary(), null);
            } catch (ActivityFailure failure) {
                update(step, "undo-failed", null, describe(failure));
                LOG.error("undo of step " + step.name() + " failed: " + describe(failure));
            }
        }
        undo.clear();
        currentStep = null;
    }

    /**
     * An explicit failback list: undos of named failover steps and actions of their own, in order, parallel
     * groups together. Failover steps the list does not name stay as they are.
     */
    private void runExplicitFailback(List<Step> items) {
        for (Step item : items) {
            if (item.isParallel()) {
                List<Promise<Void>> running = new ArrayList<>();
                for (Step child : item.parallel()) {
                    running.add(Async.procedure(() -> runFailbackItem(child)));
                }
                running.forEach(Promise::get);
            } else {
                runFailbackItem(item);
            }
        }
        currentStep = null;
    }

    private void runFailbackItem(Step item) {
        if (item.isUndo()) {
            undoOne(item.undo());
            return;
        }
        currentStep = item.name();
        steps.putIfAbsent(item.name(), StepStatus.pending(item.name(), item.action()));
        steps.put(item.name(), steps.get(item.name()).started(Workflow.currentTimeMillis()));
        update(item, "running", null, null);
        try {
            if ("wait".equals(item.action())) {
                Workflow.sleep(Durations.parse((String) item.with().get("for")));
                update(item, "done", "waited " + item.with().get("for"), null);
                return;
            }
            StepCommand command = command(item);
            StepPlan plan = stub(StepActivityOptions.forPlan(), item, "plan").plan(command);
            StepOutcome outcome = stub(StepActivityOptions.forApply(item), item, "apply").apply(command, plan);
            update(item, outcome.changed() ? "applied" : isCheck(item) ? "passed" : "unchanged", outcome.summary(), null);
        } catch (ActivityFailure failure) {
            // Failback goes on: the other steps still bring the primary back; the execution ends failed.
            update(item, "undo-failed", null, describe(failure));
        } finally {
            steps.put(item.name(), steps.get(item.name()).ended(Workflow.currentTimeMillis()));
        }
    }

    /** Undoes the registered change of one failover step; a step that changed nothing has nothing to undo. */
    private void undoOne(String stepName) {
        for (int i = undo.size() - 1; i >= 0; i--) {
            if (undo.get(i).command().step().equals(stepName)) {
                UndoEntry entry = undo.remove(i);
                Step step = request.runbook().step(stepName);
                currentStep = stepName;
                update(step, "undoing", null, null);
                try {
                    StepOutcome outcome = stub(StepActivityOptions.forUndo(), step, "undo").undo(entry.command(), entry.plan());
                    update(step, outcome.changed() ? "undone" : "unchanged", outcome.summary(), null);
                } catch (ActivityFailure failure) {
                    update(step, "undo-failed", null, describe(failure));
                }
                return;
            }
        }
    }

    private boolean hasUndoFailure() {
        return steps.values().stream().anyMatch(s -> "undo-failed".equals(s.state()));
    }

    private static ActionActivities stub(ActivityOptions options, Step step, String verb) {
        // The summary names the step, so the Temporal UI's timeline reads like the runbook.
        return Workflow.newActivityStub(ActionActivities.class,
                ActivityOptions.newBuilder(options).setSummary(step.name() + ": " + verb).build());
    }

    private StepCommand command(Step step) {
        return new StepCommand(request.executionId(), step.name(), step.action(), step.with());
    }

    /**
     * The plan's summary, flagged when the API the step calls is served from the failing scope (Route 53's
     * and CloudFront's control planes live in aws/us-east-1): such a step may fail with the outage itself.
     */
    private String withControlPlaneWarning(StepPlan plan) {
        Object region = plan.observed().get("controlPlaneRegion");
        String scope = request.scope();
        if (scope == null || !(region instanceof String controlPlane)) {
            return plan.summary();
        }
        boolean inside = controlPlane.equals(scope) || controlPlane.startsWith(scope + "/") || scope.startsWith(controlPlane + "/");
        return inside ? plan.summary() + " — WARNING: its control plane is in the failing scope " + scope
                + "; this step may fail with the outage" : plan.summary();
    }

    /** A changing action that can be undone; promoting a replica, say, cannot be. */
    private static boolean isUndoable(Step step) {
        return CATALOG.find(step.action()).map(spec -> spec.undoable()).orElse(true);
    }

    /** An action that only looks (a health check), as opposed to one that changes something. */
    private static boolean isCheck(Step step) {
        return CATALOG.find(step.action()).map(spec -> !spec.changes()).orElse(false);
    }

    /** Steps the interpreter runs itself, without an activity. */
    private static boolean isControlFlow(Step step) {
        return "wait".equals(step.action()) || "approval".equals(step.action());
    }

    private void enter(String newPhase) {
        phase = newPhase;
        phases.add(new PhaseChange(newPhase, Workflow.currentTimeMillis()));
        Workflow.upsertTypedSearchAttributes(SearchAttributes.PHASE.valueSet(newPhase));
        Workflow.setCurrentDetails("**" + newPhase + "**" + (currentStep == null ? "" : " — step " + currentStep));
        journal(newPhase, null, null, error);
    }

    private void update(Step step, String state, String summary, String stepError) {
        StepStatus current = steps.get(step.name());
        steps.put(step.name(), current.with(state, summary, stepError));
        journal(phase, step.name(), state, stepError != null ? stepError : summary);
    }

    private void journal(String atPhase, String step, String state, String detail) {
        Runbook rb = request.runbook();
        ExecutionEvent event = new ExecutionEvent(request.executionId(), rb.name(), rb.protects(),
                request.mode().name().toLowerCase(), atPhase, step, state, detail, Workflow.currentTimeMillis(), ++journalled);
        // Not awaited: publishing must never hold up a failover (Kafka may live in the failing region).
        journalling.add(Async.procedure(journal::record, event).exceptionally(failure -> {
            LOG.warn("journal entry for " + request.executionId() + " lost: " + failure.getMessage());
            return null;
        }));
    }

    private void awaitJournal() {
        Workflow.await(JOURNAL_GRACE, () -> journalling.stream().allMatch(Promise::isCompleted));
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
    }

    @Override
    public void outageDetected(String incidentId) {
        recovered = false;
        // Only state here: whether anything follows is decided by reconcileJoins, under its change id.
        if (incidentId != null) {
            joins.add(incidentId);
        }
    }

    @Override
    public void approve(String by) {
        if (ignoredSignal("approve", by)) {
            return;
        }
        approvals++;
    }

    @Override
    public void reject(String by) {
        if (ignoredSignal("reject", by)) {
            return;
        }
        rejections++;
    }

    @Override
    public void failback(String by) {
        if (ignoredSignal("failback", by)) {
            return;
        }
        failbackRequested = true;
    }

    /** The identity-less signals change nothing on executions whose decisions are Updates. */
    private boolean ignoredSignal(String name, String by) {
        if (decisionsVersion < 1) {
            return false;
        }
        LOG.warn("execution " + request.executionId() + ": ignored signal " + name + " (by \"" + by + "\"): it carries no"
                + " verified identity; decisions are taken through the Updates decide and requestFailback");
        return true;
    }

    @Override
    public void validateDecide(DecisionRequest decision) {
        if (decision != null && decision.requestId() != null && decided.containsKey(decision.requestId())) {
            return;
        }
        rule(decision);
    }

    @Override
    public DecisionResult decide(DecisionRequest decision) {
        if (decision.requestId() != null && decided.containsKey(decision.requestId())) {
            return decided.get(decision.requestId());
        }
        Ruling ruling = rule(decision);
        Pending open = ruling.pending();
        String by = decision.by().name();
        String reason = blank(decision.reason()) ? null : decision.reason().strip();
        decisions.add(new Decision(open.on, open.step, decision.verdict(), by, Workflow.currentTimeMillis(),
                ruling.breakGlass(), reason));
        if (decision.verdict() == Verdict.REJECT) {
            open.verdict = Verdict.REJECT;
        } else {
            open.approvedBy.add(by);
            if (ruling.breakGlass() || open.stillNeeded() == 0) {
                open.verdict = Verdict.APPROVE;
            }
        }
        if (open.verdict != null && decisionsVersion < 1) {
            // An execution started before decisions were Updates waits on the counters its signals moved.
            if (open.verdict == Verdict.APPROVE) {
                approvals++;
            } else {
                rejections++;
            }
        }
        DecisionResult.Outcome outcome = open.verdict == null ? DecisionResult.Outcome.PENDING
                : open.verdict == Verdict.APPROVE ? DecisionResult.Outcome.APPROVED : DecisionResult.Outcome.REJECTED;
        DecisionResult result = new DecisionResult(outcome, open.on, open.step, by, open.approvedBy.size(), open.needed,
                open.approvedBy, ruling.breakGlass());
        if (decision.requestId() != null) {
            decided.put(decision.requestId(), result);
        }
        if (ruling.breakGlass()) {
            LOG.warn("execution " + request.executionId() + ": BREAK-GLASS approval of " + open.on + " by admin " + by
                    + ": " + reason);
        } else {
            LOG.info("execution " + request.executionId() + ": " + decision.verdict().name().toLowerCase() + " of " + open.on
                    + " by " + by + " (" + open.approvedBy.size() + " of " + open.needed + " approvals)");
        }
        return result;
    }

    /** Which pending decision a decision counts for, and whether it is a break-glass approval. */
    private record Ruling(Pending pending, boolean breakGlass) {
    }

    /** The rules of {@link #decide}; throws what the caller sees as a refused Update. Changes nothing. */
    private Ruling rule(DecisionRequest decision) {
        if (decision == null || decision.verdict() == null) {
            throw refused("a decision needs a verdict: APPROVE or REJECT");
        }
        if (request == null) {
            throw refused("the execution has not started yet; try again in a moment");
        }
        Actor by = requirePerson(decision.by(), "decide");
        Pending open = pendingFor(decision.step());
        boolean admin = by.hasGroup(ADMIN);
        if (!admin && !access().mayApprove(by.groups())) {
            throw refused(by.name() + " may not decide on executions of runbook " + request.runbook().name()
                    + ": only members of its access.approve groups " + access().approve() + " or " + ADMIN + " may");
        }
        if (decision.verdict() == Verdict.REJECT) {
            // Rejecting never moves traffic: anyone who may decide may reject, the starter too.
            return new Ruling(open, false);
        }
        String objection = objectionToApproval(open, by);
        boolean withReason = !blank(decision.reason());
        if (objection == null) {
            boolean settles = open.approvedBy.size() + 1 >= open.needed;
            return new Ruling(open, admin && withReason && !settles);
        }
        if (!admin) {
            throw refused(objection);
        }
        if (!withReason) {
            throw refused(objection + "; an " + ADMIN + " may approve alone (break-glass) only with a reason");
        }
        return new Ruling(open, true);
    }

    /** Why {@code by} may not add an approval to {@code open} under the normal rules; null when they may. */
    private String objectionToApproval(Pending open, Actor by) {
        String what = open.on;
        if (open.approvedBy.contains(by.name())) {
            return by.name() + " already approved " + what + "; it needs " + open.stillNeeded()
                    + " more approval(s) from other approvers";
        }
        if (!isLive()) {
            return null;
        }
        Actor starter = request.startedBy();
        if (starter != null && !starter.isSystem() && by.name().equals(starter.name())) {
            return "two-person rule: " + by.name() + " started this failover and cannot approve it (" + what
                    + "); another approver must (rejecting is allowed)";
        }
        if (open.gate == Gate.FAILBACK && by.name().equals(failbackRequestedBy)) {
            return "two-person rule: " + by.name() + " asked for this failback and cannot approve it; another approver"
                    + " must (rejecting is allowed)";
        }
        return null;
    }

    private Pending pendingFor(String step) {
        List<Pending> open = pending.values().stream().filter(p -> p.verdict == null).toList();
        if (open.isEmpty()) {
            throw refused("execution " + request.executionId() + " is not waiting for a decision (phase " + phase + ")");
        }
        if (step != null) {
            return open.stream().filter(p -> step.equals(p.step)).findFirst().orElseThrow(() -> refused(
                    "execution " + request.executionId() + " is not waiting for a decision on step " + step
                            + "; it waits for " + waitsFor(open)));
        }
        if (open.size() > 1) {
            throw refused("execution " + request.executionId() + " waits for several decisions (" + waitsFor(open)
                    + "); name the step the decision is for");
        }
        return open.get(0);
    }

    private static String waitsFor(List<Pending> open) {
        return String.join(", ", open.stream().map(p -> p.on).toList());
    }

    @Override
    public void validateRequestFailback(FailbackRequest failback) {
        if (failback != null && failback.requestId() != null && failbacksAsked.containsKey(failback.requestId())) {
            return;
        }
        checkFailback(failback);
    }

    @Override
    public FailbackResult requestFailback(FailbackRequest failback) {
        if (failback.requestId() != null && failbacksAsked.containsKey(failback.requestId())) {
            return failbacksAsked.get(failback.requestId());
        }
        checkFailback(failback);
        failbackRequested = true;
        failbackRequestedBy = failback.by().name();
        boolean approval = decisionsVersion >= 1 && "required".equals(request.runbook().failback().approval());
        FailbackResult result = new FailbackResult(approval ? FailbackResult.Next.AWAITING_APPROVAL
                : FailbackResult.Next.FAILING_BACK, failbackRequestedBy, approval ? approvalsNeeded() : 0);
        if (failback.requestId() != null) {
            failbacksAsked.put(failback.requestId(), result);
        }
        LOG.info("execution " + request.executionId() + ": failback asked for by " + failbackRequestedBy
                + (blank(failback.reason()) ? "" : " (" + failback.reason().strip() + ")")
                + (approval ? "; it waits for failback approval" : ""));
        return result;
    }

    /** The rules of {@link #requestFailback}; throws what the caller sees as a refused Update. Changes nothing. */
    private void checkFailback(FailbackRequest failback) {
        if (failback == null) {
            throw refused("a failback request needs the person asking");
        }
        if (request == null) {
            throw refused("the execution has not started yet; try again in a moment");
        }
        Actor by = requirePerson(failback.by(), "ask for failback");
        String id = request.executionId();
        if (!by.hasGroup(ADMIN) && !access().mayFailover(by.groups())) {
            throw refused(by.name() + " may not ask executions of runbook " + request.runbook().name() + " to fail back:"
                    + " only members of its access.failover groups " + access().failover() + " or " + ADMIN + " may");
        }
        if (!isLive()) {
            throw refused("execution " + id + " is a " + request.mode().name().toLowerCase() + "; it fails back by itself"
                    + " after its hold (abort it to undo everything now)");
        }
        List<Pending> open = pending.values().stream().filter(p -> p.verdict == null).toList();
        for (Pending p : open) {
            if (p.gate == Gate.FAILBACK) {
                throw refused("execution " + id + " already waits for approval to fail back: approvers approve or"
                        + " reject it");
            }
            throw refused("execution " + id + " waits for " + p.on + "; a failback request is not an approval:"
                    + " approve or reject it, or abort the execution to undo what it changed");
        }
        if (failbackRequested) {
            throw refused("failback of execution " + id + " was already asked for"
                    + (failbackRequestedBy == null ? "" : " by " + failbackRequestedBy));
        }
        if (!"failed-over".equals(phase) && !"awaiting-stability".equals(phase)) {
            throw refused("execution " + id + " is " + phase + "; failback can be asked for only once it is failed over"
                    + " (abort it to undo what it changed)");
        }
    }

    private static Actor requirePerson(Actor by, String what) {
        if (by == null || blank(by.name())) {
            throw refused("only a verified person may " + what + "; the request names nobody");
        }
        if (by.isSystem()) {
            throw refused("only a person may " + what + "; " + by.name() + " (event " + by.eventId() + ") is not one");
        }
        return by;
    }

    private static IllegalArgumentException refused(String message) {
        return new IllegalArgumentException(message);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    @Override
    public ExecutionProgress progress() {
        if (request == null) {
            return new ExecutionProgress(null, null, null, null, phase, null, List.of(), null, null, null, null, 0, null,
                    List.of(), 0);
        }
        return new ExecutionProgress(request.executionId(), request.runbook().name(), request.runbook().protects(),
                request.mode(), phase, currentStep, new ArrayList<>(steps.values()), error, request.scope(),
                request.incidentId(), request.outageSince(), request.runbookVersion(), awaiting, phases, decideMillis,
                request.startedBy(), decisions, pending.values().stream().filter(p -> p.verdict == null)
                .mapToInt(Pending::stillNeeded).findFirst().orElse(0), failbackRequestedBy, reapplied);
    }
}
