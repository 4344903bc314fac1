package io.baran.orchestrator.api;

import io.baran.orchestrator.runbook.RunbookCatalog;
import io.baran.orchestrator.workflow.ExecutionLauncher;
import io.baran.runbook.Runbook;
import io.baran.runbook.RunbookInvalidException;
import java.util.Map;
import java.util.function.Supplier;

/** The problems every endpoint that starts an execution can answer with. */
final class RunbookProblems {

    private RunbookProblems() {}

    static ProblemException unknown(RunbookCatalog catalog, String name) {
        return new ProblemException(
                404,
                "Unknown runbook",
                "no runbook named \"" + name + "\"; known: "
                        + String.join(
                                ", ", catalog.all().stream().map(Runbook::name).toList()));
    }

    /**
     * The runbook an execution is to run, with the parameters the request sets: 404 when there is no such
     * runbook, 422 with every error (positioned in the stored runbook) when the parameters do not fit it.
     */
    static Runbook find(RunbookCatalog catalog, String name, Map<String, Object> parameters) {
        try {
            return catalog.find(name, parameters).orElseThrow(() -> unknown(catalog, name));
        } catch (RunbookInvalidException e) {
            throw new ProblemException(Problem.withErrors(
                    422,
                    "Invalid parameters",
                    e.errors().size()
                            + (e.errors().size() == 1 ? " error" : " errors") + " in "
                            + e.errors().get(0).file()
                            + " with the parameters the request sets; nothing was started",
                    e.errors().stream().map(RunbookErrorView::of).toList()));
        }
    }

    /** Starts an execution, turning "the service is busy" into 409, and "the runbook was deleted meanwhile" into 404. */
    static String startOrConflict(Supplier<String> start) {
        try {
            return start.get();
        } catch (ExecutionLauncher.Busy busy) {
            throw new ProblemException(409, "Service busy", busy.getMessage());
        } catch (io.baran.orchestrator.runbook.RunbookVersions.Deleted deleted) {
            throw new ProblemException(404, "Unknown runbook", deleted.getMessage());
        }
    }
}
