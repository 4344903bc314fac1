package io.baran.workflow;

/**
 * The blast-radius guard tripped after an automatic failover had started: a later outage made too much of the estate
 * down at once (a detector fault looks like that). The failover waits for a person before its next step.
 *
 * <p>With an {@code incidentId}, it says instead that the guard holds that outage, which joins the execution: the
 * execution does not hold its own failover for it, but if that outage turns a failback round, a person decides first.
 *
 * @param why                    the guard's reason, as the held executions of the later outage show it
 * @param approvalTimeoutSeconds nobody deciding within this long counts as a rejection; 0: wait without limit
 * @param incidentId             the held outage that joins the execution; null for a hold of the failover itself
 */
public record LateHold(String why, long approvalTimeoutSeconds, String incidentId) {

    /** A hold of the failover itself (the guard tripped after it started). */
    public LateHold(String why, long approvalTimeoutSeconds) {
        this(why, approvalTimeoutSeconds, null);
    }
}
