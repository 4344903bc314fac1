package io.baran.orchestrator.workflow;

import io.temporal.worker.WorkerOptions;

/** Worker options for tests on a loaded 2-core machine, where a cold workflow thread can be slow to yield. */
final class TestWorkers {

    /** The SDK's default of one second reports false deadlocks while classes load under load; real ones still show. */
    static final WorkerOptions OPTIONS = WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build();

    private TestWorkers() {
    }
}
