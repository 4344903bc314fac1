package io.baran.events;

/**
 * The payload of {@code io.baran.execution.*} events on {@link Topics#EXECUTION_EVENTS}: one transition of a
 * runbook execution (a phase change, or a step changing state).
 *
 * @param at    when it happened (epoch milliseconds, workflow time)
 * @param step  the step concerned, null for a phase change
 * @param state the step's new state, null for a phase change
 * @param seq   the transition's number within its execution, from 1: the order they happened in
 */
public record ExecutionEvent(
        String executionId,
        String runbook,
        String protects,
        String mode,
        String phase,
        String step,
        String state,
        String detail,
        long at,
        long seq) {

    public static final String PHASE_CHANGED = "io.baran.execution.phase-changed";
    public static final String STEP_CHANGED = "io.baran.execution.step-changed";
}
