package io.baran.orchestrator.schedule;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Starts the drill a schedule fired for. Hosted by orchestrator-service on the orchestration task queue. */
@ActivityInterface
public interface ScheduledDrills {

    /**
     * Starts a drill of the runbook's current version, held for its {@code spec.drills.hold}; idempotent per firing
     * (a retried call finds the drill it started).
     *
     * @param runbook  the runbook's name
     * @param firingId the id of the scheduled workflow that asks (the schedule's id and the time it fired): the
     *                 drill's {@code startedBy} event
     * @return the drill's execution id, or {@code skipped: <why>}
     */
    @ActivityMethod(name = "StartScheduledDrill")
    String start(String runbook, String firingId);
}
