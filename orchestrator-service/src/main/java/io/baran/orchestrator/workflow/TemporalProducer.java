package io.baran.orchestrator.workflow;

import io.baran.orchestrator.config.TemporalConfig;
import io.baran.workflow.TemporalClients;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The Temporal connection of this service. */
@ApplicationScoped
public class TemporalProducer {

    @Produces
    @Singleton
    WorkflowServiceStubs stubs(TemporalConfig temporal) {
        return TemporalClients.stubs(temporal.target());
    }

    @Produces
    @Singleton
    WorkflowClient client(WorkflowServiceStubs stubs, TemporalConfig temporal) {
        return TemporalClients.client(stubs, temporal.namespace());
    }

    void close(@Disposes WorkflowServiceStubs stubs) {
        stubs.shutdown();
    }
}
