package io.baran.orchestrator.workflow;

import io.baran.workflow.Phase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * {@code baran_executions_running{mode, phase}}: the running executions by mode and phase, for dashboards and alerts
 * (a failover failed over for hours, executions held by the blast-radius guard, a queue of capped executions).
 *
 * <p>Counted from the orchestrator's own PostgreSQL, not from Temporal's visibility store: each recorded execution not
 * yet known to be finished ({@code runbook_execution.finished_at} is null, a partial index) in the phase of its latest
 * stored transition ({@code execution_event}), unless that phase ends an execution. Every transition is stored there
 * by the journal before the workflow goes on, so the figures follow the executions as closely as the REST API does,
 * and a visibility store that is slow or does not answer (a listing that never returned once hung a scrape) cannot
 * blind them. An execution terminated by hand in Temporal, which writes no last transition, keeps counting in its last
 * phase until its runbook's running executions are next asked of Temporal (a runbook change or deletion).
 *
 * <p>Counted in the background at most every {@link #REFRESH_MILLIS}, however often Prometheus scrapes, so a scrape
 * never waits on the database; while the database does not answer, the figures are NaN rather than stale.
 */
@ApplicationScoped
public class ExecutionGauges {

    private static final Logger LOG = Logger.getLogger(ExecutionGauges.class);
    static final long REFRESH_MILLIS = 5_000;
    /** Bounds one count; the scrape that asked for it has long returned. */
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    static final List<String> MODES = List.of("plan", "drill", "failover");
    /** The phases an execution ends in: it no longer runs. */
    static final Set<Phase> ENDED = Set.of(Phase.PLANNED, Phase.REJECTED, Phase.DONE, Phase.COMPENSATED, Phase.FAILED);

    static final String COUNT = """
            SELECT latest.mode, latest.phase, count(*)
            FROM runbook_execution x
            CROSS JOIN LATERAL (
                SELECT e.mode, e.phase FROM execution_event e
                WHERE e.execution_id = x.execution_id ORDER BY e.seq DESC LIMIT 1) latest
            WHERE x.finished_at IS NULL AND latest.phase NOT IN (:ended)
            GROUP BY latest.mode, latest.phase""";

    @Inject
    EntityManager em;

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicReference<Double>> counts = new ConcurrentHashMap<>();
    private final AtomicReference<Double> counted = new AtomicReference<>(Double.NaN);
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final List<Meter> meters = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "baran-execution-gauges");
        t.setDaemon(true);
        return t;
    });
    private volatile long readAt;

    void register(@Observes StartupEvent event) {
        for (String mode : MODES) {
            for (Phase phase : Phase.values()) {
                if (ENDED.contains(phase)) {
                    continue;
                }
                AtomicReference<Double> count = new AtomicReference<>(Double.NaN);
                counts.put(key(mode, phase.value()), count);
                meters.add(Gauge.builder("baran_executions_running", count, c -> fresh(c).get())
                        .description("Running executions in this mode and phase (latest stored transition)")
                        .tags("mode", mode, "phase", phase.value())
                        .register(registry));
            }
        }
        meters.add(Gauge.builder("baran_executions_running_listed", counted, l -> fresh(l).get())
                .description(
                        "Running executions counted for baran_executions_running (NaN while they cannot be counted)")
                .register(registry));
    }

    /**
     * Takes the gauges out of the registry: a registry that outlives this application (a restart in the same JVM)
     * would otherwise keep answering with these stopped ones, as a registry returns the gauge it has for a name.
     */
    void stop(@Observes ShutdownEvent event) {
        meters.forEach(registry::remove);
        meters.clear();
        refresher.shutdownNow();
    }

    /**
     * A scrape never waits on the database: it reads the figures as they are and, when they are older than
     * {@link #REFRESH_MILLIS}, asks one background thread to count again (at most one count at a time).
     */
    private <T> T fresh(T value) {
        if (System.currentTimeMillis() - readAt > REFRESH_MILLIS && refreshing.compareAndSet(false, true)) {
            readAt = System.currentTimeMillis();
            try {
                refresher.execute(() -> {
                    try {
                        refresh();
                    } finally {
                        refreshing.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                refreshing.set(false);
            }
        }
        return value;
    }

    void refresh() {
        Map<String, Integer> found = new HashMap<>();
        int seen = 0;
        try {
            List<Object[]> rows = QuarkusTransaction.requiringNew()
                    .timeout(QUERY_TIMEOUT_SECONDS)
                    .call(ExecutionGauges.this::count);
            for (Object[] row : rows) {
                int n = ((Number) row[2]).intValue();
                seen += n;
                found.merge(key((String) row[0], (String) row[1]), n, Integer::sum);
            }
        } catch (RuntimeException e) {
            LOG.debugf("running executions not counted: %s", e.getMessage());
            counts.values().forEach(c -> c.set(Double.NaN));
            counted.set(Double.NaN);
            return;
        }
        counts.forEach((key, count) -> count.set(found.getOrDefault(key, 0).doubleValue()));
        counted.set((double) seen);
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> count() {
        return em.createNativeQuery(COUNT)
                .setParameter("ended", ENDED.stream().map(Phase::value).collect(Collectors.toList()))
                .setHint("jakarta.persistence.query.timeout", QUERY_TIMEOUT_SECONDS * 1000)
                .getResultList();
    }

    private static String key(String mode, String phase) {
        return mode + "/" + phase;
    }
}
