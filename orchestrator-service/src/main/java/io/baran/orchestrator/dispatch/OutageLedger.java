package io.baran.orchestrator.dispatch;

import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The outages being handled ({@code open_outage}), shared by every orchestrator instance: each consumes the scopes of
 * its own Kafka partitions, so only the database sees every scope that is down at once.
 */
@ApplicationScoped
public class OutageLedger {

    /** Serialises the guard's read with the write before it, across instances. */
    private static final String LOCK = "baran.blast-radius";

    /**
     * Records the outage (once per incident; a redelivered event changes nothing) and answers, in the same transaction
     * and under one lock, every scope detected within {@code window} and not recovered, this one included, and the
     * other incidents among them. Of two outages dispatched at once, the later one sees the earlier.
     */
    public Open opened(String incidentId, String scope, Duration window) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var em = Panache.getEntityManager();
            em.createNativeQuery("select cast(pg_advisory_xact_lock(hashtext(:lock)) as text)")
                    .setParameter("lock", LOCK)
                    .getSingleResult();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            em.createNativeQuery("insert into open_outage (incident_id, scope, detected_at) values (:id, :scope, :at) "
                            + "on conflict (incident_id) do nothing")
                    .setParameter("id", incidentId)
                    .setParameter("scope", scope)
                    .setParameter("at", now)
                    .executeUpdate();
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery(
                            "select scope, incident_id from open_outage where recovered_at is null "
                                    + "and (detected_at > :since or incident_id = :id) order by scope, incident_id")
                    .setParameter("since", now.minus(window))
                    .setParameter("id", incidentId)
                    .getResultList();
            return new Open(
                    rows.stream().map(r -> (String) r[0]).distinct().toList(),
                    rows.stream()
                            .filter(r -> !r[1].equals(incidentId))
                            .map(r -> new Other((String) r[1], (String) r[0]))
                            .distinct()
                            .toList());
        });
    }

    /**
     * @param scopes every scope detected within the window and not recovered, this outage's included
     * @param others the other outages among them: the guard holds what they started when it trips
     */
    public record Open(List<String> scopes, List<Other> others) {
        public List<String> otherIncidents() {
            return others.stream().map(Other::incidentId).distinct().toList();
        }
    }

    /** Another outage open at the same time: its incident and its scope. */
    public record Other(String incidentId, String scope) {}

    /**
     * The incident of {@code scope} is over: it no longer counts as down, and its recovery is to be delivered to the
     * executions that answer it (until {@link #delivered}). Recorded even for an incident the ledger never saw (its
     * detection was handled while the database did not answer).
     */
    public void recovered(String incidentId, String scope) {
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Panache.getEntityManager()
                    .createNativeQuery("insert into open_outage (incident_id, scope, detected_at, recovered_at) "
                            + "values (:id, :scope, :at, :at) on conflict (incident_id) do update "
                            + "set recovered_at = coalesce(open_outage.recovered_at, excluded.recovered_at)")
                    .setParameter("id", incidentId)
                    .setParameter("scope", scope)
                    .setParameter("at", now)
                    .executeUpdate();
        });
    }

    /** The executions answering the incident were told it recovered: the recovery sweep leaves it. */
    public void delivered(String incidentId) {
        QuarkusTransaction.requiringNew()
                .run(() -> Panache.getEntityManager()
                        .createNativeQuery("update open_outage set recovery_delivered_at = :at "
                                + "where incident_id = :id and recovery_delivered_at is null")
                        .setParameter("at", Instant.now().truncatedTo(ChronoUnit.MICROS))
                        .setParameter("id", incidentId)
                        .executeUpdate());
    }

    /**
     * Recoveries recorded more than {@code olderThan} ago and not yet delivered, oldest first, at most {@code limit}.
     */
    public List<Recovery> undelivered(Duration olderThan, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = Panache.getEntityManager()
                    .createNativeQuery("select incident_id, scope from open_outage where recovered_at is not null "
                            + "and recovery_delivered_at is null and recovered_at < :before "
                            + "order by recovered_at, incident_id limit :limit")
                    .setParameter("before", Instant.now().minus(olderThan))
                    .setParameter("limit", limit)
                    .getResultList();
            return rows.stream()
                    .map(r -> new Recovery((String) r[0], (String) r[1]))
                    .toList();
        });
    }

    /**
     * Whether the incident's recovery is recorded, at or after {@code detectedAt}: a detection of it dated before its
     * recovery is a copy of one already handled. A later one is a new outage that took the same id.
     */
    public boolean recoveredSince(String incidentId, Instant detectedAt) {
        return QuarkusTransaction.requiringNew()
                .call(() -> !Panache.getEntityManager()
                        .createNativeQuery("select 1 from open_outage where incident_id = :id and recovered_at >= :at")
                        .setParameter("id", incidentId)
                        .setParameter("at", detectedAt)
                        .getResultList()
                        .isEmpty());
    }

    /** A recovery to deliver: the incident, and the scope that recovered. */
    public record Recovery(String incidentId, String scope) {}
}
