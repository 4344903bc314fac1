package io.baran.worker.action;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;

/** The check every apply and undo makes first: the plan given is a plan of this action. */
final class PlanCheck {

    private PlanCheck() {}

    static void of(String action, StepCommand command, StepPlan plan) {
        if (plan == null || !action.equals(plan.action())) {
            throw Failures.of(
                    FailureTypes.INVALID_INPUT,
                    "step " + command.step() + " (" + action + "): the plan given is "
                            + (plan == null ? "missing" : "a plan of action " + plan.action()));
        }
    }
}
