package io.baran.worker;

/**
 * Tells Temporal that a long-running step is still alive. Inside a worker it heartbeats the current
 * activity; outside one (unit tests, tools) it may do nothing.
 */
@FunctionalInterface
public interface Heartbeat {

    Heartbeat NONE = details -> {};

    /** @param details a short line shown in the workflow's pending activity, never a secret */
    void beat(String details);
}
