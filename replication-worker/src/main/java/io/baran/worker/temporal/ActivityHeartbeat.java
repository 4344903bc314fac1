package io.baran.worker.temporal;

import io.baran.worker.Heartbeat;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import jakarta.inject.Singleton;

/**
 * Heartbeats the activity running on the calling thread, so a workflow with a heartbeat timeout knows a
 * long step (a health check, a DNS change waiting to sync) is alive, and can cancel it: a cancellation
 * surfaces here as an exception that ends the step.
 */
@Singleton
public class ActivityHeartbeat implements Heartbeat {

    @Override
    public void beat(String details) {
        ActivityExecutionContext context;
        try {
            context = Activity.getExecutionContext();
        } catch (IllegalStateException notInAnActivity) {
            // Called outside an activity (e.g. a plan made by a tool): there is nobody to tell.
            return;
        }
        context.heartbeat(details);
    }
}
