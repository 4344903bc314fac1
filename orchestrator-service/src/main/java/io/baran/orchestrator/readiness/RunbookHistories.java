package io.baran.orchestrator.readiness;

import io.baran.orchestrator.runbook.RunbookVersions;
import io.baran.runbook.ActionCatalog;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** A runbook's history of drills and failovers, and the RTO it predicts. */
@ApplicationScoped
public class RunbookHistories {

    private static final ActionCatalog CATALOG = ActionCatalog.standard();

    @Inject
    HistoryRows rows;

    @Inject
    ReadinessConfig config;

    @Inject
    RunbookVersions versions;

    /**
     * {@code GET /api/runbooks/{name}/history}.
     *
     * @param executions every drill and failover, newest first, each with its RTO split
     */
    public record HistoryView(
            String runbook, List<RunbookHistory.Entry> executions, RunbookHistory.Trend trend, Prediction prediction) {}

    public HistoryView history(Runbook runbook) {
        List<RunbookHistory.Entry> entries = entries(runbook);
        return new HistoryView(runbook.name(), entries, RunbookHistory.trend(entries), predict(runbook, entries));
    }

    public Prediction predict(Runbook runbook) {
        return predict(runbook, entries(runbook));
    }

    private Prediction predict(Runbook runbook, List<RunbookHistory.Entry> entries) {
        return Prediction.of(runbook, entries, config.detection().toMillis() / 1000.0);
    }

    private List<RunbookHistory.Entry> entries(Runbook runbook) {
        List<RunbookHistory.Row> history = rows.of(runbook.name(), config.history());
        Set<String> ids = history.stream().map(RunbookHistory.Row::executionId).collect(Collectors.toSet());
        return RunbookHistory.entries(history, checkSteps(runbook), versions.outageStarts(ids));
    }

    /** The steps that only check (health.check, storage.check-replica): their time is verification. */
    private static Set<String> checkSteps(Runbook runbook) {
        return runbook.actionSteps().stream()
                .filter(s ->
                        CATALOG.find(s.action()).map(spec -> !spec.changes()).orElse(false))
                .map(Step::name)
                .collect(Collectors.toSet());
    }
}
