package io.baran.orchestrator.dispatch;

import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The joins whose outcome a dispatch could not wait for ({@code deferred_join}), shared by every orchestrator instance:
 * an outage told by signal to its service's execution (no worker answered the Update in time), or refused by one that
 * was ending and had not ended within the dispatcher's wait. {@link JoinSweep} settles each.
 */
@ApplicationScoped
public class DeferredJoins {

    /** Why the join's outcome was not known when the outage was dispatched. */
    public enum Reason {
        /** Told by signal: the execution takes it once a worker runs it, unless it is ending by then. */
        SIGNALLED,
        /** Refused (the execution had made its last decision, or was being aborted) and not ended yet. */
        REFUSED;

        String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Reason of(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * One outage of one service, told to {@code executionId}.
     *
     * @param detectedAt when the outage's event was dated
     */
    public record Deferred(
            String incidentId,
            String service,
            String executionId,
            Reason reason,
            String scope,
            String eventId,
            String vantage,
            Instant outageSince,
            Instant detectedAt) {}

    /**
     * Records the join (a redelivered event told again records it again, unsettled, with the execution it told this
     * time).
     */
    public void record(Deferred join) {
        QuarkusTransaction.requiringNew()
                .run(() -> Panache.getEntityManager()
                        .createNativeQuery(
                                "insert into deferred_join (incident_id, service, execution_id, reason, scope,"
                                        + " event_id, vantage, outage_since, detected_at, recorded_at) values (:incident,"
                                        + " :service, :execution, :reason, :scope, :event, :vantage, :since, :detected, :now)"
                                        + " on conflict (incident_id, service) do update set execution_id ="
                                        + " excluded.execution_id, reason = excluded.reason, scope = excluded.scope,"
                                        + " event_id = excluded.event_id, vantage = excluded.vantage, outage_since ="
                                        + " excluded.outage_since, detected_at = excluded.detected_at, recorded_at ="
                                        + " excluded.recorded_at, checked_at = null, settled_at = null, outcome = null")
                        .setParameter("incident", join.incidentId())
                        .setParameter("service", join.service())
                        .setParameter("execution", join.executionId())
                        .setParameter("reason", join.reason().value())
                        .setParameter("scope", join.scope())
                        .setParameter("event", join.eventId())
                        .unwrap(org.hibernate.query.NativeQuery.class)
                        // typed: a null is bound as the column's type
                        .setParameter("vantage", join.vantage(), String.class)
                        .setParameter("since", join.outageSince(), Instant.class)
                        .setParameter("detected", join.detectedAt(), Instant.class)
                        .setParameter("now", now(), Instant.class)
                        .executeUpdate());
    }

    /**
     * How long a join taken by a sweep is left to it: another instance takes it again only after this (and {@code
     * notWithin}), unless the sweep gives it back first ({@link #release}); a sweep that dies with it lets it go then.
     */
    static final java.time.Duration LEASE = java.time.Duration.ofMinutes(2);

    /**
     * Takes the joins not settled yet that no sweep looked at within {@code notWithin} and no sweep holds, those looked
     * at least recently first, at most {@code limit}: each is leased to this sweep ({@link #LEASE}) in one statement
     * that skips rows another instance is taking, so the instances' sweeps share them instead of each asking Temporal
     * about every one.
     */
    public List<Deferred> take(int limit, java.time.Duration notWithin) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = now();
            @SuppressWarnings("unchecked")
            List<Object[]> rows = Panache.getEntityManager()
                    .createNativeQuery("with picked as materialized (select incident_id, service from deferred_join"
                            + " where settled_at is null and coalesce(checked_at, recorded_at) <= :before order by"
                            + " coalesce(checked_at, recorded_at), incident_id, service limit :limit for update skip"
                            + " locked) update deferred_join d set checked_at = :lease from picked where d.incident_id"
                            + " = picked.incident_id and d.service = picked.service returning d.incident_id,"
                            + " d.service, d.execution_id, d.reason, d.scope, d.event_id, d.vantage, d.outage_since,"
                            + " d.detected_at, d.recorded_at")
                    .setParameter("lease", now.plus(LEASE))
                    .setParameter("before", now.minus(notWithin))
                    .setParameter("limit", limit)
                    .getResultList();
            return rows.stream()
                    .sorted(java.util.Comparator.comparing((Object[] r) -> instant(r[9])))
                    .map(r -> new Deferred(
                            (String) r[0],
                            (String) r[1],
                            (String) r[2],
                            Reason.of((String) r[3]),
                            (String) r[4],
                            (String) r[5],
                            (String) r[6],
                            instant(r[7]),
                            instant(r[8])))
                    .toList();
        });
    }

    /** Gives a join the sweep looked at and left unsettled back: any instance's sweep takes it after one period. */
    public void release(Deferred join) {
        QuarkusTransaction.requiringNew()
                .run(() -> Panache.getEntityManager()
                        .createNativeQuery("update deferred_join set checked_at = :now where incident_id = :incident"
                                + " and service = :service and execution_id = :execution and settled_at is null")
                        .setParameter("now", now())
                        .setParameter("incident", join.incidentId())
                        .setParameter("service", join.service())
                        .setParameter("execution", join.executionId())
                        .executeUpdate());
    }

    /**
     * Settles the join as it was read: a join recorded again since (told to another execution) stays unsettled.
     *
     * @return whether it was settled here
     */
    public boolean settle(Deferred join, String outcome) {
        return QuarkusTransaction.requiringNew()
                        .call(() -> Panache.getEntityManager()
                                .createNativeQuery("update deferred_join set settled_at = :now, outcome = :outcome"
                                        + " where incident_id = :incident and service = :service and execution_id ="
                                        + " :execution and settled_at is null")
                                .setParameter("now", now())
                                .setParameter(
                                        "outcome", outcome.length() > 512 ? outcome.substring(0, 509) + "..." : outcome)
                                .setParameter("incident", join.incidentId())
                                .setParameter("service", join.service())
                                .setParameter("execution", join.executionId())
                                .executeUpdate())
                > 0;
    }

    /** How the join was settled; null while it is not (or was never recorded). */
    public String outcomeOf(String incidentId, String service) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = Panache.getEntityManager()
                    .createNativeQuery("select coalesce(outcome, '') from deferred_join where incident_id = :incident"
                            + " and service = :service and settled_at is not null")
                    .setParameter("incident", incidentId)
                    .setParameter("service", service)
                    .getResultList();
            return rows.isEmpty() ? null : (String) rows.get(0);
        });
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static Instant instant(Object value) {
        return value == null ? null : io.baran.orchestrator.workflow.ExecutionAudit.toInstant(value);
    }
}
