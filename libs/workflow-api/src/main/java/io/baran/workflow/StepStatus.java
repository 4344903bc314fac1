package io.baran.workflow;

/**
 * Where one step of an execution stands.
 *
 * @param state   pending, planned, running, applied, unchanged, failed, undoing, undone, undo-failed, skipped
 * @param summary the plan's or the outcome's line
 * @param error   why it failed, when it did; kept when the step is undone afterwards
 */
public record StepStatus(String name, String action, String state, String summary, String error) {

    public StepStatus with(String newState, String newSummary, String newError) {
        return new StepStatus(name, action, newState, newSummary == null ? summary : newSummary, newError == null ? error : newError);
    }
}
