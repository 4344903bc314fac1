package io.baran.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;
import java.util.Map;

/**
 * A failover step: either an action ({@code action} and its {@code with} block) or a {@code parallel}
 * group of steps that run together.
 *
 * @param timeout   how long one attempt may take, as a duration text such as {@code 30s}; null for the action's default
 * @param onFailure {@code compensate} (default), {@code hold} or {@code continue}
 */
public record Step(
        String name,
        String action,
        Map<String, Object> with,
        List<Step> parallel,
        String timeout,
        String onFailure) {

    public Step {
        with = with == null ? Map.of() : Map.copyOf(with);
        parallel = parallel == null ? List.of() : List.copyOf(parallel);
        onFailure = onFailure == null ? "compensate" : onFailure;
    }

    public static Step action(String name, String action, Map<String, Object> with) {
        return new Step(name, action, with, List.of(), null, null);
    }

    @JsonIgnore
    public boolean isParallel() {
        return !parallel.isEmpty();
    }

    void collectActions(List<Step> out) {
        if (isParallel()) {
            parallel.forEach(child -> child.collectActions(out));
        } else {
            out.add(this);
        }
    }
}
