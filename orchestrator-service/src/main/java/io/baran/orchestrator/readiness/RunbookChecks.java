package io.baran.orchestrator.readiness;

import io.baran.workflow.StepCheck;
import java.util.List;

/** What the replication-worker found about each step of one runbook version, in one evaluation. */
public record RunbookChecks(String runbook, int version, List<StepCheck> checks) {

    public RunbookChecks {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }
}
