package io.baran.orchestrator.workflow;

import io.baran.workflow.Phase;
import io.baran.workflow.SearchAttributes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * {@code baran_executions_running{mode, phase}}: the running executions by mode and phase, from Temporal's visibility
 * store (their {@code BaranMode} and {@code BaranPhase} search attributes), for dashboards and alerts (a failover
 * failed over for hours, executions held by the blast-radius guard, a queue of capped executions). Listed in the
 * background at most every {@link #REFRESH_MILLIS}, however often Prometheus scrapes, so a scrape never waits on
 * Temporal; while Temporal does not answer, the figures are NaN rather than stale.
 */
@ApplicationScoped
public class ExecutionGauges {

    private static final Logger LOG = Logger.getLogger(ExecutionGauges.class);
    private static final long REFRESH_MILLIS = 15_000;
    private static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofSeconds(10);
    /** The most running executions counted; {@code baran_executions_running_listed} says when there were more. */
    static final int MAX_LISTED = 20_000;

    static final List<String> MODES = List.of("plan", "drill", "failover");
    static final String RUNNING = "WorkflowType = 'RunbookWorkflow' AND ExecutionStatus = 'Running'";

    @Inject
    WorkflowClient client;

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicReference<Double>> counts = new ConcurrentHashMap<>();
    private final AtomicReference<Double> listed = new AtomicReference<>(Double.NaN);
    private final java.util.concurrent.atomic.AtomicBoolean refreshing =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ExecutorService refresher =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "baran-execution-gauges");
                t.setDaemon(true);
                return t;
            });
    private volatile long readAt;

    void register(@Observes StartupEvent event) {
        for (String mode : MODES) {
            for (Phase phase : Phase.values()) {
                AtomicReference<Double> count = new AtomicReference<>(Double.NaN);
                counts.put(key(mode, phase.value()), count);
                Gauge.builder("baran_executions_running", count, c -> fresh(c).get())
                        .description("Running executions in this mode and phase, from Temporal's visibility store")
                        .tags("mode", mode, "phase", phase.value())
                        .register(registry);
            }
        }
        Gauge.builder("baran_executions_running_listed", listed, l -> fresh(l).get())
                .description("Running executions listed for baran_executions_running (at most " + MAX_LISTED + ")")
                .register(registry);
    }

    /**
     * A scrape never waits on Temporal: it reads the figures as they are and, when they are older than
     * {@link #REFRESH_MILLIS}, asks one background thread to list again (at most one listing at a time, each call
     * bounded by {@link #CALL_TIMEOUT}).
     */
    private <T> T fresh(T value) {
        if (System.currentTimeMillis() - readAt > REFRESH_MILLIS && refreshing.compareAndSet(false, true)) {
            readAt = System.currentTimeMillis();
            refresher.execute(() -> {
                try {
                    refresh();
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return value;
    }

    void refresh() {
        Map<String, Integer> found = new HashMap<>();
        int seen = 0;
        try {
            var stub = client.getWorkflowServiceStubs().blockingStub();
            com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
            do {
                var answer = stub.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
                                .setNamespace(client.getOptions().getNamespace())
                                .setQuery(RUNNING)
                                .setPageSize(1000)
                                .setNextPageToken(page)
                                .build());
                for (var info : answer.getExecutionsList()) {
                    seen++;
                    var fields = info.getSearchAttributes().getIndexedFieldsMap();
                    String mode = keyword(fields.get(SearchAttributes.MODE.getName()));
                    String phase = keyword(fields.get(SearchAttributes.PHASE.getName()));
                    if (mode != null && phase != null) {
                        found.merge(key(mode, phase), 1, Integer::sum);
                    }
                }
                page = answer.getNextPageToken();
            } while (!page.isEmpty() && seen < MAX_LISTED);
        } catch (RuntimeException e) {
            LOG.debugf("running executions not counted: %s", e.getMessage());
            counts.values().forEach(c -> c.set(Double.NaN));
            listed.set(Double.NaN);
            return;
        }
        counts.forEach((key, count) -> count.set(found.getOrDefault(key, 0).doubleValue()));
        listed.set((double) seen);
    }

    /** A Keyword search attribute's value as the visibility store sends it (a JSON string), or null. */
    private static String keyword(io.temporal.api.common.v1.Payload payload) {
        if (payload == null) {
            return null;
        }
        String json = payload.getData().toStringUtf8();
        return json.length() >= 2 && json.startsWith("\"") && json.endsWith("\"")
                ? json.substring(1, json.length() - 1)
                : null;
    }

    private static String key(String mode, String phase) {
        return mode + "/" + phase;
    }
}
