package io.baran.orchestrator.readiness;

import io.baran.orchestrator.workflow.ExecutionAudit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;

/** The stored transitions of a runbook's latest drills and failovers (table {@code execution_event}). */
@ApplicationScoped
public class HistoryRows {

    @Inject
    EntityManager em;

    /** The transitions of the runbook's {@code limit} latest drills and failovers (plans are not history). */
    @Transactional
    public List<RunbookHistory.Row> of(String runbook, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT e.execution_id, e.mode, e.phase, e.step_name, e.step_state, e.occurred_at
                FROM execution_event e
                WHERE e.execution_id IN (
                    SELECT execution_id FROM execution_event
                    WHERE runbook_name = ?1 AND mode IN ('drill', 'failover')
                    GROUP BY execution_id ORDER BY min(occurred_at) DESC LIMIT ?2)
                ORDER BY e.execution_id, e.seq""")
                .setParameter(1, runbook)
                .setParameter(2, limit)
                .getResultList();
        return rows.stream()
                .map(r -> new RunbookHistory.Row(
                        (String) r[0],
                        (String) r[1],
                        (String) r[2],
                        (String) r[3],
                        (String) r[4],
                        ExecutionAudit.toInstant(r[5])))
                .toList();
    }
}
