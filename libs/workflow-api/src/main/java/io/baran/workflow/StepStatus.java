package io.baran.workflow;

import java.util.Map;

/**
 * Where one step of an execution stands.
 *
 * @param state     where the step stands; written as {@code pending}, {@code undo-failed}, ... (see {@link StepState})
 * @param summary   the plan's or the outcome's line
 * @param error     why it failed, when it did; kept when the step is undone afterwards
 * @param startedAt when the step started (epoch milliseconds, workflow time), null before
 * @param endedAt   when its failover part ended, null before
 * @param replaced  the state the step replaced (the plan's observation), for changing steps
 */
public record StepStatus(
        String name,
        String action,
        StepState state,
        String summary,
        String error,
        Long startedAt,
        Long endedAt,
        Map<String, Object> replaced) {

    public StepStatus {
        replaced = replaced == null ? Map.of() : Map.copyOf(replaced);
    }

    public static StepStatus pending(String name, String action) {
        return new StepStatus(name, action, StepState.PENDING, null, null, null, null, Map.of());
    }

    public StepStatus with(StepState newState, String newSummary, String newError) {
        return new StepStatus(
                name,
                action,
                newState,
                newSummary == null ? summary : newSummary,
                newError == null ? error : newError,
                startedAt,
                endedAt,
                replaced);
    }

    public StepStatus started(long at) {
        return new StepStatus(name, action, state, summary, error, at, null, replaced);
    }

    public StepStatus ended(long at) {
        return new StepStatus(name, action, state, summary, error, startedAt, at, replaced);
    }

    public StepStatus replacing(Map<String, Object> observed) {
        return new StepStatus(name, action, state, summary, error, startedAt, endedAt, observed);
    }
}
