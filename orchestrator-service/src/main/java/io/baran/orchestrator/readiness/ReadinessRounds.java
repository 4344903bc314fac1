package io.baran.orchestrator.readiness;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The orchestrator's side of a readiness round, on its own task queue: what to check, and recording the verdict. */
@ActivityInterface
public interface ReadinessRounds {

    /** Every runbook served now, with the steps the replication-worker checks. */
    @ActivityMethod(name = "ReadinessTargets")
    List<ReadinessTarget> targets();

    /**
     * Weighs the checks with the runbook's history, objectives and Baran's placement, stores the verdict, and
     * publishes it when it changed.
     *
     * @return the verdict ({@code ready}, {@code degraded}, {@code not-ready}); {@code gone} when the runbook was
     *     deleted meanwhile
     */
    @ActivityMethod(name = "RecordReadiness")
    String record(RunbookChecks checks);
}
