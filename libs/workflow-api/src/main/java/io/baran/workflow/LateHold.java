package io.baran.workflow;

/**
 * The blast-radius guard tripped after an automatic failover had started: a later outage made too much of the estate
 * down at once (a detector fault looks like that). The failover waits for a person before its next step.
 *
 * @param why                    the guard's reason, as the held executions of the later outage show it
 * @param approvalTimeoutSeconds nobody deciding within this long counts as a rejection; 0: wait without limit
 */
public record LateHold(String why, long approvalTimeoutSeconds) {}
