package io.baran.worker.action;

import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;

/**
 * One action a runbook step may name. An action binds and validates its own {@code with:} block (every
 * violation at once, before any call to a provider), observes before it changes, and undoes exactly
 * what its plan recorded. Failures carry a {@link io.baran.workflow.FailureTypes} type.
 */
public interface Action {

    /** The name runbooks use, e.g. {@code dns.switch}. */
    String name();

    /** Observes current state and says what apply would change. Changes nothing. */
    StepPlan plan(StepCommand command);

    /** Applies the plan. Applying it again changes nothing. */
    StepOutcome apply(StepCommand command, StepPlan plan);

    /** Restores what the plan observed, if the world is still as the plan left it. */
    StepOutcome undo(StepCommand command, StepPlan plan);
}
