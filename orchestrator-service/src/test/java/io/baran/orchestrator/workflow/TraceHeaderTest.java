package io.baran.orchestrator.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.runbook.Failback;
import io.baran.runbook.Runbook;
import io.baran.runbook.Step;
import io.baran.testinfra.InMemoryTracing;
import io.baran.workflow.ExecutionProgress;
import io.baran.workflow.ExecutionRequest;
import io.baran.workflow.Mode;
import io.baran.workflow.Phase;
import io.baran.workflow.PriorityHeader;
import io.baran.workflow.RunbookWorkflow;
import io.baran.workflow.TaskQueues;
import io.baran.workflow.TraceHeader;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Temporal hop of a failover's trace, with the real interpreter: the start of an execution inside a span carries
 * that trace in the workflow's header, and every activity the execution runs is a span of it, a child of the start.
 */
class TraceHeaderTest {

    private static final TestEnvironmentOptions TRACED = TestEnvironmentOptions.newBuilder()
            .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                    .setInterceptors(TraceHeader.client())
                    .build())
            .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
                    .setWorkerInterceptors(new PriorityHeader(), TraceHeader.worker())
                    .build())
            .build();

    private InMemoryTracing tracing;
    private TestWorkflowEnvironment env;
    private WorkflowClient client;

    @BeforeEach
    void start() {
        tracing = InMemoryTracing.install();
        InMemoryWorld world = new InMemoryWorld();
        world.values.put("www", "primary");
        env = TestWorkers.start(TRACED, world, new RecordingJournal());
        client = env.getWorkflowClient();
    }

    @AfterEach
    void stop() {
        env.close();
        tracing.close();
    }

    @Test
    void everyActivityOfAnExecutionStartedInATraceIsASpanOfThatTrace() throws Exception {
        Span handling = startInASpan("traced");
        assertEquals(Phase.DONE, result("traced").phase());

        String traceId = handling.getSpanContext().getTraceId();
        SpanData start = tracing.span("start RunbookWorkflow");
        assertEquals(traceId, start.getTraceId());
        assertEquals(handling.getSpanContext().getSpanId(), start.getParentSpanId());
        List<SpanData> activities = tracing.spans().stream()
                .filter(s -> s.getName().startsWith("activity "))
                .toList();
        assertTrue(activities.size() >= 2, "the step's plan and apply, and its undo, at least: " + tracing.spans());
        for (SpanData activity : activities) {
            assertEquals(traceId, activity.getTraceId(), activity.getName());
            assertEquals(start.getSpanId(), activity.getParentSpanId(), activity.getName());
        }
        assertTrue(
                activities.stream().anyMatch(s -> s.getName().equals("activity PlanApplyStep")),
                "the step's plan and apply on the actions task queue: "
                        + activities.stream().map(SpanData::getName).toList());
    }

    @Test
    void aTracedHistoryReplaysWithoutAnyNewSpan() throws Exception {
        startInASpan("replayed");
        result("replayed");
        WorkflowExecutionHistory history = client.fetchHistory("replayed");
        assertTrue(
                history.getEvents()
                        .get(0)
                        .getWorkflowExecutionStartedEventAttributes()
                        .getHeader()
                        .containsFields(TraceHeader.NAME),
                "the start event carries the trace header");
        tracing.reset();

        try (TestWorkflowEnvironment replayEnv = TestWorkflowEnvironment.newInstance(TRACED)) {
            Worker worker = replayEnv.newWorker(TaskQueues.ORCHESTRATION, TestWorkers.OPTIONS);
            worker.registerWorkflowImplementationTypes(RunbookWorkflowImpl.class);
            WorkflowReplayer.replayWorkflowExecution(history, worker);
        }

        assertEquals(List.of(), tracing.spans(), "a replay emits no span: the workflow only passes the header on");
    }

    /** Starts an execution as the orchestrator's event handling does: inside a span, which it returns (ended). */
    private Span startInASpan(String id) {
        Span handling = tracing.tracer().spanBuilder("process outage event").startSpan();
        try (Scope ignored = handling.makeCurrent()) {
            WorkflowClient.start(TestWorkers.stub(client, id)::run, request(id));
        } finally {
            handling.end();
        }
        return handling;
    }

    private static ExecutionRequest request(String id) {
        Runbook runbook = RunbookWorkflowTest.runbook(
                List.of(Step.action("move-www", "dns.switch", Map.of("record", "www", "to", "standby"))),
                Failback.DEFAULT,
                "none",
                RunbookWorkflowTest.ACCESS);
        return new ExecutionRequest(id, Mode.DRILL, runbook, null, null, 1);
    }

    private ExecutionProgress result(String id) throws Exception {
        return WorkflowStub.fromTyped(client.newWorkflowStub(RunbookWorkflow.class, id))
                .getResult(30, TimeUnit.SECONDS, ExecutionProgress.class);
    }
}
