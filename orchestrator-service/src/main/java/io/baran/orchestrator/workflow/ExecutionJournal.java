package io.baran.orchestrator.workflow;

import io.baran.events.ExecutionEvent;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Where an execution's transitions go besides its own history: Kafka (and the audit store). Hosted by
 * orchestrator-service on the orchestration task queue.
 */
@ActivityInterface
public interface ExecutionJournal {

    @ActivityMethod(name = "JournalTransition")
    void record(ExecutionEvent transition);
}
