package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.orchestrator.config.TemporalConfig;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OrchestrationWorkerOptionsTest {

    @Test
    void theWorkerHoldsTheSetPollsSlotsAndStickyWait() {
        WorkerOptions options = OrchestrationWorker.workerOptions(tuning(12, Duration.ofSeconds(15)));

        assertEquals(12, options.getMaxConcurrentWorkflowTaskPollers());
        assertEquals(300, options.getMaxConcurrentWorkflowTaskExecutionSize());
        assertEquals(6, options.getMaxConcurrentActivityTaskPollers());
        assertEquals(Duration.ofSeconds(15), options.getStickyQueueScheduleToStartTimeout());
    }

    private static TemporalConfig.Tuning tuning(int pollers, Duration sticky) {
        return new TemporalConfig.Tuning() {
            @Override
            public int workflowCache() {
                return 1500;
            }

            @Override
            public int maxWorkflowThreads() {
                return 4000;
            }

            @Override
            public int workflowTaskPollers() {
                return pollers;
            }

            @Override
            public Duration stickyScheduleToStart() {
                return sticky;
            }

            @Override
            public int maxConcurrentWorkflowTasks() {
                return 300;
            }

            @Override
            public int activityTaskPollers() {
                return 6;
            }

            @Override
            public boolean eagerStart() {
                return true;
            }
        };
    }
}
