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
                            .map(r -> (String) r[1])
                            .filter(id -> !id.equals(incidentId))
                            .distinct()
                            .toList());
        });
    }

    /**
     * @param scopes          every scope detected within the window and not recovered, this outage's included
     * @param otherIncidents  the other outages among them: the guard holds what they started when it trips
     */
    public record Open(List<String> scopes, List<String> otherIncidents) {}

    /** The incident is over: it no longer counts as down. */
    public void recovered(String incidentId) {
        QuarkusTransaction.requiringNew()
                .run(() -> Panache.getEntityManager()
                        .createNativeQuery(
                                "update open_outage set recovered_at = :at where incident_id = :id and recovered_at is null")
                        .setParameter("at", Instant.now().truncatedTo(ChronoUnit.MICROS))
                        .setParameter("id", incidentId)
                        .executeUpdate());
    }
}
