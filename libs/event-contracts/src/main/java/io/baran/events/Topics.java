package io.baran.events;

/** Kafka topic names shared by every service. */
public final class Topics {
    /** Outage verdicts from the detectors, keyed by scope. */
    public static final String HEALTH_EVENTS = "baran.health-events";
    /** Transitions of runbook executions, keyed by execution id. */
    public static final String EXECUTION_EVENTS = "baran.execution-events";
    /** Replication lag per replica pair, keyed by pair name. */
    public static final String REPLICATION_STATUS = "baran.replication-status";
    /** Changes of the runbooks' readiness verdicts, keyed by runbook name. */
    public static final String READINESS_EVENTS = "baran.readiness-events";

    private Topics() {}
}
