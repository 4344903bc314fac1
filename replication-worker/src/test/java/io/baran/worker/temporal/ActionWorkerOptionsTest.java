package io.baran.worker.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.worker.config.ActionsConfig;
import io.temporal.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

class ActionWorkerOptionsTest {

    @Test
    void theWorkerHoldsTheSetStepSlotsAndPolls() {
        WorkerOptions options = ActionWorker.actionsOptions(actions(1000, 16));

        assertEquals(16, options.getMaxConcurrentActivityTaskPollers());
        assertEquals(1000, options.getMaxConcurrentActivityExecutionSize());
    }

    private static ActionsConfig actions(int maxConcurrent, int pollers) {
        return new ActionsConfig() {
            @Override
            public int maxConcurrent() {
                return maxConcurrent;
            }

            @Override
            public int readinessMaxConcurrent() {
                return 8;
            }

            @Override
            public int taskPollers() {
                return pollers;
            }
        };
    }
}
