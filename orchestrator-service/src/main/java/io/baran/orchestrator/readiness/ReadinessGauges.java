package io.baran.orchestrator.readiness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus gauges of every runbook's latest verdict, read from the store (so every orchestrator replica exports the
 * same figures): {@code baran_readiness{runbook}} 2 ready, 1 degraded, 0 not-ready;
 * {@code baran_readiness_predicted_rto_seconds{runbook,quantile}}; {@code baran_readiness_rpo_seconds{runbook}}.
 * A runbook no longer evaluated reads NaN.
 */
@ApplicationScoped
public class ReadinessGauges {

    /** The store is read at most this often, however often Prometheus scrapes. */
    private static final long REFRESH_MILLIS = 15_000;

    @Inject
    MeterRegistry registry;

    @Inject
    ReadinessStore store;

    private final Map<String, AtomicReference<ReadinessView>> latest = new ConcurrentHashMap<>();
    private final java.util.List<io.micrometer.core.instrument.Meter> meters =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long readAt;

    /**
     * Takes the gauges out of the registry: a registry that outlives this application (a restart in the same JVM)
     * would otherwise keep answering with these stopped ones, as a registry returns the gauge it has for a name.
     */
    void stop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /** Takes a verdict this replica just recorded, before the next read of the store. */
    public void show(ReadinessView view) {
        holder(view.runbook()).set(view);
    }

    private AtomicReference<ReadinessView> holder(String runbook) {
        return latest.computeIfAbsent(runbook, name -> {
            AtomicReference<ReadinessView> ref = new AtomicReference<>();
            Tags tags = Tags.of("runbook", name);
            meters.add(Gauge.builder("baran_readiness", ref, r -> verdict(fresh(r).get()))
                    .description("The runbook's readiness: 2 ready, 1 degraded, 0 not-ready")
                    .tags(tags)
                    .register(registry));
            meters.add(Gauge.builder("baran_readiness_predicted_rto_seconds", ref, r -> p(r.get(), false))
                    .description("The RTO predicted from past drills and failovers")
                    .tags(tags.and("quantile", "0.5"))
                    .register(registry));
            meters.add(Gauge.builder("baran_readiness_predicted_rto_seconds", ref, r -> p(r.get(), true))
                    .tags(tags.and("quantile", "0.95"))
                    .register(registry));
            meters.add(Gauge.builder("baran_readiness_rpo_seconds", ref, r -> rpo(r.get()))
                    .description("The replication lag measured by the runbook's replica checks")
                    .tags(tags)
                    .register(registry));
            return ref;
        });
    }

    /** Reads the store again when the figures are older than {@link #REFRESH_MILLIS}. */
    private AtomicReference<ReadinessView> fresh(AtomicReference<ReadinessView> ref) {
        if (System.currentTimeMillis() - readAt > REFRESH_MILLIS) {
            refresh();
        }
        return ref;
    }

    /** Registers the gauges of every stored verdict (at start, so they exist before the first scrape). */
    public void refresh() {
        readAt = System.currentTimeMillis();
        try {
            Map<String, ReadinessView> stored = new HashMap<>();
            store.all().forEach(v -> stored.put(v.runbook(), v));
            stored.forEach((name, view) -> holder(name).set(view));
            latest.forEach((name, r) -> {
                if (!stored.containsKey(name)) {
                    r.set(null);
                }
            });
        } catch (RuntimeException e) {
            // The figures stay as they were; the store is read again at the next scrape.
        }
    }

    static double verdict(ReadinessView view) {
        if (view == null) {
            return Double.NaN;
        }
        return switch (view.verdict()) {
            case ReadinessView.READY -> 2;
            case ReadinessView.DEGRADED -> 1;
            default -> 0;
        };
    }

    private static double p(ReadinessView view, boolean p95) {
        if (view == null || view.prediction() == null) {
            return Double.NaN;
        }
        Double value = p95 ? view.prediction().p95Seconds() : view.prediction().p50Seconds();
        return value == null ? Double.NaN : value;
    }

    private static double rpo(ReadinessView view) {
        return view == null || view.rpo() == null || view.rpo().lagSeconds() == null
                ? Double.NaN
                : view.rpo().lagSeconds();
    }
}
