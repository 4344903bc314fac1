package io.baran.orchestrator.api;

import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;

import java.util.function.Supplier;

/** The problems every endpoint that starts an execution can answer with. */
final class RunbookProblems {

    private RunbookProblems() {
    }

    static ProblemException unknown(RunbookCatalog catalog, String name) {
        return new ProblemException(404, "Unknown runbook", "no runbook named \"" + name + "\"; known: "
                + String.join(", ", catalog.all().stream().map(Runbook::name).toList()));
    }

    /** Starts an execution, turning "the service is busy" into 409. */
    static String startOrConflict(Supplier<String> start) {
        try {
            return start.get();
        } catch (ExecutionLauncher.Busy busy) {
            throw new ProblemException(409, "Service busy", busy.getMessage());
        }
    }
}
