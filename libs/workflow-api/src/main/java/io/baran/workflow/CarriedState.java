package io.baran.workflow;

import java.util.List;

/**
 * What an execution carries into its next run when it continues as new while it holds (a failover can
 * hold for days; continuing as new keeps each run's history small): with the steps, undo, phases and decisions, the
 * incidents it answers (the latest of each scope) and those whose recovery it was told of, and the failover steps whose
 * apply completed (a step without an undo that was applied is kept, not undone; null in runs recorded before it was
 * carried), and the last sequence number its journal gave (so the next run's entries do not reuse the ids of the
 * first run's and get dropped as copies of them; 0 in runs recorded before it was carried), and whether the approvers
 * refused its failback and it waits for a person to ask for one (false in runs recorded before it was carried).
 */
public record CarriedState(
        List<StepStatus> steps,
        List<UndoEntry> undo,
        List<PhaseChange> phases,
        long startedAt,
        long decideMillis,
        int runs,
        List<Decision> decisions,
        List<Reapplied> reapplied,
        List<String> incidents,
        List<String> recoveredIncidents,
        List<String> appliedSteps,
        long journalSeq,
        boolean failbackRefused) {

    public CarriedState {
        incidents = incidents == null ? List.of() : List.copyOf(incidents);
        recoveredIncidents = recoveredIncidents == null ? List.of() : List.copyOf(recoveredIncidents);
        appliedSteps = appliedSteps == null ? List.of() : List.copyOf(appliedSteps);
        reapplied = reapplied == null ? List.of() : List.copyOf(reapplied);
        steps = steps == null ? List.of() : List.copyOf(steps);
        undo = undo == null ? List.of() : List.copyOf(undo);
        phases = phases == null ? List.of() : List.copyOf(phases);
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
    }
}
