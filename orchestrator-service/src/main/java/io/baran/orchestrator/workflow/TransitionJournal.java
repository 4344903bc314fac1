package io.baran.orchestrator.workflow;

import io.baran.events.ExecutionEvent;
import io.baran.runbook.Runbook;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Phase;
import io.baran.workflow.StepState;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Publishes an execution's transitions through the {@link ExecutionJournal} activity, from workflow code. The
 * execution events keep phases and states as text on the wire ({@link Phase#value()}, {@link StepState#value()}).
 */
final class TransitionJournal {

    private static final Logger LOG = Workflow.getLogger(RunbookWorkflowImpl.class);
    /** Journal entries still in flight when the execution ends get this long to land. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final ExecutionJournal journal = Workflow.newActivityStub(
            ExecutionJournal.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(10))
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setMaximumAttempts(5)
                            .setMaximumInterval(Duration.ofSeconds(5))
                            .build())
                    .build());
    private final List<Promise<Void>> inFlight = new ArrayList<>();
    private long sequence;

    /** A phase change ({@code step} and {@code state} null) or a step's transition. */
    void record(ExecutionRequest request, Phase phase, String step, StepState state, String detail) {
        Runbook rb = request.runbook();
        ExecutionEvent event = new ExecutionEvent(
                request.executionId(),
                rb.name(),
                rb.protects(),
                request.mode().name().toLowerCase(),
                phase.value(),
                step,
                state == null ? null : state.value(),
                detail,
                Workflow.currentTimeMillis(),
                ++sequence);
        // Not awaited: publishing must never hold up a failover (Kafka may live in the failing region).
        inFlight.add(Async.procedure(journal::record, event).exceptionally(failure -> {
            LOG.warn("journal entry for " + request.executionId() + " lost: " + failure.getMessage());
            return null;
        }));
    }

    /** Gives the entries still in flight a moment to land before the execution ends. */
    void awaitInFlight() {
        Workflow.await(GRACE, () -> inFlight.stream().allMatch(Promise::isCompleted));
    }
}
