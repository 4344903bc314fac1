package io.baran.orchestrator.readiness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The latest readiness verdict of each runbook, in PostgreSQL (table {@code runbook_readiness}). */
@ApplicationScoped
public class ReadinessStore {

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    /**
     * Stores the verdict as the runbook's latest.
     *
     * @return the verdict it replaces; empty for the runbook's first
     */
    @Transactional
    public Optional<String> save(ReadinessView view) {
        @SuppressWarnings("unchecked")
        List<String> before = em.createNativeQuery(
                        "SELECT verdict FROM runbook_readiness WHERE runbook_name = ?1 FOR UPDATE")
                .setParameter(1, view.runbook())
                .getResultList();
        Optional<String> previous = before.stream().findFirst();
        Timestamp at = Timestamp.from(Instant.parse(view.evaluatedAt()));
        em.createNativeQuery("""
                INSERT INTO runbook_readiness (runbook_name, verdict, report, evaluated_at, changed_at)
                VALUES (?1, ?2, ?3, ?4, ?4)
                ON CONFLICT (runbook_name) DO UPDATE SET verdict = EXCLUDED.verdict, report = EXCLUDED.report,
                    evaluated_at = EXCLUDED.evaluated_at,
                    changed_at = CASE WHEN runbook_readiness.verdict = EXCLUDED.verdict
                                      THEN runbook_readiness.changed_at ELSE EXCLUDED.changed_at END""")
                .setParameter(1, view.runbook())
                .setParameter(2, view.verdict())
                .setParameter(3, write(view))
                .setParameter(4, at)
                .executeUpdate();
        return previous;
    }

    /** The runbook's latest verdict, if it was evaluated. */
    @Transactional
    public Optional<ReadinessView> find(String runbook) {
        @SuppressWarnings("unchecked")
        List<String> rows = em.createNativeQuery("SELECT report FROM runbook_readiness WHERE runbook_name = ?1")
                .setParameter(1, runbook)
                .getResultList();
        return rows.stream().findFirst().map(this::read);
    }

    /** Every runbook's latest verdict, by runbook name. */
    @Transactional
    public List<ReadinessView> all() {
        @SuppressWarnings("unchecked")
        List<String> rows = em.createNativeQuery("SELECT report FROM runbook_readiness ORDER BY runbook_name")
                .getResultList();
        List<ReadinessView> out = new ArrayList<>();
        rows.forEach(r -> out.add(read(r)));
        return out;
    }

    private String write(ReadinessView view) {
        try {
            return json.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("readiness of " + view.runbook() + " cannot be written as JSON", e);
        }
    }

    private ReadinessView read(String text) {
        try {
            return json.readValue(text, ReadinessView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored readiness verdict does not read: " + e.getOriginalMessage(), e);
        }
    }
}
