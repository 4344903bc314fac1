package io.baran.workflow;

/** Temporal task queues: workflows run in orchestrator-service, activities in replication-worker. */
public final class TaskQueues {
    public static final String ORCHESTRATION = "baran-orchestration";
    public static final String ACTIONS = "baran-actions";
    /**
     * Readiness checks, in replication-worker, apart from {@link #ACTIONS}: a round over every runbook never takes the
     * slots a failover's steps need.
     */
    public static final String READINESS = "baran-readiness";

    private TaskQueues() {}
}
