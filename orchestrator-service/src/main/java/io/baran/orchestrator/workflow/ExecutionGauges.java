package io.baran.orchestrator.workflow;

import io.baran.workflow.Phase;
import io.baran.workflow.SearchAttributes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * {@code baran_executions_running{mode, phase}}: the running executions by mode and phase, from Temporal's visibility
 * store (their {@code BaranMode} and {@code BaranPhase} search attributes), for dashboards and alerts (a failover
 * failed over for hours, executions held by the blast-radius guard, a queue of capped executions). Listed at most
 * every {@link #REFRESH_MILLIS}, however often Prometheus scrapes; while Temporal does not answer, the figures are NaN
 * rather than stale.
 */
@ApplicationScoped
public class ExecutionGauges {

    private static final Logger LOG = Logger.getLogger(ExecutionGauges.class);
    private static final long REFRESH_MILLIS = 15_000;
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

    private <T> T fresh(T value) {
        if (System.currentTimeMillis() - readAt > REFRESH_MILLIS) {
            refresh();
        }
        return value;
    }

    synchronized void refresh() {
        if (System.currentTimeMillis() - readAt <= REFRESH_MILLIS) {
            return;
        }
        readAt = System.currentTimeMillis();
        Map<String, Integer> found = new HashMap<>();
        int seen = 0;
        try {
            for (WorkflowExecutionMetadata m :
                    client.listExecutions(RUNNING).limit(MAX_LISTED).toList()) {
                seen++;
                var attributes = m.getTypedSearchAttributes();
                String mode = attributes.get(SearchAttributes.MODE);
                String phase = attributes.get(SearchAttributes.PHASE);
                if (mode != null && phase != null) {
                    found.merge(key(mode, phase), 1, Integer::sum);
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("running executions not counted: %s", e.getMessage());
            counts.values().forEach(c -> c.set(Double.NaN));
            listed.set(Double.NaN);
            return;
        }
        counts.forEach((key, count) -> count.set(found.getOrDefault(key, 0).doubleValue()));
        listed.set((double) seen);
    }

    private static String key(String mode, String phase) {
        return mode + "/" + phase;
    }
}
