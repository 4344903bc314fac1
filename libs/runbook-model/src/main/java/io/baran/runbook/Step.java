package io.baran.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step: an action ({@code action} and its {@code with} block), a {@code parallel} group of steps that run
 * together, or (in an explicit failback list only) the undo of a failover step.
 *
 * @param timeout   how long one attempt may take, as a duration text such as {@code 30s}; null for the action's default
 * @param onFailure {@code compensate} (default), {@code hold} or {@code continue}
 * @param retry     how often to try the action; null for the workflow's default
 * @param undo      in a failback list: the failover step whose change this step undoes (name, action and
 *                  {@code with} are that step's); null otherwise
 */
public record Step(
        String name,
        String action,
        Map<String, Object> with,
        List<Step> parallel,
        String timeout,
        String onFailure,
        Retry retry,
        String undo) {

    public Step {
        with = with == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(with));
        parallel = parallel == null ? List.of() : List.copyOf(parallel);
        onFailure = onFailure == null ? "compensate" : onFailure;
    }

    public Step(
            String name,
            String action,
            Map<String, Object> with,
            List<Step> parallel,
            String timeout,
            String onFailure) {
        this(name, action, with, parallel, timeout, onFailure, null, null);
    }

    public static Step action(String name, String action, Map<String, Object> with) {
        return new Step(name, action, with, List.of(), null, null, null, null);
    }

    /** The undo of a failover step, for an explicit failback list. */
    public static Step undoOf(Step failoverStep) {
        return new Step(
                failoverStep.name(),
                failoverStep.action(),
                failoverStep.with(),
                List.of(),
                null,
                null,
                null,
                failoverStep.name());
    }

    @JsonIgnore
    public boolean isParallel() {
        return !parallel.isEmpty();
    }

    @JsonIgnore
    public boolean isUndo() {
        return undo != null;
    }

    void collectActions(List<Step> out) {
        if (isParallel()) {
            parallel.forEach(child -> child.collectActions(out));
        } else {
            out.add(this);
        }
    }
}
