package io.baran.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * How a failover is undone once the primary is back.
 *
 * @param onRecovered   wait for the detector's {@code outage.recovered} before failing back
 * @param stableFor     how long the scope must stay healthy after recovery, as a duration text
 * @param approval      {@code none} or {@code required}
 * @param steps         {@code reverse}: undo every changing failover step, last first; {@code explicit}: run
 *                      {@code explicitSteps} instead
 * @param explicitSteps with {@code steps: explicit}, the failback steps in order: undos of failover steps
 *                      ({@link Step#isUndo()}), actions and parallel groups; empty with {@code reverse}
 */
public record Failback(boolean onRecovered, String stableFor, String approval, String steps, List<Step> explicitSteps) {

    public static final String REVERSE = "reverse";
    public static final String EXPLICIT = "explicit";
    public static final Failback DEFAULT = new Failback(true, "0s", "required", REVERSE);

    public Failback {
        stableFor = stableFor == null ? "0s" : stableFor;
        approval = approval == null ? "required" : approval;
        explicitSteps = explicitSteps == null ? List.of() : List.copyOf(explicitSteps);
        steps = steps == null ? (explicitSteps.isEmpty() ? REVERSE : EXPLICIT) : steps;
    }

    public Failback(boolean onRecovered, String stableFor, String approval, String steps) {
        this(onRecovered, stableFor, approval, steps, List.of());
    }

    @JsonIgnore
    public boolean isReverse() {
        return REVERSE.equals(steps);
    }

    /** The explicit failback steps, parallel groups flattened, in document order. */
    @JsonIgnore
    public List<Step> actionSteps() {
        List<Step> out = new ArrayList<>();
        for (Step step : explicitSteps) {
            step.collectActions(out);
        }
        return out;
    }
}
