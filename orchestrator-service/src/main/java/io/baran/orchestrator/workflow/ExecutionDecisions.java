package io.baran.orchestrator.workflow;

import io.baran.workflow.AbortRequest;
import io.baran.workflow.AbortResult;
import io.baran.workflow.DecisionRequest;
import io.baran.workflow.DecisionResult;
import io.baran.workflow.FailbackRequest;
import io.baran.workflow.FailbackResult;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.temporal.DecisionSeals;
import io.baran.workflow.temporal.PayloadEncryption;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Takes people's decisions to executions as the workflow's Updates, which check them against the runbook's
 * {@code spec.access} and the two-person rule and answer with what they did. The caller passes the verified
 * person in the request, never a name the client sent, and each request is sealed for its execution ({@link
 * DecisionSeals}): the workflow takes the person it names only with that seal.
 */
@ApplicationScoped
public class ExecutionDecisions {

    @Inject
    WorkflowClient client;

    @Inject
    PayloadEncryption encryption;

    /** When a decision is sealed (the workflow's clock, in tests that skip time). */
    LongSupplier clock = System::currentTimeMillis;

    /**
     * Approves or rejects what execution {@code executionId} waits for.
     *
     * @throws DecisionRefused   the execution refused it (with the rule's message); nothing was recorded
     * @throws ExecutionNotFound no such execution runs
     */
    public DecisionResult decide(String executionId, DecisionRequest request) {
        DecisionRequest sealed = encryption
                .decisionSeals()
                .map(seals -> seals.seal(executionId, request, clock.getAsLong()))
                .orElse(request);
        return update(executionId, workflow -> workflow.decide(sealed));
    }

    /**
     * Asks execution {@code executionId} to fail back now.
     *
     * @throws DecisionRefused   the execution refused it (it waits for a decision, is not failed over, the person
     *                           may not ask); nothing was recorded
     * @throws ExecutionNotFound no such execution runs
     */
    public FailbackResult failback(String executionId, FailbackRequest request) {
        FailbackRequest sealed = encryption
                .decisionSeals()
                .map(seals -> seals.seal(executionId, request, clock.getAsLong()))
                .orElse(request);
        return update(executionId, workflow -> workflow.requestFailback(sealed));
    }

    /**
     * Aborts execution {@code executionId}: it undoes what it changed (the answer comes once the undo has begun).
     *
     * @throws DecisionRefused   the execution refused it ({@link DecisionRefused#becauseOfPhase()}: it has finished, is
     *                           being aborted, is failing back, or is a live failover that is failed over; otherwise the seal or the
     *                           person); nothing was recorded
     * @throws ExecutionNotFound no such execution runs
     */
    public AbortResult abort(String executionId, AbortRequest request) {
        AbortRequest sealed = encryption
                .decisionSeals()
                .map(seals -> seals.seal(executionId, request, clock.getAsLong()))
                .orElse(request);
        return update(executionId, workflow -> workflow.abort(sealed));
    }

    private <T> T update(String executionId, Function<RunbookWorkflow, T> call) {
        try {
            return call.apply(client.newWorkflowStub(RunbookWorkflow.class, executionId));
        } catch (WorkflowNotFoundException e) {
            throw new ExecutionNotFound(executionId, e);
        } catch (WorkflowUpdateException e) {
            throw new DecisionRefused(
                    reason(e),
                    e,
                    e.getCause() instanceof ApplicationFailure failure
                            && AbortRequest.REFUSED_NOW.equals(failure.getType()));
        }
    }

    /** The validator's own message, without the failure's type prefix. */
    private static String reason(WorkflowUpdateException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ApplicationFailure failure) {
            return failure.getOriginalMessage();
        }
        return cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
    }
}
