package io.baran.orchestrator.workflow;

import io.baran.events.ExecutionEvent;
import io.baran.runbook.Runbook;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Phase;
import io.baran.workflow.StepState;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
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
    /** Change id: transitions are published by local activities (see {@link #local}). */
    static final String JOURNAL_LOCAL = "journal-local";
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
    /**
     * Change {@value #JOURNAL_LOCAL}: each transition is published by a local activity inside the workflow task that
     * made it, rather than by an activity of its own whose completion costs the execution another workflow task (and
     * three history events); a local activity that fails hands the entry to the activity as before.
     */
    private final ExecutionJournal local = Workflow.newLocalActivityStub(
            ExecutionJournal.class,
            LocalActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(3))
                    .setScheduleToCloseTimeout(Duration.ofSeconds(5))
                    .setRetryOptions(
                            RetryOptions.newBuilder().setMaximumAttempts(2).build())
                    .build());

    private final List<Promise<Void>> inFlight = new ArrayList<>();
    private long sequence;
    /** The version of change {@value #JOURNAL_LOCAL} this run follows, asked at its first transition. */
    private int localVersion = -2;

    /** The last sequence number given: carried into the next run when the execution continues as new. */
    long sequence() {
        return sequence;
    }

    /**
     * Numbers this run's entries after {@code last}, the previous run's last: an entry's id is the execution's id and
     * its number, and the stores keep the first entry of an id, so a continued run numbering from 1 again had every
     * entry (its failback among them) dropped as a copy of the first run's.
     */
    void continueAfter(long last) {
        sequence = Math.max(sequence, last);
    }

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
        if (localVersion == -2) {
            localVersion = Workflow.getVersion(JOURNAL_LOCAL, Workflow.DEFAULT_VERSION, 1);
        }
        if (localVersion >= 1) {
            // Not waiting for Kafka's acknowledgement (publish), so Kafka in the failing region does not hold it up.
            inFlight.add(Async.procedure(local::publish, event).exceptionally(failure -> {
                LOG.warn("journal entry for " + request.executionId() + " goes the slow way: " + failure.getMessage());
                viaActivity(request, event);
                return null;
            }));
            return;
        }
        viaActivity(request, event);
    }

    private void viaActivity(ExecutionRequest request, ExecutionEvent event) {
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
