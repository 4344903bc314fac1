package io.baran.workflow;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The deep checks of continuous readiness, hosted by replication-worker on {@link TaskQueues#ACTIONS} (the only
 * service that talks to providers). Each check only reads: it never changes a provider.
 */
@ActivityInterface
public interface ReadinessActivities {

    /**
     * Checks that one failover step could run now: its provider's credentials and the read calls it needs work, the
     * standby answers its health check, the replica's lag is within {@code maxLag}; reports what readiness weighs
     * (the switched record's current TTL, the measured lag, the control plane's region). Never fails for what it
     * finds: a failed check is a {@link StepCheck} saying so.
     */
    @ActivityMethod(name = "CheckStepReadiness")
    StepCheck check(StepCommand command);
}
