package io.baran.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.List;

/**
 * One validated runbook. Plain data that serialises to JSON as it is, so the workflow receives it as
 * input and replays it exactly.
 *
 * @param name        {@code metadata.name}, unique across runbooks
 * @param protects    the protected service; one execution per service at a time
 * @param sha256      hash of the YAML text the runbook was read from
 * @param source      where it was read from (file name or API), for messages only
 */
public record Runbook(
        String name,
        String description,
        String protects,
        Trigger trigger,
        List<Step> failover,
        Failback failback,
        String sha256,
        String source) {

    public Runbook {
        failover = failover == null ? List.of() : List.copyOf(failover);
    }

    /** Every action step, parallel groups flattened, in document order. */
    @JsonIgnore
    public List<Step> actionSteps() {
        List<Step> out = new ArrayList<>();
        for (Step step : failover) {
            step.collectActions(out);
        }
        return out;
    }

    @JsonIgnore
    public Step step(String stepName) {
        return actionSteps().stream().filter(s -> s.name().equals(stepName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("runbook " + name + " has no step " + stepName));
    }
}
