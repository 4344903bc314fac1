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

    /** Stores the transition and publishes it, waiting for the broker's acknowledgement (retried as an activity). */
    @ActivityMethod(name = "JournalTransition")
    void record(ExecutionEvent transition);

    /**
     * Stores the transition and hands it to the Kafka producer without waiting for the broker: run as a local activity
     * inside the workflow task (change {@code journal-local}), so it must be quick; the producer retries the send, and
     * a send that still fails is logged. When this fails, the workflow falls back to {@link #record}.
     */
    @ActivityMethod(name = "PublishTransition")
    void publish(ExecutionEvent transition);
}
