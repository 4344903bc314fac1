package io.baran.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One validated runbook. Plain data that serialises to JSON as it is, so the workflow receives it as
 * input and replays it exactly. Parameter references in {@code with:} blocks are already replaced by the
 * parameters' values.
 *
 * @param name        {@code metadata.name}, unique across runbooks
 * @param labels      {@code metadata.labels}, free-form
 * @param protects    the protected service; one execution per service at a time
 * @param parameters  the declared parameters with their defaults, for reading; steps hold the values
 * @param sha256      hash of the YAML text the runbook was read from
 * @param source      where it was read from (file name or API), for messages only
 * @param version     the stored version this is (1, 2, ...); 0 when it was read but not stored
 * @param access      {@code spec.access}: who may drill, fail over and approve; {@link Access#NONE} when absent
 * @param priority    {@code spec.priority}: the service's tier, 1 (most important) to {@value #LOWEST_PRIORITY}; 0 when the
 *                    runbook does not say (read as {@value #DEFAULT_PRIORITY}, see {@link #tier()})
 * @param objectives  {@code spec.objectives}: the RTO and RPO targets; {@link Objectives#NONE} when absent
 * @param drills      {@code spec.drills}: its scheduled drills and their abort condition; null when absent
 */
public record Runbook(
        String name,
        String description,
        Map<String, String> labels,
        String protects,
        List<Parameter> parameters,
        Trigger trigger,
        List<Step> failover,
        Failback failback,
        String sha256,
        String source,
        int version,
        Access access,
        int priority,
        Objectives objectives,
        Drills drills) {

    /** The most important tier. */
    public static final int HIGHEST_PRIORITY = 1;
    /** The least important tier. */
    public static final int LOWEST_PRIORITY = 5;
    /** The tier of a runbook without {@code spec.priority}. */
    public static final int DEFAULT_PRIORITY = 3;

    public Runbook {
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
        failover = failover == null ? List.of() : List.copyOf(failover);
        failback = failback == null ? Failback.DEFAULT : failback;
        access = access == null ? Access.NONE : access;
        objectives = objectives == null ? Objectives.NONE : objectives;
    }

    /** The same runbook as stored version {@code number}. */
    public Runbook withVersion(int number) {
        return new Runbook(
                name,
                description,
                labels,
                protects,
                parameters,
                trigger,
                failover,
                failback,
                sha256,
                source,
                number,
                access,
                priority,
                objectives,
                drills);
    }

    /** The tier dispatch and the provider budgets order by: {@code spec.priority}, or {@value #DEFAULT_PRIORITY}. */
    @JsonIgnore
    public int tier() {
        return priority >= HIGHEST_PRIORITY && priority <= LOWEST_PRIORITY ? priority : DEFAULT_PRIORITY;
    }

    /** Every failover action step, parallel groups flattened, in document order. */
    @JsonIgnore
    public List<Step> actionSteps() {
        List<Step> out = new ArrayList<>();
        for (Step step : failover) {
            step.collectActions(out);
        }
        return out;
    }

    /** The failover action step of that name. */
    @JsonIgnore
    public Step step(String stepName) {
        return actionSteps().stream()
                .filter(s -> s.name().equals(stepName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("runbook " + name + " has no step " + stepName));
    }
}
