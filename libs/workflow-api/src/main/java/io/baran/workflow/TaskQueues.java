package io.baran.workflow;

/** Temporal task queues: workflows run in orchestrator-service, activities in replication-worker. */
public final class TaskQueues {
    public static final String ORCHESTRATION = "baran-orchestration";
    public static final String ACTIONS = "baran-actions";

    private TaskQueues() {}
}
