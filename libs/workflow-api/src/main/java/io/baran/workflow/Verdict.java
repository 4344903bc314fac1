package io.baran.workflow;

/** What a person decides on what an execution waits for. */
public enum Verdict {
    /** Go ahead: start the failover, pass the approval step, go on after the held step, fail back. */
    APPROVE,
    /** Do not: nothing is started, the step fails, everything is undone, or the execution stays failed over. */
    REJECT
}
