package io.baran.orchestrator.workflow;

import io.baran.orchestrator.config.TemporalConfig;
import io.baran.orchestrator.readiness.ReadinessRoundsImpl;
import io.baran.orchestrator.readiness.ReadinessWorkflowImpl;
import io.baran.orchestrator.schedule.ScheduledDrillStarter;
import io.baran.orchestrator.schedule.ScheduledDrillWorkflowImpl;
import io.baran.workflow.PriorityHeader;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.TemporalClients;
import io.baran.workflow.TraceHeader;
import io.baran.workflow.temporal.DecisionSeals;
import io.baran.workflow.temporal.PayloadEncryption;
import io.baran.workflow.temporal.TemporalConnection;
import io.baran.workflow.temporal.TemporalSetup;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Runs the runbook workflows of task queue {@value TaskQueues#ORCHESTRATION} in this process. */
@ApplicationScoped
public class OrchestrationWorker {

    private static final Logger LOG = Logger.getLogger(OrchestrationWorker.class);

    @Inject
    WorkflowClient client;

    @Inject
    KafkaExecutionJournal journal;

    @Inject
    ProviderSlots slots;

    @Inject
    ScheduledDrillStarter scheduledDrills;

    @Inject
    TemporalConfig temporal;

    @Inject
    ReadinessRoundsImpl readiness;

    @Inject
    TemporalConnection connection;

    @Inject
    PayloadEncryption encryption;

    @Inject
    ExecutionLauncher launcher;

    private WorkerFactory factory;

    void start(@Observes StartupEvent event) {
        checkSearchAttributes();
        if (!temporal.worker()) {
            return;
        }
        // Every activity call carries its execution's tier as a header, for the workers' API budgets, and the trace
        // context its start carried (TraceHeader).
        TemporalConfig.Tuning tuning = temporal.tuning();
        factory = WorkerFactory.newInstance(
                client,
                WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new PriorityHeader(), TraceHeader.worker())
                        .setWorkflowCacheSize(tuning.workflowCache())
                        .setMaxWorkflowThreadCount(tuning.maxWorkflowThreads())
                        .build());
        var worker = factory.newWorker(TaskQueues.ORCHESTRATION, workerOptions(tuning));
        // People's decisions are taken only with the orchestrator's seal (DecisionSeals, keyed from the payload codec).
        DecisionSeals seals = encryption.decisionSeals().orElse(null);
        if (seals == null) {
            LOG.warn("decisions are NOT sealed (no payload codec): a client that reaches Temporal directly can name "
                    + "any person in an approval");
        }
        worker.registerWorkflowImplementationFactory(RunbookWorkflow.class, () -> new RunbookWorkflowImpl(seals));
        worker.registerWorkflowImplementationTypes(ReadinessWorkflowImpl.class, ScheduledDrillWorkflowImpl.class);
        worker.registerActivitiesImplementations(journal, slots, readiness, scheduledDrills);
        factory.start();
        LOG.infof(
                "workflow worker polling %s on Temporal %s (cache %d executions, %d workflow threads, %d workflow task "
                        + "pollers)",
                TaskQueues.ORCHESTRATION,
                connection.describe(),
                tuning.workflowCache(),
                tuning.maxWorkflowThreads(),
                tuning.workflowTaskPollers());
    }

    static WorkerOptions workerOptions(TemporalConfig.Tuning tuning) {
        return WorkerOptions.newBuilder()
                .setMaxConcurrentWorkflowTaskPollers(tuning.workflowTaskPollers())
                .setMaxConcurrentWorkflowTaskExecutionSize(tuning.maxConcurrentWorkflowTasks())
                .setMaxConcurrentActivityTaskPollers(tuning.activityTaskPollers())
                .setStickyQueueScheduleToStartTimeout(tuning.stickyScheduleToStart())
                .build();
    }

    /**
     * Workflows set Baran's search attributes on every phase change, and a workflow task that sets an unknown one
     * fails. Registering them needs operator rights this service does not hold: {@code baran temporal setup} does it,
     * once per namespace. Here they are only checked.
     */
    void checkSearchAttributes() {
        OperatorServiceStubs operator = TemporalClients.operatorStubs(connection);
        try {
            List<String> missing = TemporalSetup.missing(operator, temporal.namespace());
            launcher.incidentsRegistered(!missing.contains(io.baran.workflow.SearchAttributes.INCIDENTS.getName()));
            if (!missing.isEmpty()) {
                LOG.errorf(
                        "Temporal namespace %s lacks Baran's search attributes %s: executions will not start until they "
                                + "are registered. Run the one-shot setup with operator rights: bin/baran temporal setup (or "
                                + "temporal operator search-attribute create --name <each> --type Keyword)",
                        temporal.namespace(), missing);
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    "cannot check Baran's search attributes %s in Temporal namespace %s (%s); if they are missing, "
                            + "executions will not start: bin/baran temporal setup registers them",
                    TemporalSetup.attributeNames(), temporal.namespace(), e.getMessage());
        } finally {
            operator.shutdownNow();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (factory != null) {
            factory.shutdown();
            factory.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
