package io.baran.workflow;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

import java.time.Duration;

/** Connections to a Temporal frontend, the same way in every service. */
public final class TemporalClients {

    private TemporalClients() {
    }

    /**
     * Connects lazily: a service starts even while Temporal is down, and its calls fail (and its
     * workers retry) until Temporal is back.
     *
     * @param target host:port of the Temporal frontend, e.g. 127.0.0.1:7233
     */
    public static WorkflowServiceStubs stubs(String target) {
        return WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                .setRpcTimeout(Duration.ofSeconds(10))
                .build());
    }

    public static WorkflowClient client(WorkflowServiceStubs stubs, String namespace) {
        return WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    }
}
