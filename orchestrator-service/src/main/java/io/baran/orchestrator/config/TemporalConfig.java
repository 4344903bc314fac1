package io.baran.orchestrator.config;

import io.baran.workflow.temporal.TemporalConnectionConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Temporal cluster the workflows run on: target, namespace, TLS, API key and payload codec as every service
 * reads them ({@link TemporalConnectionConfig}), and what is the orchestrator's own.
 */
@ConfigMapping(prefix = "baran.temporal")
public interface TemporalConfig extends TemporalConnectionConfig {

    /** Whether this instance runs the workflow worker. */
    @WithDefault("true")
    boolean worker();

    /** How the workflow worker is sized ({@code baran.temporal.tuning.*}): a mass failover runs a thousand at once. */
    Tuning tuning();

    interface Tuning {

        /**
         * Executions kept in the worker's memory between workflow tasks (the SDK's default is 600). An execution not
         * cached is replayed from its history on its next workflow task: above a thousand running executions, a
         * cache smaller than that replays on most tasks.
         */
        @WithDefault("1500")
        int workflowCache();

        /**
         * Workflow threads of the worker (the SDK's default is 600). A cached execution holds two while it waits (the
         * interpreter and its join watcher) and more while parallel steps run; when they run out, cached executions
         * are evicted.
         */
        @WithDefault("4000")
        int maxWorkflowThreads();

        /** Long polls for workflow tasks held open at once (the SDK's default is 5). */
        @WithDefault("8")
        int workflowTaskPollers();

        /**
         * How long a workflow task of an execution this worker caches waits on its sticky queue before it moves to the
         * shared queue, where any worker may take it by replaying the history (the SDK's default is 5 s). While the
         * sticky backlog exceeds {@link #workflowTaskPollers()}, the SDK polls only the sticky queue, so a task that
         * moved waits there until the backlog is served: in the mass-failover benchmark, tasks that moved after 5 s
         * (or 10 s) on the sticky queue waited 11 to 27 s more, and runs with 20 s moved none. Longer is not free:
         * after this worker dies, the server keeps sending its executions' tasks to the sticky queue for about 10 s
         * (until it notices no poll), and those wait this long before another replica takes them.
         */
        @WithDefault("20s")
        java.time.Duration stickyScheduleToStart();

        /** Workflow tasks run at once (the SDK's default is 200). */
        @WithDefault("200")
        int maxConcurrentWorkflowTasks();

        /** Long polls for activity tasks (journal, provider slots) held open at once (the SDK's default is 5). */
        @WithDefault("5")
        int activityTaskPollers();

        /**
         * Eager workflow start: an execution this orchestrator starts gets its first workflow task in the start's
         * answer, run by this orchestrator's worker at once, instead of queued on the server and polled for (a mass
         * outage starts a thousand). Needs the server's {@code system.enableEagerWorkflowStart}; a server without it
         * starts the execution as before. The replica that dispatches an outage then runs most of its executions'
         * workflow tasks (the next ones stay with it while cached): off where several replicas should split them.
         */
        @WithDefault("true")
        boolean eagerStart();
    }
}
