package io.baran.orchestrator.workflow;

import io.baran.workflow.ActionActivities;
import io.baran.workflow.ControlPlanes;
import io.baran.workflow.FailureTypes;
import io.baran.workflow.RecordedPlan;
import io.baran.workflow.StepCommand;
import io.baran.workflow.StepOutcome;
import io.baran.workflow.StepPlan;
import io.baran.workflow.StepRun;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small world of named values that the interpreter's tests change through the real activity interface:
 * {@code with.key} is set to {@code with.to}. Steps named in {@link #failing} fail their apply. It keeps
 * the journal of calls so tests can check order.
 */
public class InMemoryWorld implements ActionActivities {

    public final Map<String, String> values = new ConcurrentHashMap<>();
    public final List<String> journal = new CopyOnWriteArrayList<>();
    public final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** Steps whose apply fails with a retryable error this many more times. */
    public final Map<String, Integer> flaky = new ConcurrentHashMap<>();
    /** Steps whose apply passes this many more times, then fails (a health check that stops answering). */
    public final Map<String, Integer> passesBeforeFailing = new ConcurrentHashMap<>();
    /** Steps whose apply makes its change and then waits for the latch (at most 20 s) before it returns. */
    public final Map<String, java.util.concurrent.CountDownLatch> holdingAfterTheChange = new ConcurrentHashMap<>();
    /** Steps whose apply waits for the latch (at most 20 s) before anything: a health check waiting for its target. */
    public final Map<String, java.util.concurrent.CountDownLatch> waitingBeforeAnswer = new ConcurrentHashMap<>();
    /** Steps whose undo waits for the latch (at most 20 s) before it restores: a failback under way. */
    public final Map<String, java.util.concurrent.CountDownLatch> waitingBeforeUndo = new ConcurrentHashMap<>();
    /** Steps whose plan waits for the latch (at most 20 s) before it reads anything: a slow provider. */
    public final Map<String, java.util.concurrent.CountDownLatch> waitingBeforePlan = new ConcurrentHashMap<>();
    /** Steps whose undo fails (not retried), changing nothing, this many more times: a provider refusing the undo. */
    public final Map<String, Integer> undoRefused = new ConcurrentHashMap<>();
    /** Steps whose apply makes its change and then fails (retryable) this many more times: a change half-way. */
    public final Map<String, Integer> failingAfterTheChange = new ConcurrentHashMap<>();

    @Override
    public StepPlan plan(StepCommand command) {
        journal.add("plan " + command.step());
        await(waitingBeforePlan.get(command.step()));
        String key = key(command);
        String current = values.get(key);
        Object to = command.with().get("to");
        if (to == null) {
            return new StepPlan(command.step(), command.action(), false, "checks " + key, Map.of(), Map.of());
        }
        Map<String, Object> observed = new java.util.HashMap<>(
                current == null ? Map.of("exists", false) : Map.of("exists", true, "value", current));
        if (command.with().get("controlPlane") instanceof String region) {
            observed.put(ControlPlanes.REGION_KEY, region);
        }
        return new StepPlan(
                command.step(),
                command.action(),
                !to.equals(current),
                key + ": " + current + " -> " + to,
                observed,
                Map.of("value", to));
    }

    @Override
    public StepOutcome apply(StepCommand command, StepPlan plan) {
        journal.add("apply " + command.step());
        await(waitingBeforeAnswer.get(command.step()));
        if (flaky.merge(command.step(), -1, Integer::sum) >= 0) {
            throw ApplicationFailure.newFailure(
                    "the world is busy for " + command.step(), FailureTypes.PROVIDER_UNAVAILABLE);
        }
        flaky.remove(command.step());
        if (passesBeforeFailing.containsKey(command.step())
                && passesBeforeFailing.merge(command.step(), -1, Integer::sum) < 0) {
            throw ApplicationFailure.newFailure(
                    "GET did not answer 200 for " + command.step(), FailureTypes.HEALTH_CHECK_FAILED);
        }
        if (failing.contains(command.step())) {
            throw ApplicationFailure.newNonRetryableFailure(
                    "the world refuses " + command.step(), FailureTypes.PROVIDER_REJECTED);
        }
        if (!plan.changes()) {
            return new StepOutcome(command.step(), false, "nothing to do");
        }
        values.put(key(command), (String) plan.desired().get("value"));
        if (failingAfterTheChange.merge(command.step(), -1, Integer::sum) >= 0) {
            throw ApplicationFailure.newFailure(
                    "the connection dropped after the change of " + command.step(), FailureTypes.PROVIDER_UNAVAILABLE);
        }
        failingAfterTheChange.remove(command.step());
        await(holdingAfterTheChange.get(command.step()));
        return new StepOutcome(command.step(), true, plan.summary());
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        if (latch == null) {
            return;
        }
        try {
            latch.await(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * As the worker does it: the plan is recorded as the attempt's heartbeat before the apply, a later attempt
     * applies the recorded plan, and a failure after a changing plan carries it.
     */
    @Override
    public StepRun planAndApply(StepCommand command) {
        ActivityExecutionContext context = Activity.getExecutionContext();
        StepPlan plan = context.getHeartbeatDetails(RecordedPlan.class)
                .map(RecordedPlan::plan)
                .orElse(null);
        if (plan == null) {
            plan = plan(command);
            if (plan.changes()) {
                context.heartbeat(new RecordedPlan(plan, "planned"));
            }
        }
        try {
            return new StepRun(plan, apply(command, plan));
        } catch (ApplicationFailure failure) {
            if (!plan.changes()) {
                throw failure;
            }
            throw ApplicationFailure.newBuilder(failure)
                    .setDetails(new RecordedPlan(plan, "failed"))
                    .build();
        }
    }

    @Override
    public StepOutcome undo(StepCommand command, StepPlan plan) {
        journal.add("undo " + command.step());
        await(waitingBeforeUndo.get(command.step()));
        if (undoRefused.getOrDefault(command.step(), 0) > 0) {
            undoRefused.merge(command.step(), -1, Integer::sum);
            throw ApplicationFailure.newNonRetryableFailure(
                    "the world refuses to undo " + command.step(), FailureTypes.PROVIDER_REJECTED);
        }
        if (Boolean.TRUE.equals(plan.observed().get("exists"))) {
            values.put(key(command), (String) plan.observed().get("value"));
        } else {
            values.remove(key(command));
        }
        return new StepOutcome(command.step(), true, "restored " + key(command));
    }

    private static String key(StepCommand command) {
        Object key = command.with().get("record");
        return key == null ? command.step() : key.toString();
    }
}
