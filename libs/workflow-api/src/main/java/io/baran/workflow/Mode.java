package io.baran.workflow;

/** How a runbook execution behaves. */
public enum Mode {
    /** Observe and report what each step would change; change nothing. */
    PLAN,
    /** Fail over, hold for the drill's duration, fail back, report. */
    DRILL,
    /** A real incident: stay failed over until the failback condition holds. */
    FAILOVER
}
