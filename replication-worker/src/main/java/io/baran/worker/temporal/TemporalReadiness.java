package io.baran.worker.temporal;

import io.baran.workflow.TaskQueues;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the worker polls its task queue and the Temporal frontend answers now. */
@Readiness
@Singleton
public class TemporalReadiness implements HealthCheck {

    private final ActionWorker worker;

    public TemporalReadiness(ActionWorker worker) {
        this.worker = worker;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("temporal")
                .withData("target", worker.temporal().target())
                .withData("namespace", worker.temporal().namespace())
                .withData("taskQueue", TaskQueues.ACTIONS);
        if (!worker.started() || worker.stubs() == null) {
            return response.down()
                    .withData("error", String.valueOf(worker.lastError()))
                    .build();
        }
        try {
            worker.stubs()
                    .blockingStub()
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down()
                    .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .build();
        }
    }
}
