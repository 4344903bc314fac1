package io.baran.orchestrator.workflow;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Slots of the providers that have a cap on concurrent executions ({@code baran.dispatch.provider-cap}), kept in
 * PostgreSQL so every orchestrator instance shares them. Hosted by orchestrator-service on the orchestration task
 * queue; the workflow asks before it changes anything and gives them back after.
 */
@ActivityInterface
public interface ProviderSlots {

    /** What an execution asks for. */
    record Ask(String executionId, List<String> providers, int tier) {}

    /**
     * @param granted        whether the execution now holds a slot of every provider asked for (all or none)
     * @param waitingFor     when not granted: why, e.g. {@code provider aws-prod: 50 of 50 slots taken, 12 ahead}
     * @param askAgainMillis when not granted: how long to wait before asking again
     */
    record Grant(boolean granted, String waitingFor, long askAgainMillis) {}

    @ActivityMethod(name = "AcquireProviderSlots")
    Grant acquire(Ask ask);

    /**
     * Waits until the execution holds a slot of every provider asked for, however long that takes, in this one
     * activity (heartbeating; completed asynchronously, see {@link SlotWaiters}): always a granted {@link Grant}. Fails
     * with the non-retryable {@value SlotWaiters#UNAVAILABLE} when the slot store stops answering.
     */
    @ActivityMethod(name = "AwaitProviderSlots")
    Grant await(Ask ask);

    /** Gives back every slot the execution holds, and forgets that it waited. Idempotent. */
    @ActivityMethod(name = "ReleaseProviderSlots")
    void release(String executionId);
}
