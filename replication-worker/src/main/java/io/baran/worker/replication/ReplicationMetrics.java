package io.baran.worker.replication;

import io.baran.events.ReplicationStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.inject.Singleton;

/**
 * Each replica's lag and backlog as gauges on {@code /q/metrics}, tagged by pair and replica:
 * {@code baran_replication_lag_seconds} (NaN during the initial copy), {@code baran_replication_backlog_objects},
 * {@code baran_replication_backlog_bytes}, {@code baran_replication_conflicts}, and the counters
 * {@code baran_replication_copied_bytes_total} and {@code baran_replication_errors_total}; for a pair with change
 * notifications, tagged by pair, {@code baran_replication_notifications_total}, {@code
 * baran_replication_notifications_recorded_total} and {@code baran_replication_notifications_retried_total}.
 */
@Singleton
public class ReplicationMetrics {

    private final MeterRegistry registry;

    public ReplicationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param statusOf how far behind a replica is now ({@link ReplicationService#status}) */
    void register(Replicator r, java.util.function.Function<Replicator, ReplicationStatus> statusOf) {
        Tags tags = Tags.of("pair", r.pair(), "replica", r.replicaAt().toString());
        Gauge.builder("baran.replication.lag", r, x -> lag(statusOf.apply(x)))
                .baseUnit("seconds")
                .tags(tags)
                .description(
                        "seconds since the newest moment up to which the replica holds every change of the source (the RPO)")
                .register(registry);
        Gauge.builder(
                        "baran.replication.backlog.objects",
                        r,
                        x -> statusOf.apply(x).backlogObjects())
                .tags(tags)
                .description("objects to copy or delete, conflicts included")
                .register(registry);
        Gauge.builder(
                        "baran.replication.backlog.bytes",
                        r,
                        x -> statusOf.apply(x).backlogBytes())
                .tags(tags)
                .description("bytes to copy")
                .register(registry);
        Gauge.builder("baran.replication.conflicts", r, x -> statusOf.apply(x).conflictCount())
                .tags(tags)
                .description("keys changed at both sides, left as they are")
                .register(registry);
        FunctionCounter.builder("baran.replication.copied.bytes", r, Replicator::totalCopiedBytes)
                .tags(tags)
                .description("bytes copied since the worker started")
                .register(registry);
        FunctionCounter.builder("baran.replication.errors", r, Replicator::totalErrors)
                .tags(tags)
                .description("errors of passes since the worker started")
                .register(registry);
    }

    /** The change notifications of a pair's source, tagged by pair. */
    void register(ChangeNotifications n) {
        Tags tags = Tags.of("pair", n.pair());
        FunctionCounter.builder("baran.replication.notifications", n, ChangeNotifications::received)
                .tags(tags)
                .description("change notifications received from the source's feed since the worker started")
                .register(registry);
        FunctionCounter.builder("baran.replication.notifications.recorded", n, ChangeNotifications::recorded)
                .tags(tags)
                .description("notifications whose change every replica recorded (acknowledged to the feed)")
                .register(registry);
        FunctionCounter.builder("baran.replication.notifications.retried", n, ChangeNotifications::retried)
                .tags(tags)
                .description("notifications handed back for delivery again, their change not recorded")
                .register(registry);
    }

    private static double lag(ReplicationStatus s) {
        return s.lagSeconds() == null ? Double.NaN : s.lagSeconds();
    }
}
