package io.baran.workflow;

import java.util.Map;

/** What the worker needs to plan, apply or undo one action step. Never holds a secret: providers are named. */
public record StepCommand(String executionId, String step, String action, Map<String, Object> with) {

    public StepCommand {
        with = with == null ? Map.of() : Map.copyOf(with);
    }
}
