package io.baran.workflow;

/**
 * What {@link ActionActivities#planAndApply} did: the plan it made (and recorded on the server before changing
 * anything) and the outcome of applying it.
 */
public record StepRun(StepPlan plan, StepOutcome outcome) {}
