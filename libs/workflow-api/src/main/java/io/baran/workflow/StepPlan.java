package io.baran.workflow;

import java.util.Map;

/**
 * What a step would do, decided from the state observed before any change. The plan is recorded in the
 * workflow history before apply runs, so the undo restores {@code observed} exactly even when apply is
 * retried after it already took effect.
 *
 * @param changes  false when the world is already as the step wants it (apply and undo do nothing)
 * @param summary  one line a person reads, e.g. {@code www.example.com. CNAME primary.example.net. -> standby.example.net.}
 * @param observed the state before the change, enough to restore it
 * @param desired  the state the step will set
 */
public record StepPlan(
        String step,
        String action,
        boolean changes,
        String summary,
        Map<String, Object> observed,
        Map<String, Object> desired) {

    public StepPlan {
        observed = observed == null ? Map.of() : Map.copyOf(observed);
        desired = desired == null ? Map.of() : Map.copyOf(desired);
    }
}
