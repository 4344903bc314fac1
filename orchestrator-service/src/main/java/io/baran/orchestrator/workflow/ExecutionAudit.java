package io.baran.orchestrator.workflow;

import io.baran.events.ExecutionEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The audit trail of executions in PostgreSQL: every transition, once, never changed afterwards. */
@ApplicationScoped
public class ExecutionAudit {

    @Inject
    EntityManager em;

    /** Stores the transition unless a transition with the same id is already stored. */
    @Transactional
    public void store(String eventId, ExecutionEvent t) {
        em.createNativeQuery("""
                INSERT INTO execution_event (event_id, execution_id, runbook_name, protects, mode, phase, step_name,
                                             step_state, detail, occurred_at, seq)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                ON CONFLICT (event_id) DO NOTHING""")
                .setParameter(1, eventId)
                .setParameter(2, t.executionId())
                .setParameter(3, t.runbook())
                .setParameter(4, t.protects())
                .setParameter(5, t.mode())
                .setParameter(6, t.phase())
                .setParameter(7, t.step())
                .setParameter(8, t.state())
                .setParameter(9, t.detail())
                .setParameter(10, Timestamp.from(Instant.ofEpochMilli(t.at())))
                .setParameter(11, t.seq())
                .executeUpdate();
    }

    /** The stored transitions of one execution, oldest first. */
    @Transactional
    public List<ExecutionEvent> of(String executionId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows =
                em.createNativeQuery("""
                SELECT execution_id, runbook_name, protects, mode, phase, step_name, step_state, detail, occurred_at, seq
                FROM execution_event WHERE execution_id = ?1 ORDER BY seq""").setParameter(1, executionId).getResultList();
        return rows.stream()
                .map(r -> new ExecutionEvent(
                        (String) r[0],
                        (String) r[1],
                        (String) r[2],
                        (String) r[3],
                        (String) r[4],
                        (String) r[5],
                        (String) r[6],
                        (String) r[7],
                        toInstant(r[8]).toEpochMilli(),
                        ((Number) r[9]).longValue()))
                .toList();
    }

    /** A timestamp column as the JDBC driver returns it. */
    public static Instant toInstant(Object value) {
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
