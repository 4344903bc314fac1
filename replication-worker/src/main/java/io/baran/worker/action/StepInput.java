package io.baran.worker.action;

import io.baran.runbook.ActionCatalog;
import io.baran.runbook.ActionType;
import io.baran.runbook.BoundWith;
import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;

/**
 * A step's {@code with:} block, bound by the runbook model's class for its action: the fields, types, limits,
 * defaults and checks a runbook is validated against when it is loaded are the ones the worker acts on, declared
 * once (in {@code libs/runbook-model}). The worker binds again rather than trusting the orchestrator, so a step
 * that reaches it some other way (an older orchestrator, a hand-made activity call) is refused before any call.
 */
final class StepInput {

    private static final ActionCatalog MODEL = ActionCatalog.standard();

    private StepInput() {}

    /** The model's definition of an action the worker hosts; fails start-up for a name the model does not define. */
    static ActionType definition(String name) {
        ActionType type = MODEL.type(name)
                .orElseThrow(() -> new IllegalStateException("the runbook model defines no action " + name
                        + " (it defines: " + String.join(", ", MODEL.names()) + ")"));
        if (type.spec().controlFlow()) {
            throw new IllegalStateException("action " + name + " is run by the workflow itself, not by a worker");
        }
        return type;
    }

    /**
     * The step's input as the action reads it from its bound block ({@link Action#input(BoundWith)}): every violation of
     * the block, and a value the reading refuses (IllegalArgumentException), fail (InvalidInput) naming the step and the
     * action.
     */
    @SuppressWarnings("unchecked")
    static <T> T read(Action action, StepCommand command) {
        BoundWith with = bind(action, command);
        try {
            return (T) action.input(with);
        } catch (IllegalArgumentException e) {
            throw Failures.of(
                    FailureTypes.INVALID_INPUT,
                    "step " + command.step() + " (" + action.name() + "): " + e.getMessage());
        }
    }

    /** The block bound and checked; fails (InvalidInput) with every violation, naming the step and the action. */
    static BoundWith bind(Action action, StepCommand command) {
        BoundWith with = action.type().bind(command.with());
        if (!with.valid()) {
            throw Failures.of(
                    FailureTypes.INVALID_INPUT,
                    "step " + command.step() + " (" + action.name() + "): " + String.join("; ", with.problems()));
        }
        return with;
    }
}
