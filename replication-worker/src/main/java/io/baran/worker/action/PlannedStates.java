package io.baran.worker.action;

import io.baran.workflow.StepCommand;
import io.baran.workflow.StepPlan;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A step's plan read back for apply or undo: checked to be a plan of the action, then its observed and
 * desired states. Malformed parts fail (InvalidInput) naming the step and the part.
 */
record PlannedStates<S>(S observed, S desired) {

    /**
     * @param read reads one part of the plan; its second argument names the part in errors, e.g.
     *             {@code plan of step move-traffic: observed}, its third says whether it is the desired part
     */
    static <S> PlannedStates<S> of(String action, StepCommand command, StepPlan plan, StateReader<S> read) {
        PlanCheck.of(action, command, plan);
        String where = "plan of step " + command.step() + ": ";
        return new PlannedStates<>(
                read.read(plan.observed(), where + "observed", false),
                read.read(plan.desired(), where + "desired", true));
    }

    static <S> PlannedStates<S> of(
            String action, StepCommand command, StepPlan plan, BiFunction<Map<String, Object>, String, S> read) {
        return of(action, command, plan, (map, where, desired) -> read.apply(map, where));
    }

    interface StateReader<S> {
        S read(Map<String, Object> part, String where, boolean desired);
    }
}
