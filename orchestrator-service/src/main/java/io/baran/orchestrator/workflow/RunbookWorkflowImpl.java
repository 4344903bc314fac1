package io.baran.orchestrator.workflow;

import io.baran.runbook.ActionCatalog;
import io.baran.runbook.Durations;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.workflow.ActionActivities;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.StepStatus;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interprets one runbook version. Every changing step is planned first (the plan, with the state it
 * will replace, lands in the history), registered for undo, then applied; failback and compensation
 * undo the registered steps in reverse order.
 *
 * <p>Deterministic: no clock, randomness, I/O or CDI here; the runbook arrives as input.
 */
public class RunbookWorkflowImpl implements RunbookWorkflow {

    private static final Logger LOG = Workflow.getLogger(RunbookWorkflowImpl.class);
    private static final ActionCatalog CATALOG = ActionCatalog.standard();

    private final ActionActivities planner = Workflow.newActivityStub(ActionActivities.class, StepActivityOptions.forPlan());
    private final ActionActivities undoer = Workflow.newActivityStub(ActionActivities.class, StepActivityOptions.forUndo());

    private ExecutionRequest request;
    private String phase = "starting";
    private String currentStep;
    private String error;
    private final Map<String, StepStatus> steps = new LinkedHashMap<>();
    /** Changing steps whose apply was attempted, in the order they were registered. */
    private final List<Registered> registered = new ArrayList<>();
    private boolean recovered;
    private int approvals;

    private record Registered(StepCommand command, StepPlan plan) {
    }

    /** A step failed and the runbook says to stop there. */
    private static final class StepFailed extends RuntimeException {
        private final Step step;

        StepFailed(Step step, String message) {
            super(message);
            this.step = step;
        }
    }

    @Override
    public ExecutionProgress run(ExecutionRequest request) {
        this.request = request;
        Runbook runbook = request.runbook();
        for (Step step : runbook.actionSteps()) {
            steps.put(step.name(), new StepStatus(step.name(), step.action(), "pending", null, null));
        }
        if (request.mode() == Mode.PLAN) {
            planOnly(runbook);
            return progress();
        }
        if (request.mode() == Mode.FAILOVER && "required".equals(runbook.trigger() == null ? null : runbook.trigger().approval())) {
            awaitApproval("awaiting-approval");
        }
        try {
            phase = "failing-over";
            for (Step step : runbook.failover()) {
                if (step.isParallel()) {
                    runParallel(step.parallel());
                } else {
                    runStep(step);
                }
            }
            currentStep = null;
            phase = "failed-over";
            holdUntilFailback(runbook);
            phase = "failing-back";
            undoRegistered();
            phase = hasUndoFailure() ? "failed" : "done";
            if (hasUndoFailure()) {
                error = "failback could not restore every step; see the steps marked undo-failed";
            }
        } catch (StepFailed failed) {
            error = failed.getMessage();
            phase = "compensating";
            undoRegistered();
            phase = hasUndoFailure() ? "failed" : "compensated";
        } catch (CanceledFailure cancelled) {
            error = "cancelled";
            // Compensations run in a scope the cancellation does not reach.
            Workflow.newDetachedCancellationScope(() -> {
                phase = "compensating";
                undoRegistered();
                phase = "compensated";
            }).run();
            throw cancelled;
        }
        currentStep = null;
        return progress();
    }

    private void planOnly(Runbook runbook) {
        phase = "planning";
        for (Step step : runbook.actionSteps()) {
            currentStep = step.name();
            if (isControlFlow(step)) {
                update(step, "planned", "would wait " + step.with().get("for"), null);
                continue;
            }
            try {
                StepPlan plan = planner.plan(command(step));
                update(step, plan.changes() ? "planned" : "unchanged", plan.summary(), null);
            } catch (ActivityFailure failure) {
                update(step, "failed", null, describe(failure));
            }
        }
        currentStep = null;
        phase = "planned";
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
        update(step, "running", null, null);
        if (isControlFlow(step)) {
            Workflow.sleep(Durations.parse((String) step.with().get("for")));
            update(step, "done", "waited " + step.with().get("for"), null);
            return;
        }
        StepCommand command = command(step);
        try {
            StepPlan plan = planner.plan(command);
            update(step, "running", plan.summary(), null);
            if (plan.changes()) {
                // Registered before apply: an apply that fails half-way is still undone.
                registered.add(new Registered(command, plan));
            }
            ActionActivities applier = Workflow.newActivityStub(ActionActivities.class, StepActivityOptions.forApply(step));
            StepOutcome outcome = applier.apply(command, plan);
            update(step, outcome.changed() ? "applied" : isCheck(step) ? "passed" : "unchanged", outcome.summary(), null);
        } catch (ActivityFailure failure) {
            String message = "step " + step.name() + " (" + step.action() + ") failed: " + describe(failure);
            update(step, "failed", null, describe(failure));
            LOG.warn(message);
            switch (step.onFailure()) {
                case "continue" -> {
                    // The runbook accepts this step failing; what it may have changed is still undone at failback.
                }
                case "hold" -> {
                    error = message + "; holding until a person approves going on";
                    awaitApproval("held");
                    error = null;
                    phase = "failing-over";
                }
                default -> throw new StepFailed(step, message);
            }
        }
    }

    private void holdUntilFailback(Runbook runbook) {
        if (request.mode() == Mode.DRILL) {
            Workflow.sleep(Duration.ofSeconds(Math.max(0, request.holdSeconds())));
            return;
        }
        if (runbook.failback().onRecovered()) {
            Workflow.await(() -> recovered);
        }
        Duration stableFor = Durations.parse(runbook.failback().stableFor());
        if (!stableFor.isZero()) {
            phase = "awaiting-stability";
            Workflow.sleep(stableFor);
        }
        if ("required".equals(runbook.failback().approval())) {
            awaitApproval("awaiting-failback-approval");
        }
    }

    private void awaitApproval(String waitingPhase) {
        String before = phase;
        phase = waitingPhase;
        int seen = approvals;
        Workflow.await(() -> approvals > seen);
        phase = before;
    }

    private void undoRegistered() {
        for (int i = registered.size() - 1; i >= 0; i--) {
            Registered r = registered.get(i);
            Step step = request.runbook().step(r.command().step());
            currentStep = step.name();
            update(step, "undoing", null, null);
            try {
                StepOutcome outcome = undoer.undo(r.command(), r.plan());
                update(step, outcome.changed() ? "undone" : "unchanged", outcome.summary(), null);
            } catch (ActivityFailure failure) {
                update(step, "undo-failed", null, describe(failure));
                LOG.error("undo of step " + step.name() + " failed: " + describe(failure));
            }
        }
        registered.clear();
        currentStep = null;
    }

    private boolean hasUndoFailure() {
        return steps.values().stream().anyMatch(s -> "undo-failed".equals(s.state()));
    }

    private StepCommand command(Step step) {
        return new StepCommand(request.executionId(), step.name(), step.action(), step.with());
    }

    /** An action that only looks (a health check), as opposed to one that changes something. */
    private static boolean isCheck(Step step) {
        return CATALOG.find(step.action()).map(spec -> !spec.changes()).orElse(false);
    }

    private static boolean isControlFlow(Step step) {
        return "wait".equals(step.action());
    }

    private void update(Step step, String state, String summary, String stepError) {
        StepStatus current = steps.get(step.name());
        steps.put(step.name(), current.with(state, summary, stepError));
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
    public void approve(String by) {
        approvals++;
    }

    @Override
    public ExecutionProgress progress() {
        if (request == null) {
            return new ExecutionProgress(null, null, null, null, phase, null, List.of(), null);
        }
        return new ExecutionProgress(request.executionId(), request.runbook().name(), request.runbook().protects(),
                request.mode(), phase, currentStep, new ArrayList<>(steps.values()), error);
    }
}
