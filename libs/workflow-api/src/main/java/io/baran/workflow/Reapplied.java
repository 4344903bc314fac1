package io.baran.workflow;

/**
 * A step an execution applied again because a new outage joined it and the step's change had drifted (a record
 * put back by hand, a change a provider lost): the step was planned anew and its plan changed something.
 *
 * @param step       the failover step
 * @param incidentId the outage that joined the execution and made it look again
 * @param at         when it was re-applied (epoch milliseconds, workflow time)
 * @param summary    what the re-apply changed; null when it failed
 * @param error      why planning or applying it again failed; null when it succeeded
 */
public record Reapplied(String step, String incidentId, long at, String summary, String error) {}
