package io.baran.worker.temporal;

import io.baran.worker.Heartbeat;
import io.baran.workflow.RecordedPlan;
import io.baran.workflow.StepPlan;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Heartbeats the activity running on the calling thread, so a workflow with a heartbeat timeout knows a
 * long step (a health check, a DNS change waiting to sync) is alive, and can cancel it: a cancellation
 * surfaces here as an exception that ends the step. Inside {@link #carrying} (a PlanApplyStep), every heartbeat
 * carries the step's recorded plan with its line, so no progress line ever replaces the plan on the server.
 */
@Singleton
public class ActivityHeartbeat implements Heartbeat {

    /**
     * Set while a PlanApplyStep runs on this thread: the plan its heartbeats carry, null while it plans, set once it is
     * being recorded (possibly by another thread: a zone batch records the plans of the steps it prepares).
     */
    private static final ThreadLocal<AtomicReference<StepPlan>> CARRIED = new ThreadLocal<>();

    @Override
    public void beat(String details) {
        ActivityExecutionContext context;
        try {
            context = Activity.getExecutionContext();
        } catch (IllegalStateException notInAnActivity) {
            // Called outside an activity (e.g. a plan made by a tool): there is nobody to tell.
            return;
        }
        beat(context, details);
    }

    /**
     * Inside {@link #carrying}, the line goes with the plan under the plan's lock, which {@link PlanRecorder} holds while
     * it sets the plan and hands it to the SDK: a line that found no plan yet reaches the SDK before the plan does,
     * never after, so no background send of the SDK can replace the recorded plan on the server with a bare line.
     */
    static void beat(ActivityExecutionContext context, String details) {
        AtomicReference<StepPlan> carried = CARRIED.get();
        if (carried == null) {
            context.heartbeat(details);
            return;
        }
        synchronized (carried) {
            context.heartbeat(new RecordedPlan(carried.get(), details));
        }
    }

    /**
     * Runs {@code work} on this thread with every heartbeat sent as a {@link RecordedPlan} holding the carried plan (null
     * while the step is still planning).
     */
    public static <T> T carrying(AtomicReference<StepPlan> plan, Supplier<T> work) {
        AtomicReference<StepPlan> before = CARRIED.get();
        CARRIED.set(plan);
        try {
            return work.get();
        } finally {
            if (before == null) {
                CARRIED.remove();
            } else {
                CARRIED.set(before);
            }
        }
    }
}
