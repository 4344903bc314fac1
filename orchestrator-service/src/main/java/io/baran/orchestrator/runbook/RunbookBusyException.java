package io.baran.orchestrator.runbook;

import java.util.List;

/** A runbook cannot be deleted while executions of it run. */
public class RunbookBusyException extends RuntimeException {

    private final List<String> running;

    public RunbookBusyException(String runbook, List<String> running) {
        super("runbook " + runbook + " has "
                + (running.size() == 1 ? "a running execution, " : running.size() + " running executions, ")
                + String.join(", ", running) + "; wait for " + (running.size() == 1 ? "it" : "them")
                + " to finish or abort "
                + (running.size() == 1 ? "it" : "them") + " (POST /api/executions/{id}/abort)");
        this.running = List.copyOf(running);
    }

    public List<String> running() {
        return running;
    }
}
