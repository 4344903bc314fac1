package io.baran.orchestrator.workflow;

import io.baran.orchestrator.config.TemporalConfig;
import io.baran.workflow.TaskQueues;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;

/** Runs the runbook workflows of task queue {@value TaskQueues#ORCHESTRATION} in this process. */
@ApplicationScoped
public class OrchestrationWorker {

    private static final Logger LOG = Logger.getLogger(OrchestrationWorker.class);

    @Inject
    WorkflowClient client;

    @Inject
    KafkaExecutionJournal journal;

    @Inject
    TemporalConfig temporal;

    private WorkerFactory factory;

    void start(@Observes StartupEvent event) {
        if (!temporal.worker()) {
            return;
        }
        SearchAttributeRegistration.ensure(client);
        factory = WorkerFactory.newInstance(client);
        var worker = factory.newWorker(TaskQueues.ORCHESTRATION);
        worker.registerWorkflowImplementationTypes(RunbookWorkflowImpl.class);
        worker.registerActivitiesImplementations(journal);
        factory.start();
        LOG.infof("workflow worker polling %s on Temporal %s (namespace %s)", TaskQueues.ORCHESTRATION,
                temporal.target(), temporal.namespace());
    }

    void stop(@Observes ShutdownEvent event) {
        if (factory != null) {
            factory.shutdown();
            factory.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
