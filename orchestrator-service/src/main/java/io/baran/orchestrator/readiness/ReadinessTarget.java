package io.baran.orchestrator.readiness;

import io.baran.workflow.StepCommand;
import java.util.List;

/**
 * One runbook to evaluate, as the readiness workflow needs it: the latest version's steps that call a provider.
 *
 * @param commands one per failover action step (parallel groups flattened), with the runbook's parameter values
 */
public record ReadinessTarget(String runbook, int version, List<StepCommand> commands) {

    public ReadinessTarget {
        commands = commands == null ? List.of() : List.copyOf(commands);
    }
}
